package io.nglive.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which central instance leads, decided by one of Camel's cluster services (the engine under camel-master) in a
 * CamelContext of its own that lives as long as the process: a standby runs no central server to hold it.
 */
public final class Leadership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
    static final String NAMESPACE = "nglive-central";
    /** The file lock is tried this often; a leader's heartbeat older than 3 of these is taken for dead. */
    private static final long FILE_LOCK_INTERVAL_MILLIS = 2_000;
    /**
     * A leader whose ZooKeeper session has been silent this long is no longer the leader: with the time a standby
     * takes to start the central server, a takeover after a crash stays well inside 30 s.
     */
    private static final int ZOOKEEPER_SESSION_MILLIS = 10_000;
    /**
     * A Lease not renewed for this long is free (Kubernetes' own default is 15 s): with the time a standby takes to
     * start the central server, a takeover after a crash stays inside 30 s. The leader renews it every 2 s.
     */
    private static final long KUBERNETES_LEASE_MILLIS = 10_000;
    private static final long KUBERNETES_RETRY_MILLIS = 2_000;
    /** Where the file leadership's leader writes its address, for the standbys to name it. */
    static final String LEADER_FILE = "central.leader";

    private final CamelContext election;
    private final CamelClusterView view;
    private final String address;
    private final Path dataPath;
    private final Object changed = new Object();
    private final AtomicReference<Runnable> onLoss = new AtomicReference<>();

    private Leadership(CamelContext election, CamelClusterView view, String address, Path dataPath) {
        this.election = election;
        this.view = view;
        this.address = address;
        this.dataPath = dataPath;
        view.addEventListener((CamelClusterEventListener.Leadership) (source, leader) -> leaderChanged());
    }

    /**
     * Joins the election.
     *
     * @param election a CamelContext for the election alone, not started yet
     */
    public static Leadership join(CamelContext election, ClusterSettings settings, Path dataPath) throws Exception {
        CamelClusterService service = switch (settings.leadership()) {
            case FILE -> {
                FileLockClusterService file = new FileLockClusterService();
                file.setRoot(dataPath.toString());
                file.setAcquireLockDelay(100, TimeUnit.MILLISECONDS);
                file.setAcquireLockInterval(FILE_LOCK_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
                yield file;
            }
            case ZOOKEEPER -> {
                ZooKeeperClusterService keeper = new ZooKeeperClusterService();
                keeper.setNodes(settings.zookeeper());
                keeper.setBasePath("/nglive");
                keeper.setSessionTimeout(ZOOKEEPER_SESSION_MILLIS);
                keeper.setConnectTimeout(ZOOKEEPER_SESSION_MILLIS);
                yield keeper;
            }
            case KUBERNETES -> {
                // the API server goes in the configuration: KubernetesClusterService.setMasterUrl (4.17) reaches no
                // client, which then looks for the pod's own cluster
                KubernetesConfiguration api = new KubernetesConfiguration();
                settings.kubernetes().url().ifPresent(api::setMasterUrl);
                KubernetesClusterService kubernetes = new KubernetesClusterService(api);
                settings.kubernetes().namespace().ifPresent(kubernetes::setKubernetesNamespace);
                kubernetes.setLeaseResourceType(LeaseResourceType.Lease);
                kubernetes.setKubernetesResourceName("nglive-central");
                kubernetes.setPodName(settings.kubernetes().pod());
                kubernetes.setLeaseDurationMillis(KUBERNETES_LEASE_MILLIS);
                kubernetes.setRenewDeadlineMillis(KUBERNETES_LEASE_MILLIS * 2 / 3);
                kubernetes.setRetryPeriodMillis(KUBERNETES_RETRY_MILLIS);
                yield kubernetes;
            }
        };
        service.setId(settings.address());
        election.addService(service);
        election.start();
        return new Leadership(election, service.getView(NAMESPACE), settings.address(), dataPath);
    }

    /** This instance's address (host:port), as the others name it. */
    public String address() {
        return address;
    }

    public boolean isLeader() {
        return view.getLocalMember().isLeader();
    }

    /**
     * The leader's address when known: this instance's, the one ZooKeeper names, or the one the lock's holder wrote.
     * Kubernetes names the leader's pod instead.
     */
    public Optional<String> leader() {
        if (isLeader()) {
            return Optional.of(address);
        }
        Optional<String> named = view.getLeader().map(CamelClusterMember::getId).filter(id -> !id.equals(address));
        if (named.isPresent()) {
            return named;
        }
        try {
            return Optional.of(Files.readString(dataPath.resolve(LEADER_FILE), StandardCharsets.UTF_8).strip())
                    .filter(id -> !id.isEmpty() && !id.equals(address));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Waits until this instance leads, {@code stop} says to give up, or {@code atMost} passed; true when it leads. */
    public boolean awaitLead(BooleanSupplier stop, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        synchronized (changed) {
            while (!isLeader() && !stop.getAsBoolean() && System.nanoTime() - deadline < 0) {
                changed.wait(Math.max(1, Math.min(1_000, (deadline - System.nanoTime()) / 1_000_000)));
            }
        }
        if (isLeader()) {
            writeLeaderFile();
        }
        return isLeader();
    }

    /** @throws IllegalStateException when this instance does not lead (any more) */
    public void requireLead() {
        if (!isLeader()) {
            throw new IllegalStateException(address + " lost the lead while its central server was starting");
        }
    }

    /** Runs {@code action} once, the next time this instance loses the lead (or at once, if it has lost it). */
    public void onLoss(Runnable action) {
        onLoss.set(action);
        if (!isLeader()) {
            lost();
        }
    }

    /**
     * Gives the lead up as if it were lost: another instance took a newer term while this one was paused, before the
     * election said so. Startup then leaves this election and joins a new one, as after any loss.
     */
    public void stepDown() {
        LOG.warn("another central instance took the lead while this one was not looking: stopping this one");
        lost();
    }

    /** Wakes {@link #awaitLead} up to look at its stop condition. */
    public void wakeUp() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    private void leaderChanged() {
        LOG.debug("leadership changed: this instance {}; leader {}", isLeader() ? "leads" : "stands by", leader());
        if (!isLeader()) {
            lost();
        }
        wakeUp();
    }

    private void lost() {
        Runnable action = onLoss.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }

    private void writeLeaderFile() {
        Path file = dataPath.resolve(LEADER_FILE);
        try {
            Path written = Files.writeString(dataPath.resolve(LEADER_FILE + ".new"), address + "\n",
                    StandardCharsets.UTF_8);
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot write {} (standbys will not name this leader): {}", file, e.toString());
        }
    }

    @Override
    public void close() {
        election.stop();
    }
}
