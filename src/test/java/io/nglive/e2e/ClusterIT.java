package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.EventReceiver;
import io.nglive.testing.FakeRecorder;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.UploadServer;
import io.nglive.testing.Webhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The central server with real nodes: the packaged jar started as a central server and as nodes, each node with a
 * recorder of its own ({@link FakeRecorder}), or one without an API (webhook-only), which takes no rooms. Rooms are
 * placed on exactly one recorder, follow labels and capacity, move when their node is lost, and leave a returning
 * node only once its recording in progress has ended; the central server's events also go to its event webhooks; a
 * node's failed job is retried through the central server.
 */
class ClusterIT {

    static final String TOKEN = "cluster-secret";
    static final Duration PATIENCE = Duration.ofSeconds(40);
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    private NgliveProcess central(String nodeTimeout) {
        return central(nodeTimeout, "");
    }

    /** A central server whose events also go to the event webhooks {@code notifyUrls} (empty: none). */
    private NgliveProcess central(String nodeTimeout, String notifyUrls) {
        NgliveProcess central = new NgliveProcess(dir.resolve("central"))
                .set("nglive.role", "central")
                .set("nglive.cluster.node-token", TOKEN)
                .set("nglive.cluster.node-timeout", nodeTimeout)
                .set("nglive.notify.urls", notifyUrls);
        running.add(central);
        return central.start();
    }

    private Node node(NgliveProcess central, String name, String labels, int capacity) {
        FakeRecorder recorder = FakeRecorder.start(0, null, null);
        running.add(recorder);
        return new Node(name, recorder, startNode(central, name, labels, capacity, recorder.url(), TOKEN));
    }

    /** A node beside the recorder at {@code recorderUrl}; empty: a recorder without an API (webhook-only). */
    private NgliveProcess startNode(NgliveProcess central, String name, String labels, int capacity,
                                    String recorderUrl, String token) {
        return nodeProcess(central, name, labels, capacity, recorderUrl, token).start();
    }

    /** The node {@link #startNode} starts, not started yet, for a test to set more. */
    private NgliveProcess nodeProcess(NgliveProcess central, String name, String labels, int capacity,
                                      String recorderUrl, String token) {
        NgliveProcess node = new NgliveProcess(dir.resolve(name))
                .set("nglive.node.name", name)
                .set("nglive.node.labels", labels)
                .set("nglive.node.capacity", String.valueOf(capacity))
                .set("nglive.central.url", "ws://127.0.0.1:" + central.port() + "/nodes?token=" + token)
                .set("nglive.central.retry-delay", "300ms")
                .set("nglive.central.retry-max-delay", "1s")
                .set("nglive.recorder.url", recorderUrl)
                .set("nglive.recorder.sync-interval", "1s")
                .set("nglive.transcode.mode", "NONE");
        running.add(node);
        return node;
    }

    private record Node(String name, FakeRecorder recorder, NgliveProcess process) {
    }

    private static JsonNode data(NgliveProcess app, String path) {
        return app.json(app.get(path)).get("data");
    }

    private static JsonNode room(NgliveProcess central, long roomId) {
        return data(central, "/api/rooms/" + roomId);
    }

    private static Map<String, Integer> connectedNodes(NgliveProcess central) {
        Map<String, Integer> nodes = new HashMap<>();
        data(central, "/api/nodes").forEach(n -> {
            if (n.path("connected").asBoolean()) {
                nodes.put(n.path("name").asText(), n.path("rooms").asInt());
            }
        });
        return nodes;
    }

    /** A node's state as /api/nodes gives it (connected, joining, webhook-only, disconnected, lost). */
    private static String nodeState(NgliveProcess central, String name) {
        List<String> states = new ArrayList<>();
        data(central, "/api/nodes").forEach(n -> {
            if (n.path("name").asText().equals(name)) {
                states.add(n.path("state").asText());
            }
        });
        return states.isEmpty() ? null : states.get(0);
    }

    private static void add(NgliveProcess central, long roomId, String labels) {
        HttpResponse<String> added = central.post("/api/rooms", "{\"roomId\":" + roomId + ",\"labels\":" + labels + "}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
    }

    /** Which recorders have the room: exactly one when the cluster is settled. */
    private static List<String> holders(long roomId, Node... nodes) {
        List<String> holders = new ArrayList<>();
        for (Node node : nodes) {
            if (node.recorder().roomIds().contains(roomId)) {
                holders.add(node.name());
            }
        }
        return holders;
    }

    @Test
    void roomsArePlacedOnExactlyOneRecorderFollowingLabelsCapacityAndBalance() throws Exception {
        EventReceiver hook = EventReceiver.start();
        running.add(hook);
        NgliveProcess central = central("20s", hook.url());
        // first, alone: a node whose recorder has no API (webhook-only) is listed but is given no room
        NgliveProcess desk = startNode(central, "desk", "desk", 0, "", TOKEN);
        // added at once: a node takes no room before its answer to allroom (desk's is 4093, webhook-only)
        await().atMost(PATIENCE).until(() -> connectedNodes(central).containsKey("desk"));
        add(central, 401, "[\"desk\"]");
        assertThat(room(central, 401).path("node").isNull()).isTrue();
        await().atMost(PATIENCE).until(() -> room(central, 401).path("unplacedReason").asText().equals(
                "no connected node takes rooms: desk manages its rooms in its recorder (webhook-only)"));
        assertThat(nodeState(central, "desk")).isEqualTo("webhook-only");
        Node a = node(central, "nas-a", "site-a", 0);
        // nas-b's recorder had a room before nas-b ever joined: it is adopted onto nas-b
        FakeRecorder withRoom = FakeRecorder.start(0, null, null);
        running.add(withRoom);
        withRoom.addRoomDirectly(777, 0, "早就有的", "老房间", true);
        Node b = new Node("nas-b", withRoom, startNode(central, "nas-b", "site-b", 0, withRoom.url(), TOKEN));
        Node gpu = node(central, "gpu-1", "site-a,gpu", 1);
        await().atMost(PATIENCE).until(() -> connectedNodes(central).size() == 4);
        await().atMost(PATIENCE).until(() -> room(central, 777) != null && "nas-b".equals(room(central, 777)
                .path("node").asText()));
        try (EventClient events = central.events(0)) {
            add(central, 101, "[\"gpu\"]");
            add(central, 102, "[\"gpu\"]");
            for (long room = 201; room <= 204; room++) {
                add(central, room, "[]");
            }
            add(central, 301, "[\"site-x\"]");

            Node[] all = {a, b, gpu};
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(holders(101, all)).containsExactly("gpu-1");
                for (long room = 201; room <= 204; room++) {
                    assertThat(holders(room, all)).as("room " + room).hasSize(1);
                }
            });
            // gpu-1 is full (capacity 1): the second gpu room waits, and says why; so does the room no node can take
            assertThat(room(central, 102).path("node").isNull()).isTrue();
            assertThat(room(central, 102).path("unplacedReason").asText())
                    .isEqualTo("every connected node with labels [gpu] is at capacity (1 node)");
            assertThat(room(central, 301).path("unplacedReason").asText())
                    .isEqualTo("no connected node has labels [site-x]");
            assertThat(holders(102, all)).isEmpty();
            assertThat(holders(301, all)).isEmpty();
            // the four rooms that fit anywhere went to the nodes with fewest rooms, nas-a and nas-b (777 included)
            Map<String, Integer> counts = connectedNodes(central);
            assertThat(counts.get("nas-a") + counts.get("nas-b")).isEqualTo(5);
            assertThat(Math.abs(counts.get("nas-a") - counts.get("nas-b"))).isLessThanOrEqualTo(1);
            assertThat(counts).containsEntry("gpu-1", 1);
            assertThat(holders(777, all)).containsExactly("nas-b");
            JsonNode placed = events.await(e -> e.path("type").asText().equals("RoomPlaced")
                    && e.path("roomId").asLong() == 101, PATIENCE);
            assertThat(placed.path("nodeName").asText()).isEqualTo("gpu-1");
            assertThat(placed.path("node").asText()).isEqualTo("central");
            assertThat(placed.path("epoch").asLong()).isPositive();

            // a node that fits joins: the waiting room goes to it
            Node x = node(central, "nas-x", "site-x", 0);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(holders(301, a, b, gpu, x)).containsExactly("nas-x"));
            assertThat(room(central, 301).path("node").asText()).isEqualTo("nas-x");

            // the nodes' own events reach the central /ws in order, each with its node
            a.process().webhook(Webhooks.sessionEnded(201));
            JsonNode fromNode = events.await(e -> e.path("type").asText().equals("SessionEnded"), PATIENCE);
            assertThat(fromNode.path("node").asText()).isEqualTo("nas-a");
            assertThat(fromNode.path("nodeSeq").asLong()).isPositive();
            List<Long> seqs = events.stored().stream().map(e -> e.path("seq").asLong()).toList();
            assertThat(seqs).isSorted().doesNotHaveDuplicates();

            // desk's events are relayed as any node's, and it never held a room
            assertThat(desk.webhook(Webhooks.sessionEnded(401)).statusCode()).isEqualTo(200);
            JsonNode fromDesk = events.await(e -> e.path("type").asText().equals("SessionEnded")
                    && e.path("node").asText().equals("desk"), PATIENCE);
            assertThat(fromDesk.path("nodeSeq").asLong()).isPositive();
            assertThat(connectedNodes(central)).containsEntry("desk", 0);
            assertThat(events.stored()).noneMatch(e -> e.path("type").asText().matches("RoomPlaced|RoomMoved")
                    && e.path("nodeName").asText().equals("desk"));
            assertThat(room(central, 401).path("node").isNull()).isTrue();

            // a node's job, as its pipeline events report it, on the central server's /api/jobs
            String recording = "201-直播间/录制-201-20261207-120000-000-测试 \"引号\".flv";
            TestMedia.flv(Files.createDirectories(a.process().works().resolve("201-直播间")),
                    "录制-201-20261207-120000-000-测试 \"引号\".flv", 2);
            assertThat(a.process().webhook(Webhooks.fileClosed(201, recording)).statusCode()).isEqualTo(200);
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode jobs = data(central, "/api/jobs?node=nas-a");
                assertThat(jobs).hasSize(1);
                assertThat(jobs.get(0).path("status").asText()).isEqualTo("DONE");
                assertThat(jobs.get(0).path("node").asText()).isEqualTo("nas-a");
                assertThat(jobs.get(0).path("file").asText()).isEqualTo(recording);
            });
            assertThat(data(central, "/api/jobs?node=nas-b")).isEmpty();

            // the central server's event webhook gets what its /ws streams, its own events and the nodes', alike
            List<JsonNode> streamed = events.stored();
            await().atMost(PATIENCE).until(() -> hook.received().size() >= streamed.size());
            assertThat(hook.received().subList(0, streamed.size())).containsExactlyElementsOf(streamed);
            assertThat(hook.received()).extracting(e -> e.path("type").asText())
                    .contains("NodeJoined", "RoomAdded", "RoomPlaced", "RoomUnplaced", "SessionEnded", "FileClosed");

            // a replay from an earlier seq gives the same events in the same order
            long from = seqs.get(seqs.size() / 2);
            try (EventClient replay = central.events(from)) {
                await().atMost(PATIENCE).until(() -> replay.stored().size() >= seqs.size() - seqs.indexOf(from) - 1);
                assertThat(replay.stored().get(0).path("seq").asLong()).isEqualTo(from + 1);
            }
        }
    }

    @Test
    void aLostNodesRoomsMoveAndItGivesThemUpWhenItReturnsWithoutCuttingARecording() throws Exception {
        NgliveProcess central = central("3s");
        Node a = node(central, "nas-a", "", 0);
        await().atMost(PATIENCE).until(() -> connectedNodes(central).size() == 1);
        add(central, 501, "[]");
        add(central, 502, "[]");
        await().atMost(PATIENCE).until(() -> a.recorder().roomIds().containsAll(Set.of(501L, 502L)));
        Node b = node(central, "nas-b", "", 0);
        await().atMost(PATIENCE).until(() -> connectedNodes(central).size() == 2);

        // 501 is being recorded on nas-a when nas-a is cut off (its recorder keeps running: a partition)
        HTTP.send(HttpRequest.newBuilder(URI.create(a.recorder().url() + "/api/room/501/start"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        long killed = System.nanoTime();
        a.process().kill();

        // within node-timeout + 10 s both rooms are on nas-b
        await().atMost(Duration.ofSeconds(3 + 10)).untilAsserted(() ->
                assertThat(b.recorder().roomIds()).contains(501L, 502L));
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(13));
        assertThat(room(central, 501).path("node").asText()).isEqualTo("nas-b");
        try (EventClient events = central.events(0)) {
            JsonNode lost = events.await(e -> e.path("type").asText().equals("NodeLost"), PATIENCE);
            assertThat(lost.path("nodeName").asText()).isEqualTo("nas-a");
            assertThat(lost.path("rooms").asInt()).isEqualTo(2);
            // announced before its rooms moved
            long moved = events.await(e -> e.path("type").asText().equals("RoomMoved"), PATIENCE).path("seq").asLong();
            assertThat(lost.path("seq").asLong()).isLessThan(moved);
        }

        // nas-a comes back: 502 (idle) leaves its recorder at once; 501 stays while its session lasts
        NgliveProcess back = startNode(central, "nas-a", "", 0, a.recorder().url(), TOKEN);
        await().atMost(PATIENCE).until(() -> !a.recorder().roomIds().contains(502L));
        assertThat(a.recorder().roomIds()).contains(501L);
        assertThat(room(central, 501).path("node").asText()).isEqualTo("nas-b");

        // the session ends (the recorder's SessionEnded): then 501 leaves nas-a too, and is on one recorder only
        HTTP.send(HttpRequest.newBuilder(URI.create(a.recorder().url() + "/api/room/501/stop"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        back.webhook(Webhooks.sessionEnded(501));
        await().atMost(PATIENCE).until(() -> !a.recorder().roomIds().contains(501L));
        assertThat(holders(501, a, b)).containsExactly("nas-b");
        assertThat(holders(502, a, b)).containsExactly("nas-b");

        // the killed node's connection ended in one line of the central server's log, not in a stack trace
        assertThat(central.log()).containsPattern("node nas-a \\([-0-9a-f]+\\): its connection was cut")
                .doesNotContain("Error processing exchange").doesNotContainPattern("(?m)^\\tat ");
    }

    @Test
    void aRestartedCentralKeepsEveryPlacementAndAWrongTokenIsRefused() throws Exception {
        NgliveProcess central = central("20s");
        Node a = node(central, "nas-a", "", 0);
        Node b = node(central, "nas-b", "", 0);
        await().atMost(PATIENCE).until(() -> connectedNodes(central).size() == 2);
        for (long room = 601; room <= 604; room++) {
            add(central, room, "[]");
        }
        await().atMost(PATIENCE).untilAsserted(() -> {
            for (long room = 601; room <= 604; room++) {
                assertThat(holders(room, a, b)).hasSize(1);
            }
        });
        Map<Long, String> before = placement(central);

        central.stop();
        // meanwhile nas-a stores events: its next connection sends its hello, then all of them at once
        for (long room = 9001; room <= 9030; room++) {
            assertThat(a.process().webhook(Webhooks.sessionEnded(room)).statusCode()).isEqualTo(200);
        }
        central.start();
        await().atMost(PATIENCE).until(() -> connectedNodes(central).size() == 2);
        Thread.sleep(2000);
        assertThat(placement(central)).isEqualTo(before);
        for (long room = 601; room <= 604; room++) {
            assertThat(holders(room, a, b)).containsExactly(before.get(room));
        }
        try (EventClient events = central.events(0)) {
            Thread.sleep(1000);
            assertThat(events.stored()).noneMatch(e -> e.path("type").asText().equals("RoomMoved"));
            // the central server took them in the order nas-a sent them, after its hello
            await().atMost(PATIENCE).until(() -> events.stored().stream()
                    .filter(e -> e.path("roomId").asLong() > 9000).count() == 30);
            assertThat(events.stored()).filteredOn(e -> e.path("roomId").asLong() > 9000)
                    .extracting(e -> e.path("roomId").asLong()).isSorted();
            assertThat(central.log()).doesNotContain("before its hello");

            // the operator moves a room; its old node is not recording it, so it leaves that node at once
            String from = before.get(601L);
            String to = from.equals("nas-a") ? "nas-b" : "nas-a";
            HttpResponse<String> moved = central.post("/api/rooms/601/move", "{\"node\":\"" + to + "\"}");
            assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(holders(601, a, b)).containsExactly(to));
            JsonNode event = events.await(e -> e.path("type").asText().equals("RoomMoved"), PATIENCE);
            assertThat(event.path("fromNodeName").asText()).isEqualTo(from);
            HttpResponse<String> refused = central.post("/api/rooms/601/move", "{\"node\":\"nowhere\"}");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(central.json(refused).path("message").asText()).isEqualTo("no node is called nowhere");
        }

        // a node with the wrong token never joins, and the central server says so without the token
        FakeRecorder recorder = FakeRecorder.start(0, null, null);
        running.add(recorder);
        startNode(central, "intruder", "", 0, recorder.url(), "wrong-token");
        Thread.sleep(3000);
        assertThat(data(central, "/api/nodes").findValuesAsText("name")).doesNotContain("intruder");
        assertThat(central.log()).contains("refused a node from 127.0.0.1").doesNotContain("wrong-token");
        assertThat(central.get("/observe/metrics").body()).containsPattern("nglive_cluster_nodes_refused_total [1-9]");
    }

    @Test
    void autoRecordChangedOnTheCentralReachesTheRoomsRecorderAndOneMadeWhileItsNodeWasAwayWhenItReturns()
            throws Exception {
        NgliveProcess central = central("20s");
        Node a = node(central, "nas-a", "", 0);
        await().atMost(PATIENCE).until(() -> connectedNodes(central).size() == 1);
        add(central, 701, "[]");
        await().atMost(PATIENCE).until(() -> a.recorder().roomIds().contains(701L));
        assertThat(a.recorder().room(701).orElseThrow()).containsEntry("autoRecord", true);

        try (EventClient events = central.events(0)) {
            HttpResponse<String> off = patch(central, 701, "{\"autoRecord\":false}");
            assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
            JsonNode answer = central.json(off).path("data");
            assertThat(answer.path("autoRecord").asBoolean()).isFalse();
            assertThat(answer.path("applied").asBoolean()).as(off.body()).isTrue();
            assertThat(answer.path("node").asText()).isEqualTo("nas-a");
            assertThat(a.recorder().room(701).orElseThrow()).as("applied before the answer")
                    .containsEntry("autoRecord", false);
            JsonNode updated = events.await(e -> e.path("type").asText().equals("RoomUpdated")
                    && e.path("node").asText().equals("central"), PATIENCE);
            assertThat(updated.path("roomId").asLong()).isEqualTo(701);
            assertThat(updated.path("autoRecord").asBoolean()).isFalse();
        }
        HttpResponse<String> bad = patch(central, 701, "{\"autoRecord\":\"no\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(central.json(bad).path("code").asInt()).isEqualTo(4002);
        assertThat(central.json(bad).path("message").asText()).contains("autoRecord", "\"no\"");
        assertThat(central.json(patch(central, 799, "{\"autoRecord\":false}")).path("code").asInt()).isEqualTo(4042);

        // changed while the node is away: stored, not applied; applied when the node says hello again
        a.process().stop();
        await().atMost(PATIENCE).until(() -> "disconnected".equals(nodeState(central, "nas-a")));
        HttpResponse<String> on = patch(central, 701, "{\"autoRecord\":true}");
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(central.json(on).at("/data/applied").asBoolean()).isFalse();
        assertThat(central.json(on).at("/data/applyError").asText()).contains("nas-a is not connected");
        assertThat(room(central, 701).path("autoRecord").asBoolean()).isTrue();
        assertThat(a.recorder().room(701).orElseThrow()).containsEntry("autoRecord", false);

        a.process().start();
        await().atMost(PATIENCE).until(() -> Boolean.TRUE.equals(a.recorder().room(701).orElseThrow().get("autoRecord")));
        await().atMost(PATIENCE).until(() -> data(a.process(), "/api/rooms/701").path("autoRecord").asBoolean());
        assertThat(room(central, 701).path("node").asText()).isEqualTo("nas-a");
    }

    private static HttpResponse<String> patch(NgliveProcess central, long roomId, String body) {
        return central.send(HttpRequest.newBuilder(central.uri("/api/rooms/" + roomId))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void aFailedJobIsRetriedThroughTheCentralServerByItsNode() throws Exception {
        NgliveProcess central = central("20s");
        UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("target")));
        running.add(target);
        target.respondWith(507);
        FakeRecorder recorder = FakeRecorder.start(0, null, null);
        running.add(recorder);
        NgliveProcess a = nodeProcess(central, "nas-a", "", 0, recorder.url(), TOKEN)
                .uploadTo(target.url()).set("nglive.upload.retries", "1").start();
        await().atMost(PATIENCE).until(() -> connectedNodes(central).containsKey("nas-a"));
        TestMedia.flv(Files.createDirectories(a.works().resolve("701")), "重试.flv", 1);
        long jobId = a.json(a.webhook(Webhooks.fileClosed(701, "701/重试.flv"))).at("/data/jobId").asLong();
        await().atMost(PATIENCE).until(() -> "FAILED".equals(centralJob(central, "nas-a", jobId).path("status").asText()));
        String nodeId = centralJob(central, "nas-a", jobId).path("nodeId").asText();
        String retry = "/api/jobs/" + jobId + "/retry";

        // refused before any node is asked, then by the node itself with its own code
        assertRefused(central.post(retry, ""), 400, 4002, "name the node of job " + jobId + ": POST " + retry
                + "?node=NAME or nodeId (each node numbers its own jobs)");
        assertRefused(central.post(retry + "?node=nowhere", ""), 404, 4044, "no node is called nowhere");
        assertRefused(central.post("/api/jobs/999999/retry?node=nas-a", ""), 404, 4044,
                "node nas-a: job 999999 does not exist");

        // the target accepts again: the retry, through the central server, makes nas-a upload it, and it is DONE there
        target.healthy();
        HttpResponse<String> retried = central.post(retry + "?node=" + nodeId, "");
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        JsonNode answer = central.json(retried).path("data");
        assertThat(answer.path("node").asText()).isEqualTo("nas-a");
        assertThat(answer.at("/answer/id").asLong()).isEqualTo(jobId);
        assertThat(answer.at("/answer/status").asText()).isIn("PENDING", "RUNNING");
        await().atMost(PATIENCE).until(() -> "DONE".equals(centralJob(central, "nas-a", jobId).path("status").asText()));
        assertThat(a.job(jobId).path("status").asText()).isEqualTo("DONE");
        assertThat(target.puts("701/重试.flv")).isEqualTo(1);
        assertRefused(central.post(retry + "?node=nas-a", ""), 409, 4091,
                "node nas-a: job " + jobId + " is DONE; only a FAILED job can be retried");

        // a node that never answers: the central server gives up after its 10 s and says what that means
        String muteId = UUID.randomUUID().toString();
        WebSocket mute = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + central.port()
                + "/nodes?token=" + TOKEN), new WebSocket.Listener() { }).join();
        running.add(mute::abort);
        mute.sendText("{\"type\":\"hello\",\"node\":\"mute\",\"nodeId\":\"" + muteId
                + "\",\"version\":\"0.1.0\",\"lastAcked\":0}", true).join();
        await().atMost(PATIENCE).until(() -> connectedNodes(central).containsKey("mute"));
        long asked = System.nanoTime();
        assertRefused(central.post("/api/jobs/3/retry?node=mute", ""), 502, 5021, "node mute did not answer within"
                + " 10 s: whether job 3 runs again shows in its events; if it does not, retry it when the node is back");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofSeconds(10));

        // nas-a is away: the job can be retried when it is back
        a.stop();
        await().atMost(PATIENCE).until(() -> !connectedNodes(central).containsKey("nas-a"));
        assertRefused(central.post(retry + "?node=nas-a", ""), 502, 5021,
                "node nas-a is offline: job " + jobId + " can be retried when the node is back");
    }

    /** The central server's view of a node's job, or a missing node when it has none. */
    private static JsonNode centralJob(NgliveProcess central, String node, long jobId) {
        for (JsonNode job : data(central, "/api/jobs?node=" + node)) {
            if (job.path("id").asLong() == jobId) {
                return job;
            }
        }
        return MissingNode.getInstance();
    }

    private static void assertRefused(HttpResponse<String> answer, int status, int code, String message)
            throws IOException {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("code").asInt()).as(answer.body()).isEqualTo(code);
        assertThat(body.path("message").asText()).isEqualTo(message);
    }

    private static Map<Long, String> placement(NgliveProcess central) {
        Map<Long, String> placement = new HashMap<>();
        data(central, "/api/rooms").forEach(r -> placement.put(r.path("roomId").asLong(), r.path("node").asText()));
        return placement;
    }
}
