package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.CentralServer;
import io.nglive.testing.EventClient;
import io.nglive.testing.FakeRecorder;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The central channel, end to end: the packaged application dials out to {@link CentralServer}, says hello, sends
 * every event the server has not acknowledged, answers commands, and survives a server that is absent, refuses it,
 * goes away or stops reading.
 */
class CentralIT {

    static final String TOKEN = "central-secret";
    static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A node dialling {@code url}: quick retries, no recorder (nothing listens at its URL), no transcoding. */
    private NgliveProcess nglive(String url) {
        return new NgliveProcess(dir.resolve("app"))
                .set("nglive.node.name", "node-7")
                .set("nglive.central.url", url)
                .set("nglive.central.retry-delay", "500ms")
                .set("nglive.central.retry-max-delay", "2s")
                .set("nglive.recorder.url", "http://127.0.0.1:" + NgliveProcess.freePort())
                .set("nglive.rooms.blacklist", "999")
                .set("nglive.transcode.mode", "NONE");
    }

    @Test
    void aNodeStartedBeforeItsCentralServerConnectsWhenItAppearsAndKeepsItsIdentityAcrossARestart() {
        try (CentralServer central = new CentralServer(NgliveProcess.freePort(), TOKEN)) {
            NgliveProcess app = nglive(central.url()).start();
            long early;
            long acked;
            String nodeId;
            try (app) {
                early = seqOf(app, sessionStarted(8001));
                NgliveProcess.sleep(4000);
                central.start();

                JsonNode hello = central.awaitHello(PATIENCE);
                assertThat(hello.path("node").asText()).isEqualTo("node-7");
                nodeId = hello.path("nodeId").asText();
                assertThat(UUID.fromString(nodeId).toString()).isEqualTo(nodeId.toLowerCase());
                assertThat(hello.path("version").asText()).isNotBlank();
                assertThat(hello.path("lastAcked").isIntegralNumber()).as("lastAcked in %s", hello).isTrue();
                assertThat(hello.path("lastAcked").asLong()).isZero();
                long first = early;
                central.awaitEvent(e -> e.path("seq").asLong() == first, PATIENCE);

                long later = seqOf(app, sessionStarted(8002));
                central.awaitEvent(e -> e.path("seq").asLong() == later, PATIENCE);
                central.ack(early);
                central.ack(later);
                acked = later;
                NgliveProcess.sleep(1000); // the acknowledgement is on its way to the node's database
                assertThat(app.stop()).isZero();
            }
            central.awaitDisconnected(PATIENCE);

            try (NgliveProcess again = new NgliveProcess(dir.resolve("app")).set("nglive.node.name", "node-7").start()) {
                JsonNode hello = central.awaitHello(PATIENCE);
                assertThat(hello.path("nodeId").asText()).as("the same node after a restart").isEqualTo(nodeId);
                assertThat(hello.path("node").asText()).isEqualTo("node-7");
                assertThat(hello.path("lastAcked").asLong()).as("the last acknowledgement").isEqualTo(acked);
                assertThat(central.connections()).hasSize(2);
                assertThat(central.connections().get(0).events()).extracting(e -> e.path("seq").asLong())
                        .containsSubsequence(early, acked);
                NgliveProcess.sleep(2000);
                assertThat(central.events()).as("nothing acknowledged is sent again")
                        .allSatisfy(e -> assertThat(e.path("seq").asLong()).isGreaterThan(acked));
            }
        }
    }

    @Test
    void aRoomRecordedTwiceUploadsOnlyOnceTheCentralServerNamesThisNodeAndThenReportsTheSessionUploaded()
            throws Exception {
        try (CentralServer central = CentralServer.start(TOKEN);
             NgliveProcess app = nglive(central.url()).start()) {
            central.awaitConnection(PATIENCE);
            assertError(central.call("addroom", Map.of("roomid", 23058, "replicas", 3)), 4002);
            ok(central.call("addroom", Map.of("roomid", 23058, "replicas", 2)));
            Path room = Files.createDirectories(app.works().resolve("23058"));
            TestMedia.flv(room, "a.flv", 1);
            long first = app.json(app.webhook(Webhooks.fileClosed(23058, "23058/a.flv"))).at("/data/jobId").asLong();
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(first).path("status").asText().equals("WAITING"));
            String session = app.job(first).path("sessionId").asText();
            JsonNode waiting = central.awaitEvent(e -> e.path("type").asText().equals("UploadWaiting"), PATIENCE);
            assertThat(waiting.path("jobId").asLong()).isEqualTo(first);
            assertThat(waiting.path("sessionId").asText()).isEqualTo(session);

            // as the central server does when the node connects again: the room stays recorded twice
            assertError(central.call("addroom", Map.of("roomid", 23058, "replicas", 2)), 4032);
            TestMedia.flv(room, "b.flv", 1);
            long second = app.json(app.webhook(Webhooks.fileClosed(23058, "23058/b.flv"))).at("/data/jobId").asLong();
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(second).path("status").asText().equals("WAITING"));
            assertThat(app.archive().resolve("23058/a.flv")).as("nothing uploaded without a role").doesNotExist();

            JsonNode role = ok(central.call("uploadrole", Map.of("roomid", 23058, "session", session,
                    "role", "primary", "primary", "node-7")));
            assertThat(role.path("jobs").asInt()).isEqualTo(2);

            Awaitility.await().atMost(PATIENCE).until(() -> app.job(first).path("status").asText().equals("DONE")
                    && app.job(second).path("status").asText().equals("DONE"));
            assertThat(app.archive().resolve("23058/a.flv")).exists();
            assertThat(app.job(first).path("replica").path("role").asText()).isEqualTo("primary");
            JsonNode uploaded = central.awaitEvent(e -> e.path("type").asText().equals("SessionUploaded"), PATIENCE);
            assertThat(uploaded.path("sessionId").asText()).isEqualTo(session);
            assertThat(uploaded.path("roomId").asLong()).isEqualTo(23058);
            assertThat(uploaded.path("jobs").asInt()).isEqualTo(2);
            assertThat(central.allEvents()).filteredOn(e -> e.path("type").asText().equals("SessionUploaded"))
                    .as("once, by the session's last job").hasSize(1);
        }
    }

    @Test
    void commandsRunLikeTheHttpApiWithItsCodesAndRepliesMatchTheirCommandsById() throws Exception {
        try (CentralServer central = CentralServer.start(TOKEN);
             NgliveProcess app = nglive(central.url()).start()) {
            central.awaitConnection(PATIENCE);
            String recording = "23058-room/recording.flv";
            TestMedia.flv(Files.createDirectories(app.works().resolve("23058-room")), "recording.flv", 1);
            long jobId = app.json(app.webhook(Webhooks.fileClosed(23058, recording))).at("/data/jobId").asLong();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.job(jobId).path("status").asText().equals("DONE"));

            assertThat(ok(central.call("allroom", Map.of()))).isEmpty();
            JsonNode added = ok(central.call("addroom", Map.of("roomid", 23058)));
            assertThat(added.path("roomId").asLong()).isEqualTo(23058);
            assertThat(added.path("synced").isBoolean()).as("synced in %s", added).isTrue();
            assertThat(ok(central.call("getroom", Map.of("roomid", 23058))).path("roomId").asLong()).isEqualTo(23058);
            assertThat(ok(central.call("allroom", Map.of()))).extracting(r -> r.path("roomId").asLong())
                    .containsExactly(23058L);
            assertThat(app.json(app.get("/getroom?roomid=23058")).path("data").path("roomId").asLong())
                    .as("the HTTP API sees the room added by command").isEqualTo(23058);

            assertError(central.call("addroom", Map.of("roomid", 23058)), 4032);
            assertError(central.call("removeroom", Map.of("roomid", 1)), 4042);
            assertError(central.call("getroom", Map.of("roomid", 1)), 4042);
            assertError(central.call("addroom", Map.of("roomid", "abc")), 4031);
            assertError(central.call("addroom", Map.of("roomid", 999)), 4033);
            assertError(central.call("formatdisk", Map.of()), 4001);
            assertError(central.call("addroom", Map.of()), 4002);
            assertError(central.call("addroom", null), 4002);
            assertError(central.call("addroom", "23059"), 4002);
            assertError(central.call("addroom", List.of(23059)), 4002);
            assertError(central.call("addroom", Map.of("roomid", 23059, "colour", "red")), 4002);
            assertError(central.call("addroom", Map.of("roomid", List.of(23059))), 4002);
            assertError(central.call("addroom", Map.of("roomid", Map.of("id", 23059))), 4002);
            assertError(central.call("startrecording", Map.of()), 4002);
            assertThat(ok(central.call("allroom", Map.of()))).as("no bad command added a room").hasSize(1);

            JsonNode jobs = ok(central.call("jobs", Map.of()));
            assertThat(jobs).extracting(j -> j.path("id").asLong())
                    .containsExactlyElementsOf(ids(app.json(app.get("/api/jobs")).path("data")));
            JsonNode job = jobs.get(0);
            assertThat(job.path("id").asLong()).isEqualTo(jobId);
            assertThat(job.path("file").asText()).isEqualTo(recording);
            assertThat(job.path("status").asText()).isEqualTo("DONE");
            assertThat(ok(central.call("jobs", Map.of("status", "DONE", "roomid", 23058, "limit", 1)))).hasSize(1);
            assertThat(ok(central.call("jobs", Map.of("status", "FAILED")))).isEmpty();
            assertThat(ok(central.call("jobs", Map.of("roomid", 1)))).isEmpty();
            assertError(central.call("jobs", Map.of("status", "BOGUS")), 4002);
            assertError(central.call("retryjob", Map.of("id", 999_999)), 4044);
            assertError(central.call("retryjob", Map.of("id", jobId)), 4091);
            assertError(central.call("retryjob", Map.of()), 4002);

            ok(central.call("removeroom", Map.of("roomid", 23058)));
            assertError(central.call("getroom", Map.of("roomid", 23058)), 4042);

            // many at once: each reply answers its own command, whatever order they come back in
            for (long room = 101; room <= 108; room++) {
                ok(central.call("addroom", Map.of("roomid", room)));
            }
            Map<Long, CompletableFuture<JsonNode>> gets = new LinkedHashMap<>();
            List<CompletableFuture<JsonNode>> unknown = new ArrayList<>();
            for (long room = 101; room <= 108; room++) {
                gets.put(room, central.command("getroom", Map.of("roomid", room)));
                unknown.add(central.command("nosuchcommand", Map.of("roomid", room)));
            }
            for (Map.Entry<Long, CompletableFuture<JsonNode>> get : gets.entrySet()) {
                assertThat(ok(get.getValue().get(30, TimeUnit.SECONDS)).path("roomId").asLong()).isEqualTo(get.getKey());
            }
            for (CompletableFuture<JsonNode> reply : unknown) {
                assertError(reply.get(30, TimeUnit.SECONDS), 4001);
            }
            assertThat(central.unmatchedReplies()).isEmpty();
            assertThat(central.connections()).as("one connection throughout").hasSize(1);
        }
    }

    @Test
    void aRemoveroomFromAnEarlierPlacementIsRefusedAndTheRoomStaysInTheRecorder() {
        try (FakeRecorder recorder = FakeRecorder.start(0, null, null);
             CentralServer central = CentralServer.start(TOKEN);
             NgliveProcess app = nglive(central.url()).set("nglive.recorder.url", recorder.url()).start()) {
            central.awaitConnection(PATIENCE);
            ok(central.call("addroom", Map.of("roomid", 23058), 1L));
            assertThat(recorder.roomIds()).containsExactly(23058L);

            // moved to another node (epoch 2, whose removeroom here is late) and back (epoch 3)
            assertError(central.call("addroom", Map.of("roomid", 23058), 3L), 4032);
            JsonNode stale = central.call("removeroom", Map.of("roomid", 23058), 2L);

            assertError(stale, 4096);
            assertThat(stale.path("message").asText()).contains("room 23058", "epoch 2", "epoch 3");
            assertThat(recorder.roomIds()).containsExactly(23058L);
            assertThat(ok(central.call("getroom", Map.of("roomid", 23058))).path("roomId").asLong()).isEqualTo(23058);
            assertThat(app.log()).contains("refused a stale command: removeroom of room 23058");

            // without an epoch (the HTTP API's twin, an older central server) a command runs as before
            ok(central.call("removeroom", Map.of("roomid", 23058)));
            assertThat(recorder.roomIds()).isEmpty();
        }
    }

    @Test
    void whatTheServerDidNotAcknowledgeIsSentAgainInOrderAfterItCameBackAndNothingItDid() {
        try (CentralServer central = CentralServer.start(TOKEN);
             NgliveProcess app = nglive(central.url()).start()) {
            CentralServer.Connection first = central.awaitConnection(PATIENCE);
            List<Long> before = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                before.add(seqOf(app, sessionStarted(8100 + i)));
            }
            first.awaitEvent(e -> e.path("seq").asLong() == before.get(5), PATIENCE);
            long acked = before.get(2);
            central.ack(acked);
            NgliveProcess.sleep(1000); // the acknowledgement is on its way to the node's database
            central.stop();

            List<Long> during = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                during.add(seqOf(app, sessionStarted(8200 + i)));
            }
            long last = during.get(5);
            central.start();

            CentralServer.Connection second = central.awaitConnection(PATIENCE);
            assertThat(second).isNotSameAs(first);
            assertThat(second.hello().path("lastAcked").asLong()).isEqualTo(acked);
            second.awaitEvent(e -> e.path("seq").asLong() == last, PATIENCE);

            List<JsonNode> replay;
            try (EventClient ws = app.events(acked)) {
                ws.await(e -> e.path("seq").asLong() == last, PATIENCE);
                replay = ws.stored().stream().filter(e -> e.path("seq").asLong() <= last).toList();
            }
            List<JsonNode> resent = second.events().stream().filter(e -> e.path("seq").asLong() <= last).toList();
            assertThat(replay).extracting(e -> e.path("seq").asLong()).startsWith(before.get(3)).containsAll(during);
            assertThat(resent.get(0).path("seq").asLong()).as("the first event sent again")
                    .isEqualTo(before.get(3));
            assertThat(resent).as("exactly what /ws?since=%d replays, as the same JSON", acked)
                    .containsExactlyElementsOf(replay);
            assertThat(second.events()).allSatisfy(e -> assertThat(e.path("seq").asLong()).isGreaterThan(acked));
            assertStrictlyIncreasing(first.seqs());
            assertStrictlyIncreasing(second.seqs());
        }
    }

    @Test
    void aWrongTokenLeavesTheNodeWorkingAndRetryingWithGrowingCappedDelays() throws Exception {
        try (CentralServer central = CentralServer.start(TOKEN);
             NgliveProcess app = nglive(central.url("wrong-token")).set("nglive.central.retry-max-delay", "4s").start()) {
            Awaitility.await().atMost(PATIENCE).until(() -> !central.attempts().isEmpty());
            Instant start = central.attempts().get(0);
            Instant end = start.plusSeconds(20);

            String recording = "23058-room/recording.flv";
            TestMedia.flv(Files.createDirectories(app.works().resolve("23058-room")), "recording.flv", 1);
            var answer = app.webhook(Webhooks.fileClosed(23058, recording));
            assertThat(answer.statusCode()).isEqualTo(200);
            long jobId = app.json(answer).at("/data/jobId").asLong();
            long seq = app.json(answer).at("/data/seq").asLong();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.job(jobId).path("status").asText().equals("DONE"));
            try (EventClient ws = app.events(0)) {
                ws.await(e -> e.path("seq").asLong() == seq, PATIENCE);
            }

            NgliveProcess.sleep(Math.max(0, Duration.between(Instant.now(), end).toMillis()) + 100);
            assertThat(app.get("/observe/health").statusCode()).isEqualTo(200);
            assertThat(app.get("/observe/health").body()).contains("\"status\":\"UP\"");

            List<Instant> attempts = central.attempts().stream().filter(a -> !a.isAfter(end)).toList();
            List<Long> intervals = new ArrayList<>();
            for (int i = 1; i < attempts.size(); i++) {
                intervals.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis());
            }
            String seen = "intervals (ms) " + intervals;
            assertThat(central.connections()).isEmpty();
            assertThat(app.log()).as("the refusal is logged, the token is not")
                    .contains("refused the WebSocket handshake with HTTP 401").doesNotContain("wrong-token");
            assertThat(app.get("/observe/health?exposureLevel=full&data=true").body())
                    .contains("HTTP 401").doesNotContain("wrong-token");
            JsonNode check = app.healthCheck("central");
            assertThat(check.path("message").asText()).as("readable once parsed, not escaped twice by Camel")
                    .isEqualTo("not connected to the central server now (problem says why)");
            assertThat(check.path("data").path("problem").asText()).contains("HTTP 401");
            assertThat(attempts.size()).as("handshakes in 20 s with delays from 500ms to 4s; " + seen).isBetween(5, 15);
            assertThat(attempts.get(attempts.size() - 1)).as("still trying at the end; " + seen)
                    .isAfter(end.minusSeconds(8));
            assertThat(intervals.get(0)).as("the first delay; " + seen).isLessThan(1500);
            assertThat(intervals.subList(intervals.size() - 3, intervals.size())).as("the last delays; " + seen)
                    .allSatisfy(i -> assertThat(i).isBetween(1500L, 7000L));
        }
    }

    @Test
    void aServerThatAcceptsAndHangsUpAtOnceIsDialledWithGrowingDelaysUntilItKeepsTheConnection() {
        try (CentralServer central = CentralServer.start(TOKEN).hangUpOnConnect(true);
             NgliveProcess app = nglive(central.url()).set("nglive.central.retry-max-delay", "4s").start()) {
            Awaitility.await().atMost(PATIENCE).until(() -> !central.attempts().isEmpty());
            Instant start = central.attempts().get(0);
            NgliveProcess.sleep(Math.max(0, Duration.between(Instant.now(), start.plusSeconds(12)).toMillis()));

            List<Instant> attempts = central.attempts();
            List<Long> intervals = new ArrayList<>();
            for (int i = 1; i < attempts.size(); i++) {
                intervals.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis());
            }
            String seen = "intervals (ms) " + intervals;
            assertThat(central.connections()).as("handshakes accepted").hasSizeGreaterThanOrEqualTo(attempts.size() - 1);
            assertThat(attempts.size()).as("connections in 12 s with delays from 500ms to 4s; " + seen).isBetween(4, 11);
            assertThat(intervals.get(0)).as("the first delay; " + seen).isLessThan(1500);
            assertThat(intervals.get(intervals.size() - 1)).as("the last delay; " + seen).isBetween(1500L, 7000L);

            central.hangUpOnConnect(false);
            Instant off = Instant.now();
            CentralServer.Connection kept = Awaitility.await().atMost(PATIENCE).until(central::current,
                    c -> c.opened().isAfter(off) && c.hello() != null);
            assertThat(kept.hello().path("node").asText()).isEqualTo("node-7");
            NgliveProcess.sleep(3000);
            assertThat(kept.isOpen()).isTrue();
        }
    }

    @Test
    void aServerThatStopsReadingHoldsTheNodeBackWithoutFillingItsHeapAndGetsEverythingInOrderWhenItReadsAgain()
            throws Exception {
        int count = 3000;
        String title = "x".repeat(60_000);
        try (CentralServer central = CentralServer.start(TOKEN).autoAck(true);
             NgliveProcess app = nglive(central.url()).jvm("-Xmx96m")
                     .set("nglive.central.timeout", "120s") // a paused server answers no ping: not a dead one here
                     .start()) {
            central.awaitConnection(PATIENCE);
            central.pauseReading();
            int receivedBefore = central.allEvents().size();

            long started = System.nanoTime();
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicBoolean failed = new AtomicBoolean();
            Map<String, Long> seqs = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            ExecutorService posters = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    work.add(posters.submit(() -> {
                        for (int n = next.incrementAndGet(); n <= count && !failed.get(); n = next.incrementAndGet()) {
                            Map<String, Object> data = Webhooks.data(8300);
                            data.put("Title", n + ":" + title);
                            String id = "large-" + n;
                            int status = -1; // no answer within 30 s
                            try {
                                var answer = app.webhook(Webhooks.envelope("SessionStarted", id, data));
                                status = answer.statusCode();
                                if (status == 200) {
                                    seqs.put(id, app.json(answer).at("/data/seq").asLong());
                                }
                            } catch (UncheckedIOException e) {
                                // counted as -1
                            }
                            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                            failed.compareAndSet(false, status != 200); // one failure is enough: stop posting
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } finally {
                posters.shutdownNow();
            }
            long postSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

            assertThat(statuses).as("answers by status (-1: none) after %d s; log: %s", postSeconds, errors(app))
                    .containsOnlyKeys(200);
            assertThat(app.isAlive()).isTrue();
            assertThat(app.get("/observe/health").body()).contains("\"status\":\"UP\"");
            assertThat(central.allEvents().size() - receivedBefore).as("events taken while not reading")
                    .isLessThan(20);

            central.resumeReading();
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> receivedIds(central).containsAll(seqs.keySet()));

            for (CentralServer.Connection c : central.connections()) {
                assertStrictlyIncreasing(c.seqs());
            }
            List<JsonNode> large = central.allEvents().stream()
                    .filter(e -> e.path("eventId").asText().startsWith("large-")).toList();
            assertThat(large).allSatisfy(e -> {
                String id = e.path("eventId").asText();
                assertThat(e.path("seq").asLong()).isEqualTo(seqs.get(id));
                assertThat(e.path("title").asText()).isEqualTo(id.substring("large-".length()) + ":" + title);
            });
            assertThat(app.get("/observe/health").body()).contains("\"status\":\"UP\"");
            assertThat(app.log()).doesNotContain("OutOfMemoryError");
        }
    }

    private static Set<String> receivedIds(CentralServer central) {
        return central.allEvents().stream().map(e -> e.path("eventId").asText()).collect(Collectors.toSet());
    }

    private static String sessionStarted(long roomId) {
        return Webhooks.envelope("SessionStarted", UUID.randomUUID().toString(), Webhooks.data(roomId));
    }

    /** Posts a webhook, expects 200, returns its event's seq. */
    private static long seqOf(NgliveProcess app, String webhook) {
        var answer = app.webhook(webhook);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return app.json(answer).at("/data/seq").asLong();
    }

    /** A successful reply's data. */
    private static JsonNode ok(JsonNode reply) {
        assertThat(reply.path("type").asText()).isEqualTo("reply");
        assertThat(reply.path("code").asInt()).as("reply %s", reply).isZero();
        assertThat(reply.has("data")).as("reply %s", reply).isTrue();
        return reply.path("data");
    }

    private static void assertError(JsonNode reply, int code) {
        assertThat(reply.path("type").asText()).isEqualTo("reply");
        assertThat(reply.path("code").asInt()).as("reply %s", reply).isEqualTo(code);
        assertThat(reply.path("message").asText()).as("reply %s", reply).isNotBlank();
    }

    private static List<Long> ids(JsonNode jobs) {
        List<Long> ids = new ArrayList<>();
        jobs.forEach(j -> ids.add(j.path("id").asLong()));
        return ids;
    }

    private static void assertStrictlyIncreasing(List<Long> seqs) {
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).as("seq #%d of %s", i, seqs.size() > 50 ? seqs.size() + " seqs" : seqs)
                    .isGreaterThan(seqs.get(i - 1));
        }
    }

    private static List<String> errors(NgliveProcess app) {
        return app.log().lines().filter(l -> l.contains("ERROR") || l.contains("Exception") || l.contains("Error:"))
                .limit(20).toList();
    }
}
