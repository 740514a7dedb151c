package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.nglive.cluster.ClusterSettings.Db;
import io.nglive.cluster.ClusterSettings.Kubernetes;
import io.nglive.cluster.ClusterSettings.LeadershipKind;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances in one election, on each engine (a real file lock, a real ZooKeeper server, fabric8's Kubernetes API
 * server in CRUD mode): exactly one leads, the other names it, and when the leader leaves the other leads.
 */
class LeadershipTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new java.util.ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Leadership join(LeadershipKind kind, String zookeeper, Kubernetes kubernetes, String address, Path data)
            throws Exception {
        ClusterSettings settings = new ClusterSettings("", Duration.ofSeconds(20),
                Optional.of(new Db("jdbc:postgresql://db/nglive", "", "")), kind, zookeeper, kubernetes, address, new ReplicaSpread("host"));
        Leadership leadership = Leadership.join(new DefaultCamelContext(), settings, data);
        open.add(leadership);
        return leadership;
    }

    private static final Kubernetes NO_KUBERNETES = new Kubernetes(Optional.empty(), Optional.empty(), "");

    @Test
    void aFileLockOnOneDataPathHasOneLeaderAndTheStandbyNamesItThenLeads() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Leadership a = join(LeadershipKind.FILE, "", NO_KUBERNETES, "127.0.0.1:8101", data);
        assertThat(a.awaitLead(() -> false, Duration.ofSeconds(15))).isTrue();
        Leadership b = join(LeadershipKind.FILE, "", NO_KUBERNETES, "127.0.0.1:8102", data);

        oneLeadsTheOtherFollows(a, b);
    }

    @Test
    void aZooKeeperElectionHasOneLeaderAndTheStandbyNamesItThenLeads() throws Exception {
        TestingServer zookeeper = new TestingServer(true);
        open.add(zookeeper);
        Leadership a = join(LeadershipKind.ZOOKEEPER, zookeeper.getConnectString(), NO_KUBERNETES, "127.0.0.1:8101",
                Files.createDirectories(dir.resolve("a")));
        assertThat(a.awaitLead(() -> false, Duration.ofSeconds(15))).isTrue();
        Leadership b = join(LeadershipKind.ZOOKEEPER, zookeeper.getConnectString(), NO_KUBERNETES, "127.0.0.1:8102",
                Files.createDirectories(dir.resolve("b")));

        oneLeadsTheOtherFollows(a, b);
    }

    @Test
    void aKubernetesLeaseHasOneLeaderAndTheStandbyNamesItsPodThenLeads() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        open.add(server::destroy);
        KubernetesClient api = server.createClient();
        for (String pod : List.of("central-0", "central-1")) {
            // running and ready: only such pods may hold the Lease
            api.pods().inNamespace("recording").resource(new PodBuilder().withNewMetadata().withName(pod)
                    .endMetadata().withNewStatus().withPhase("Running").withInitContainerStatuses(List.of())
                    .addNewContainerStatus().withName("nglive").withReady(true).endContainerStatus()
                    .addNewCondition().withType("Ready").withStatus("True").endCondition()
                    .endStatus().build()).create();
        }
        Leadership a = join(LeadershipKind.KUBERNETES, "",
                new Kubernetes(Optional.of(server.url("/")), Optional.of("recording"), "central-0"), "10.0.0.1:8100",
                Files.createDirectories(dir.resolve("a")));
        assertThat(a.awaitLead(() -> false, Duration.ofSeconds(30))).isTrue();
        Leadership b = join(LeadershipKind.KUBERNETES, "",
                new Kubernetes(Optional.of(server.url("/")), Optional.of("recording"), "central-1"), "10.0.0.2:8100",
                Files.createDirectories(dir.resolve("b")));

        Thread.sleep(2_000);
        assertThat(a.isLeader()).isTrue();
        assertThat(b.isLeader()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.leader().equals(Optional.of("central-0")));
        a.close();
        open.remove(a);
        api.pods().inNamespace("recording").withName("central-0").delete();   // its pod is gone, as after a crash

        assertThat(b.awaitLead(() -> false, Duration.ofSeconds(30))).as("the standby takes over").isTrue();
        assertThat(api.leases().inNamespace("recording").list().getItems())
                .extracting(lease -> lease.getSpec().getHolderIdentity()).containsExactly("central-1");
    }

    private void oneLeadsTheOtherFollows(Leadership a, Leadership b) throws Exception {
        Thread.sleep(2_000);   // the standby has tried at least once
        assertThat(a.isLeader()).isTrue();
        assertThat(b.isLeader()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.leader().equals(Optional.of("127.0.0.1:8101")));

        a.close();
        open.remove(a);

        assertThat(b.awaitLead(() -> false, Duration.ofSeconds(30))).as("the standby takes over").isTrue();
        assertThat(b.leader()).hasValue("127.0.0.1:8102");
    }
}
