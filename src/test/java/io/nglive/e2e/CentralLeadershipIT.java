package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nglive.testing.NgliveProcess;

/**
 * Two central instances of the packaged jar on one data path (nglive.cluster.leadership = file): one leads, the
 * other stands by, answering health and refusing the rest with 503 naming the leader, and takes over when the
 * leader is killed, with the cluster's rooms as they were; a node that lists both follows the leader.
 */
class CentralLeadershipIT {

    @TempDir
    Path dir;

    private final List<NgliveProcess> running = new ArrayList<>();

    @AfterEach
    void stopAll() {
        running.forEach(p -> {
            if (p.isAlive()) {
                p.kill();
            }
        });
    }

    private NgliveProcess central(String name) {
        NgliveProcess central = new NgliveProcess(dir.resolve(name))
                .set("nglive.role", "central")
                .set("nglive.data-path", dir.resolve("shared-data").toString())
                .set("nglive.cluster.leadership", "file")
                .set("camel.main.shutdown-timeout", "5");
        central.set("nglive.cluster.address", "127.0.0.1:" + central.port());
        running.add(central);
        return central;
    }

    private static boolean connected(NgliveProcess central, String node) {
        for (JsonNode n : central.json(central.get("/api/nodes")).path("data")) {
            if (n.path("name").asText().equals(node) && n.path("connected").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode leadership(NgliveProcess central) {
        return central.healthCheck("leadership").path("data");
    }

    @Test
    void aSecondInstanceStandsByNamingTheLeaderAndTakesOverWhenTheLeaderIsKilled() {
        NgliveProcess a = central("a").start();
        assertThat(leadership(a).path("leader").asBoolean()).isTrue();
        HttpResponse<String> added = a.post("/api/rooms", "{\"roomId\":23058}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);

        NgliveProcess b = central("b").start();
        JsonNode standby = leadership(b);
        assertThat(standby.path("leader").asBoolean()).isFalse();
        assertThat(standby.path("leaderAddress").asText()).isEqualTo("127.0.0.1:" + a.port());
        HttpResponse<String> refused = b.get("/api/rooms");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(b.json(refused).path("leader").asText()).isEqualTo("127.0.0.1:" + a.port());
        assertThat(b.json(refused).path("error").asText())
                .isEqualTo("this central server is a standby: 127.0.0.1:" + a.port() + " leads");
        assertThat(b.get("/nodes").statusCode()).as("nodes are refused too").isEqualTo(503);
        // a node that lists the standby first is sent to the leader it names
        NgliveProcess node = new NgliveProcess(dir.resolve("node"))
                .set("nglive.node.name", "node-1")
                .set("nglive.recorder.url", "")
                .set("nglive.central.url", "ws://127.0.0.1:" + b.port() + "/nodes ws://127.0.0.1:" + a.port() + "/nodes")
                .set("nglive.central.retry-delay", "300ms")
                .set("nglive.central.retry-max-delay", "1s")
                .start();
        running.add(node);
        await().atMost(Duration.ofSeconds(20)).until(() -> connected(a, "node-1"));
        assertThat(node.log()).as("the real node read the real standby's answer")
                .contains("which names the leader 127.0.0.1:" + a.port());

        long killed = System.nanoTime();
        a.kill();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> b.get("/api/rooms").statusCode() == 200);
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        assertThat(takeover).isLessThan(Duration.ofSeconds(30));
        System.out.println("takeover after SIGKILL: " + takeover.toMillis() + " ms");
        assertThat(leadership(b).path("leader").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> connected(b, "node-1"));
        assertThat(b.json(b.get("/api/rooms/23058")).path("data").path("roomId").asLong())
                .as("the room added on the old leader").isEqualTo(23058);

        NgliveProcess again = new NgliveProcess(dir.resolve("a"));
        again.set("nglive.data-path", dir.resolve("shared-data").toString())
                .set("nglive.cluster.address", "127.0.0.1:" + again.port()).start();
        running.add(again);
        assertThat(leadership(again).path("leader").asBoolean()).as("the old leader is back as a standby").isFalse();
        assertThat(leadership(again).path("leaderAddress").asText()).isEqualTo("127.0.0.1:" + b.port());
        assertThat(b.log()).contains("127.0.0.1:" + b.port() + " leads the cluster");
    }
}
