package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.FakeRecorder;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.UploadServer;
import io.nglive.testing.Webhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rooms recorded twice ({@code "replicas": 2}): the packaged jar as a central server and as real nodes, each with a
 * recorder of its own. The room goes to two nodes that do not share a host label; both record every session; exactly
 * one of them uploads it (the first to end it), the other's job ends without an upload; and when the node that was to
 * upload is killed before it did, the other one uploads.
 */
class ReplicaIT {

    static final String TOKEN = "replica-secret";
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    private record Node(String name, FakeRecorder recorder, NgliveProcess process) {
    }

    private NgliveProcess central() {
        NgliveProcess central = new NgliveProcess(dir.resolve("central"))
                .set("nglive.role", "central")
                .set("nglive.cluster.node-token", TOKEN)
                .set("nglive.cluster.node-timeout", "4s")
                .set("nglive.cluster.replica-spread", "host");
        running.add(central);
        return central.start();
    }

    private Node node(NgliveProcess central, String name, String labels, URI target) {
        FakeRecorder recorder = FakeRecorder.start(0, null, null);
        running.add(recorder);
        NgliveProcess node = new NgliveProcess(dir.resolve(name))
                .set("nglive.node.name", name)
                .set("nglive.node.labels", labels)
                .set("nglive.central.url", "ws://127.0.0.1:" + central.port() + "/nodes?token=" + TOKEN)
                .set("nglive.central.retry-delay", "300ms")
                .set("nglive.central.retry-max-delay", "1s")
                .set("nglive.recorder.url", recorder.url())
                .set("nglive.recorder.sync-interval", "1s")
                .set("nglive.transcode.mode", "NONE")
                .set("nglive.upload.retries", "50")
                .set("nglive.upload.retry-delay", "1s")
                .set("nglive.upload.retry-max-delay", "2s")
                .uploadTo(target);
        running.add(node);
        return new Node(name, recorder, node.start());
    }

    private static JsonNode room(NgliveProcess central, long roomId) {
        return central.json(central.get("/api/rooms/" + roomId)).get("data");
    }

    private static List<String> holders(long roomId, Node... nodes) {
        List<String> holders = new ArrayList<>();
        for (Node node : nodes) {
            if (node.recorder().roomIds().contains(roomId)) {
                holders.add(node.name());
            }
        }
        return holders;
    }

    /** The node records one session of the room: a real FLV, its FileClosed, its end; returns the job's id. */
    private static long recordSession(Node node, long roomId, String relativePath, String sessionId) throws Exception {
        Path file = node.process().works().resolve(relativePath);
        TestMedia.flv(Files.createDirectories(file.getParent()), file.getFileName().toString(), 1);
        assertThat(node.process().webhook(Webhooks.session("SessionStarted", roomId, sessionId)).statusCode())
                .isEqualTo(200);
        HttpResponse<String> closed = node.process().webhook(Webhooks.fileClosed(roomId, relativePath, sessionId));
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
        return node.process().json(closed).at("/data/jobId").asLong();
    }

    private static void endSession(Node node, long roomId, String sessionId) {
        assertThat(node.process().webhook(Webhooks.session("SessionEnded", roomId, sessionId)).statusCode())
                .isEqualTo(200);
    }

    private static String status(Node node, long jobId) {
        return node.process().job(jobId).path("status").asText();
    }

    /** A node's job as the central server's job list shows it. */
    private static String centralJobStatus(NgliveProcess central, String node, long jobId) {
        for (JsonNode job : central.json(central.get("/api/jobs?node=" + node)).get("data")) {
            if (job.path("id").asLong() == jobId) {
                return job.path("status").asText();
            }
        }
        return "";
    }

    /** The room's session on the node, as the central lists it. */
    private static JsonNode session(NgliveProcess central, long roomId, String sessionId) {
        for (JsonNode session : room(central, roomId).path("sessions")) {
            if (session.path("sessionId").asText().equals(sessionId)) {
                return session;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void aRoomRecordedTwiceIsUploadedOncePerSessionByTheFirstNodeToEndIt() throws Exception {
        UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("archive")));
        running.add(target);
        NgliveProcess central = central();
        Node a = node(central, "nas-a", "host:a", target.url());
        Node a2 = node(central, "nas-a2", "host:a", target.url());
        await().atMost(PATIENCE).until(() -> holders(901, a, a2).isEmpty() && central.json(central.get("/api/nodes"))
                .get("data").size() == 2);
        HttpResponse<String> added = central.post("/api/rooms", "{\"roomId\":901,\"replicas\":2}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(central.post("/api/rooms", "{\"roomId\":902,\"replicas\":3}").body())
                .contains("replicas must be 1 or 2");

        // two nodes on one host: the room is on one of them, its second recording waits for another host
        await().atMost(PATIENCE).until(() -> room(central, 901).path("replica").path("unplacedReason").asText()
                .contains("the label host:"));
        assertThat(holders(901, a, a2)).hasSize(1);
        Node first = holders(901, a, a2).get(0).equals("nas-a") ? a : a2;

        Node b = node(central, "nas-b", "host:b", target.url());
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(holders(901, a, a2, b)).containsExactlyInAnyOrder(first.name(), "nas-b");
            assertThat(room(central, 901).path("replica").path("node").asText()).isEqualTo("nas-b");
        });
        assertThat(room(central, 901).path("replicas").asInt()).isEqualTo(2);

        try (EventClient events = central.events(0)) {
            // the same broadcast on both: the same file name on each, so that the archive shows any second upload
            String path = "901-双录 房间/录制 \"一\" 'a'.flv";
            String sessionB = UUID.randomUUID().toString();
            String sessionFirst = UUID.randomUUID().toString();
            long jobB = recordSession(b, 901, path, sessionB);
            long jobFirst = recordSession(first, 901, path, sessionFirst);
            // no node uploads before the session's end decides which one does
            await().atMost(PATIENCE).until(() -> status(b, jobB).equals("WAITING")
                    && status(first, jobFirst).equals("WAITING"));
            assertThat(target.puts(path)).isZero();

            // the archive answers slowly: the other node's session ends while nas-b still uploads
            target.delayResponses(Duration.ofSeconds(3));
            endSession(b, 901, sessionB);
            JsonNode primary = events.await(e -> e.path("type").asText().equals("ReplicaPrimary")
                    && e.path("roomId").asLong() == 901, PATIENCE);
            assertThat(primary.path("nodeName").asText()).isEqualTo("nas-b");
            assertThat(primary.path("sessionId").asText()).isEqualTo(sessionB);
            endSession(first, 901, sessionFirst);
            await().atMost(PATIENCE).until(() -> status(first, jobFirst).equals("STANDBY"));
            assertThat(status(b, jobB)).isIn("PENDING", "RUNNING");
            target.delayResponses(Duration.ZERO);

            // nas-b's upload done, nas-b reports the session uploaded, and the standby's job is done without one
            await().atMost(PATIENCE).until(() -> status(b, jobB).equals("DONE"));
            await().atMost(PATIENCE).until(() -> status(first, jobFirst).equals("DONE"));
            events.await(e -> e.path("type").asText().equals("UploadedElsewhere")
                    && e.path("jobId").asLong() == jobFirst && e.path("node").asText().equals(first.name()), PATIENCE);
            await().atMost(PATIENCE).until(() -> centralJobStatus(central, first.name(), jobFirst).equals("DONE"));
            await().atMost(PATIENCE).until(() -> session(central, 901, sessionFirst).path("role").asText()
                    .equals("uploaded"));
            assertThat(target.puts(path)).isEqualTo(1);
            JsonNode upload = session(central, 901, sessionB);
            assertThat(upload.path("primary").asBoolean()).isTrue();
            assertThat(upload.path("node").asText()).isEqualTo("nas-b");
            assertThat(upload.path("uploaded").asBoolean()).isTrue();
            assertThat(session(central, 901, sessionFirst).path("primary").asBoolean()).isFalse();
            assertThat(b.process().job(jobB).path("artifacts").get(0).path("uploads")).hasSize(1);
            assertThat(first.process().job(jobFirst).path("artifacts").get(0).path("uploads")).isEmpty();
        }
    }

    @Test
    void whenTheNodeThatWasToUploadIsKilledBeforeItDidTheOtherNodeUploads() throws Exception {
        UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("archive")));
        running.add(target);
        NgliveProcess central = central();
        // nas-a's archive is unreachable: it keeps retrying its upload until it is killed
        URI nowhere = URI.create("http://127.0.0.1:" + NgliveProcess.freePort() + "/");
        Node a = node(central, "nas-a", "host:a", nowhere);
        Node b = node(central, "nas-b", "host:b", target.url());
        await().atMost(PATIENCE).until(() -> central.json(central.get("/api/nodes")).get("data").size() == 2);
        assertThat(central.post("/api/rooms", "{\"roomId\":903,\"replicas\":2}").statusCode()).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> holders(903, a, b).size() == 2);

        String path = "903/接力.flv";
        String sessionA = UUID.randomUUID().toString();
        String sessionB = UUID.randomUUID().toString();
        long jobA = recordSession(a, 903, path, sessionA);
        long jobB = recordSession(b, 903, path, sessionB);
        endSession(a, 903, sessionA);
        await().atMost(PATIENCE).until(() -> session(central, 903, sessionA).path("primary").asBoolean());
        endSession(b, 903, sessionB);
        await().atMost(PATIENCE).until(() -> status(b, jobB).equals("STANDBY"));
        await().atMost(PATIENCE).until(() -> status(a, jobA).equals("RUNNING"));
        assertThat(target.puts(path)).isZero();

        a.process().kill();

        // lost after the node timeout (4 s): nas-b is made primary for its session and uploads it
        await().atMost(PATIENCE).until(() -> status(b, jobB).equals("DONE"));
        assertThat(target.puts(path)).isEqualTo(1);
        JsonNode heir = session(central, 903, sessionB);
        assertThat(heir.path("primary").asBoolean()).isTrue();
        assertThat(heir.path("reason").asText()).isEqualTo("the primary was lost before it uploaded the session");
        // the killed node's session: uploaded by nas-b, which it is told if it comes back
        await().atMost(PATIENCE).until(() -> session(central, 903, sessionA).path("role").asText().equals("uploaded"));
        assertThat(session(central, 903, sessionA).path("primary").asBoolean()).isFalse();
        assertThat(central.log()).contains("node nas-b uploads session " + sessionB);
    }
}
