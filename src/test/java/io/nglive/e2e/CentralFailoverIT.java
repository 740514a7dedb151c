package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nglive.testing.NgliveProcess;
import io.nglive.testing.PostgresServer;

/**
 * Two central instances of the packaged jar on different data paths, sharing a real PostgreSQL, elected through a
 * real ZooKeeper server (curator-test's, in this JVM): a killed leader is replaced within 30 s with the cluster's
 * state as it was, and a leader paused past its session stands by when it runs again (LeaderFenceTest shows that
 * its transactions would write nothing).
 */
class CentralFailoverIT {

    @TempDir
    Path dir;

    private final List<NgliveProcess> running = new ArrayList<>();
    private TestingServer zookeeper;
    private String db;

    @BeforeEach
    void start() throws Exception {
        zookeeper = new TestingServer(NgliveProcess.freePort(), dir.resolve("zookeeper").toFile(), true);
        db = PostgresServer.shared().freshSchemaUrl();
    }

    @AfterEach
    void stopAll() throws Exception {
        running.forEach(p -> {
            if (p.isAlive()) {
                p.resume();
                p.kill();
            }
        });
        zookeeper.close();
    }

    private NgliveProcess central(String name) {
        NgliveProcess central = new NgliveProcess(dir.resolve(name))
                .set("nglive.role", "central")
                .set("nglive.cluster.leadership", "zookeeper")
                .set("nglive.cluster.zookeeper", zookeeper.getConnectString())
                .set("nglive.cluster.db.url", db)
                .set("nglive.cluster.db.user", PostgresServer.USER)
                // a central server that lost the lead stops within seconds, not Camel's 20 s
                .set("camel.main.shutdown-timeout", "5");
        central.set("nglive.cluster.address", "127.0.0.1:" + central.port());
        running.add(central);
        return central;
    }

    private static JsonNode leadership(NgliveProcess central) {
        return central.healthCheck("leadership").path("data");
    }

    private static boolean leads(NgliveProcess central) {
        return leadership(central).path("leader").asBoolean();
    }

    /** The term and the leader in the shared database. */
    private String leaderRow() throws Exception {
        try (Connection c = DriverManager.getConnection(db, PostgresServer.USER, "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT term, leader FROM cluster_leader")) {
            rs.next();
            return rs.getLong(1) + " " + rs.getString(2);
        }
    }

    @Test
    void aKilledLeaderIsReplacedWithinThirtySecondsAndComesBackAsAStandby() throws Exception {
        NgliveProcess a = central("a").start();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> leads(a));
        HttpResponse<String> added = a.post("/api/rooms", "{\"roomId\":23058}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        NgliveProcess b = central("b").start();
        assertThat(leads(b)).isFalse();
        assertThat(leadership(b).path("leaderAddress").asText()).as("ZooKeeper names the leader")
                .isEqualTo("127.0.0.1:" + a.port());
        assertThat(leaderRow()).isEqualTo("1 127.0.0.1:" + a.port());

        long killed = System.nanoTime();
        a.kill();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> b.get("/api/rooms").statusCode() == 200);
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        System.out.println("takeover after SIGKILL: " + takeover.toMillis() + " ms");

        assertThat(leads(b)).isTrue();
        assertThat(leaderRow()).isEqualTo("2 127.0.0.1:" + b.port());
        assertThat(b.json(b.get("/api/rooms/23058")).path("data").path("roomId").asLong()).isEqualTo(23058);
        assertThat(b.post("/api/rooms", "{\"roomId\":545068}").statusCode()).isEqualTo(200);

        NgliveProcess again = new NgliveProcess(dir.resolve("a"));
        again.set("nglive.cluster.address", "127.0.0.1:" + again.port()).start();
        running.add(again);
        assertThat(leads(again)).as("the old leader is back as a standby").isFalse();
        assertThat(leadership(again).path("leaderAddress").asText()).isEqualTo("127.0.0.1:" + b.port());
    }

    @Test
    void aLeaderPausedPastItsSessionStandsByWhenItRunsAgainAndLeadsAgainWhenItsSuccessorDies() throws Exception {
        NgliveProcess a = central("a").start();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> leads(a));
        NgliveProcess b = central("b").start();
        assertThat(leads(b)).isFalse();

        a.pause();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> b.get("/api/rooms").statusCode() == 200);
        assertThat(leaderRow()).isEqualTo("2 127.0.0.1:" + b.port());
        a.resume();

        // the central server it ran stops, and its standby server names the new leader
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> leadership(a).path("leaderAddress").asText().equals("127.0.0.1:" + b.port()));
        assertThat(leadership(a).path("leader").asBoolean()).isFalse();
        assertThat(a.get("/api/rooms").statusCode()).isEqualTo(503);
        assertThat(leaderRow()).as("the paused leader did not take the lead back").isEqualTo("2 127.0.0.1:" + b.port());
        assertThat(leads(b)).isTrue();
        assertThat(a.log()).contains("lost the lead");

        // the instance that stood down may lead again once the election names it
        b.kill();
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> a.get("/api/rooms").statusCode() == 200);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String log = a.log();
            throw new AssertionError("A did not lead again; its log:\n" + log.substring(Math.max(0, log.length() - 6000)), e);
        }
        assertThat(leaderRow()).isEqualTo("3 127.0.0.1:" + a.port());
    }
}
