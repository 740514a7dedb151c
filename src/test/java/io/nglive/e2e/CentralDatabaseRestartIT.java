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
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.PostgresServer;
import io.nglive.testing.Webhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The central server of the packaged jar on a PostgreSQL of its own, with two real nodes whose webhooks make a steady
 * stream of events: PostgreSQL stopped as a crash would stop it, for several seconds, and started again. Every event
 * the nodes made is stored exactly once, nothing acknowledged is missing, and the central server takes events again
 * by itself, without a restart and without flooding its log.
 */
class CentralDatabaseRestartIT {

    private static final String TOKEN = "restart-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration OUTAGE = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    private final List<AutoCloseable> running = new ArrayList<>();
    private PostgresServer postgres;
    private String db;

    @BeforeEach
    void startPostgres() {
        postgres = PostgresServer.startOwn();
        running.add(postgres);
        db = postgres.freshSchemaUrl();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void postgresRestartedUnderLoadLosesNoAcknowledgedEventAndTheCentralRecoversByItself() throws Exception {
        NgliveProcess central = new NgliveProcess(dir.resolve("central"))
                .set("nglive.role", "central")
                .set("nglive.cluster.node-token", TOKEN)
                .set("nglive.cluster.db.url", db)
                .set("nglive.cluster.db.user", PostgresServer.USER);
        running.add(central);
        central.start();
        long centralPid = central.handle().pid();
        List<Node> nodes = List.of(node(central, "rec-a"), node(central, "rec-b"));
        await().atMost(Duration.ofSeconds(40)).until(() -> connected(central) == nodes.size());

        nodes.forEach(Node::startPosting);
        await().atMost(Duration.ofSeconds(20)).until(() -> nodes.stream().allMatch(n -> n.acked() > 20));

        int logBefore = central.log().length();
        postgres.stop();
        NgliveProcess.sleep(OUTAGE.toMillis());
        // nothing can be stored now, so nothing more may be acknowledged: whatever is, must be in the database
        Map<String, Long> ackedInOutage = new TreeMap<>();
        nodes.forEach(n -> ackedInOutage.put(n.name, n.acked()));
        assertThat(central.isAlive()).isTrue();
        String outageLog = central.log().substring(logBefore);
        postgres.start();

        Map<String, Map<Long, Integer>> stored = storedByNode();
        for (Node n : nodes) {
            assertThat(n.posted.headSet(ackedInOutage.get(n.name), true))
                    .as("%s's events acknowledged by the end of the outage (up to seq %d)", n.name,
                            ackedInOutage.get(n.name))
                    .isSubsetOf(stored.getOrDefault(n.name, Map.of()).keySet());
        }

        // the stream goes on after the restart, and what was waiting is sent again and taken
        long postedBeforeRestart = nodes.stream().mapToLong(n -> n.posted.size()).sum();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                nodes.stream().mapToLong(n -> n.posted.size()).sum() > postedBeforeRestart + 100);
        for (Node n : nodes) {
            n.stopPosting();
            assertThat(n.failure).as("%s's webhooks", n.name).isNull();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> nodes.stream().allMatch(n -> n.acked() >= n.posted.last()));
        // one more each, acknowledged within seconds: the central server is well again, not only eventually
        for (Node n : nodes) {
            long seq = n.post("after-restart");
            await().atMost(Duration.ofSeconds(10)).until(() -> n.acked() >= seq);
        }

        stored = storedByNode();
        for (Node n : nodes) {
            Map<Long, Integer> mine = stored.getOrDefault(n.name, Map.of());
            assertThat(mine).as("%s's events stored more than once", n.name).allSatisfy((seq, copies) ->
                    assertThat(copies).as("copies of seq %d", seq).isOne());
            assertThat(mine.keySet()).as("%s's events in the central's database", n.name)
                    .isEqualTo(n.storedOnNode());
            assertThat(mine.keySet()).containsAll(n.posted);
        }
        System.out.printf("events posted per node %s, acknowledged by the end of the outage %s, frames failed in it %d%n",
                nodes.stream().map(n -> n.name + "=" + n.posted.size()).toList(), ackedInOutage,
                count(outageLog, "a frame failed"));
        assertThat(central.handle().pid()).as("the same central process").isEqualTo(centralPid);
        assertThat(central.isAlive()).isTrue();
        assertThat(central.get("/observe/health").body()).contains("\"status\":\"UP\"");
        assertThat(central.get("/api/rooms").statusCode()).isEqualTo(200);
        assertThat(connected(central)).as("nodes connected").isEqualTo(nodes.size());
        assertThat(count(outageLog, "cluster-watch failed")).as("the watch's failures logged on every round:%n%s",
                outageLog).isZero();
        assertThat(count(outageLog, "the cluster database failed")).as("the outage logged once:%n%s", outageLog)
                .isOne();
        // one line per connection that failed (its hello, or the frame it was on), not one per frame the node had sent
        assertThat(count(outageLog, "a frame failed")).as("failed frames logged:%n%s", outageLog)
                .isLessThanOrEqualTo(count(outageLog, ") disconnected") + nodes.size());
        assertThat(central.log()).contains("the cluster database works again");
    }

    private Node node(NgliveProcess central, String name) {
        NgliveProcess process = new NgliveProcess(dir.resolve(name))
                .set("nglive.node.name", name)
                .set("nglive.central.url", "ws://127.0.0.1:" + central.port() + "/nodes?token=" + TOKEN)
                .set("nglive.central.retry-delay", "300ms")
                .set("nglive.central.retry-max-delay", "1s")
                .set("nglive.recorder.url", "")
                .set("nglive.transcode.mode", "NONE");
        running.add(process);
        Node node = new Node(name, process.start());
        running.add(node::stopPosting);
        return node;
    }

    private static int connected(NgliveProcess central) {
        int connected = 0;
        for (JsonNode n : central.json(central.get("/api/nodes")).path("data")) {
            connected += n.path("connected").asBoolean() ? 1 : 0;
        }
        return connected;
    }

    /** The nodes' events in the central's database: by node name, each node seq with how often it is there. */
    private Map<String, Map<Long, Integer>> storedByNode() throws Exception {
        Map<String, Map<Long, Integer>> stored = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(db, PostgresServer.USER, "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT body FROM event WHERE source_id IS NOT NULL")) {
            while (rs.next()) {
                JsonNode event = JSON.readTree(rs.getString(1));
                stored.computeIfAbsent(event.path("node").asText(), node -> new TreeMap<>())
                        .merge(event.path("nodeSeq").asLong(), 1, Integer::sum);
            }
        }
        return stored;
    }

    private static int count(String text, String word) {
        Matcher m = Pattern.compile(Pattern.quote(word)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** A webhook-only node and the thread that posts its recorder's webhooks, one every few milliseconds. */
    private static final class Node {
        final String name;
        final NgliveProcess process;
        /** The node seqs of the events the posted webhooks became. */
        final NavigableSet<Long> posted = new ConcurrentSkipListSet<>();
        final AtomicBoolean posting = new AtomicBoolean();
        volatile String failure;
        private Thread poster;

        Node(String name, NgliveProcess process) {
            this.name = name;
            this.process = process;
        }

        void startPosting() {
            posting.set(true);
            poster = new Thread(() -> {
                for (int i = 1; posting.get() && failure == null; i++) {
                    try {
                        post(name + "-" + i);
                    } catch (RuntimeException | AssertionError e) {
                        failure = e.toString();
                    }
                    NgliveProcess.sleep(10);
                }
            }, name + "-webhooks");
            poster.start();
        }

        void stopPosting() throws InterruptedException {
            posting.set(false);
            if (poster != null) {
                poster.join(30_000);
            }
        }

        /** Posts one SessionStarted webhook; returns the seq of the event it became. */
        long post(String eventId) {
            HttpResponse<String> answer = process.webhook(Webhooks.envelope("SessionStarted", eventId,
                    Webhooks.data(20_000 + (eventId.hashCode() & 0xff))));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            long seq = process.json(answer).at("/data/seq").asLong();
            posted.add(seq);
            return seq;
        }

        /** The highest seq the central server acknowledged, as the node's health says. */
        long acked() {
            return process.healthCheck("central").path("data").path("lastAcked").asLong();
        }

        /** The seqs of every event the node stored (its /ws from the start, heartbeats left out). */
        Set<Long> storedOnNode() {
            try (EventClient events = process.events(0)) {
                long last = posted.last();
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> events.stored().stream().anyMatch(e -> e.path("seq").asLong() >= last));
                Set<Long> seqs = new TreeSet<>();
                events.stored().forEach(e -> seqs.add(e.path("seq").asLong()));
                return seqs;
            }
        }
    }
}
