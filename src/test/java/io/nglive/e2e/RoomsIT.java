package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.FakeRecorder;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The room API and the synchronisation with a recorder, end to end: the packaged application against a fake
 * BililiveRecorder REST API (Basic auth, camelCase DTOs, {@code "NaN"}, {@code {"code":-4}}).
 */
class RoomsIT {

    static final String TOKEN = "api-tok";

    @TempDir
    Path dir;

    private NgliveProcess nglive(FakeRecorder recorder, String user, String password) {
        NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                .set("nglive.recorder.url", recorder.url())
                .set("nglive.recorder.sync-interval", "500ms")
                .set("nglive.rooms.blacklist", "999");
        if (user != null) {
            app.set("nglive.recorder.user", user).set("nglive.recorder.password", password);
        }
        return app;
    }

    @Test
    void theOriginalRoomApiAndItsRestTwinAnswerWithTheOriginalCodes() {
        try (FakeRecorder recorder = FakeRecorder.start(0, "admin", "pa ss");
             NgliveProcess app = nglive(recorder, "admin", "pa ss").set("nglive.api.token", TOKEN).start();
             EventClient events = EventClient.connect(
                     URI.create("ws://127.0.0.1:" + app.port() + "/ws?since=0&token=" + TOKEN))) {
            assertThat(app.get("/allroom").statusCode()).as("the token guards the room API").isEqualTo(401);

            JsonNode added = answer(app, "GET", "/addroom?roomid=23058", 200);
            assertThat(added.path("data").path("synced").asBoolean()).isTrue();
            assertThat(added.path("data").path("name").asText()).isEqualTo("主播23058");
            assertThat(recorder.roomIds()).containsExactly(23058L);
            assertThat(recorder.room(23058).orElseThrow()).containsEntry("autoRecord", true);

            assertCode(app, "GET", "/addroom?roomid=23058", 409, 4032);
            assertCode(app, "GET", "/addroom?roomid=abc", 400, 4031);
            assertCode(app, "GET", "/addroom?roomid=-3", 400, 4031);
            assertCode(app, "GET", "/addroom", 400, 4031);
            assertCode(app, "GET", "/addroom?roomid=999", 403, 4033);
            assertCode(app, "GET", "/getroom?roomid=1", 404, 4042);
            assertCode(app, "GET", "/removeroom?roomid=1", 404, 4042);

            JsonNode room = answer(app, "GET", "/getroom?roomid=23058", 200).path("data");
            assertThat(room.path("roomId").asLong()).isEqualTo(23058);
            assertThat(room.path("title").asText()).isEqualTo("直播间 23058 的标题");
            assertThat(room.path("recording").isBoolean()).isTrue();
            assertThat(room.path("streaming").isBoolean()).isTrue();
            assertThat(room.path("autoRecord").asBoolean()).isTrue();
            assertThat(answer(app, "GET", "/allroom", 200).path("data")).hasSize(1);

            answer(app, "PUT", "/api/rooms/5", 200);
            assertThat(answer(app, "POST", "/api/rooms", "{\"roomId\": 6}", 200).path("data").path("roomId").asLong())
                    .isEqualTo(6);
            assertCode(app, "POST", "/api/rooms/6", 409, 4032);
            assertThat(answer(app, "GET", "/api/rooms", 200).path("data")).hasSize(3);
            assertThat(answer(app, "POST", "/api/rooms/5/start", 200).path("data").path("recording").asBoolean())
                    .isTrue();
            assertThat(recorder.room(5).orElseThrow()).containsEntry("recording", true);
            answer(app, "POST", "/api/rooms/5/split", 200);
            assertThat(recorder.count("POST /api/room/5/split")).isEqualTo(1);
            assertCode(app, "POST", "/api/rooms/5/explode", 400, 4002);
            assertCode(app, "POST", "/api/rooms/7/start", 404, 4042);
            answer(app, "DELETE", "/api/rooms/5", 200);
            assertCode(app, "GET", "/api/rooms/5", 404, 4042);
            assertCode(app, "GET", "/api/rooms/x", 400, 4031);
            answer(app, "GET", "/removeroom?roomid=23058", 200);

            assertThat(recorder.roomIds()).containsExactly(6L);
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(roomEvents(events)).containsExactly("RoomAdded 23058", "RoomAdded 5", "RoomAdded 6",
                            "RoomRemoved 5", "RoomRemoved 23058"));
        }
    }

    @Test
    void aRecorderThatWasDownConvergesToNglivesListWithoutResurrectingRemovedRooms() {
        try (FakeRecorder recorder = FakeRecorder.start(0, null, null)) {
            recorder.addRoomDirectly(1, 0, "一号", "标题一", true);
            recorder.addRoomDirectly(2, 0, "二号", "标题二", false);
            try (NgliveProcess app = nglive(recorder, null, null).start()) {
                Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                        assertThat(answer(app, "GET", "/allroom", 200).path("data"))
                                .extracting(r -> r.path("roomId").asLong() + " " + r.path("source").asText())
                                .containsExactly("1 recorder", "2 recorder"));

                recorder.stop();
                Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
                        app.get("/observe/health?exposureLevel=full&data=true").body().contains("unreachable"));
                assertThat(app.get("/observe/health").statusCode()).as("nglive itself stays healthy").isEqualTo(200);
                JsonNode check = app.healthCheck("recorder");
                assertThat(check.path("message").asText()).as("not escaped twice").doesNotContain("\\")
                        .contains("api.problem");
                assertThat(check.path("data").path("api.problem").asText())
                        .contains("the recorder at " + recorder.url() + " is unreachable");

                JsonNode added = answer(app, "GET", "/addroom?roomid=3", 200).path("data");
                assertThat(added.path("synced").asBoolean()).isFalse();
                assertThat(added.path("syncError").asText()).contains("unreachable");
                assertThat(answer(app, "GET", "/removeroom?roomid=1", 200).path("data").path("synced").asBoolean())
                        .isFalse();

                recorder.restart(false);

                Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    assertThat(recorder.roomIds()).containsExactlyInAnyOrder(2L, 3L);
                    assertThat(answer(app, "GET", "/getroom?roomid=3", 200).path("data").path("synced").asBoolean())
                            .isTrue();
                    assertThat(recorder.webhookUrlsV2()).isEqualTo("http://127.0.0.1:" + app.port() + "/webhook");
                });
                assertThat(recorder.room(2).orElseThrow()).as("re-added as it was").containsEntry("autoRecord", false);
                NgliveProcess.sleep(1500);
                assertThat(recorder.roomIds()).as("room 1 stays removed").containsExactlyInAnyOrder(2L, 3L);
                assertCode(app, "GET", "/getroom?roomid=1", 404, 4042);
            }
        }
    }

    @Test
    void aRoomBodyInTheRecordersCasingIsTakenAndAutoRecordIsHonoured() {
        try (FakeRecorder recorder = FakeRecorder.start(0, null, null);
             NgliveProcess app = nglive(recorder, null, null).set("nglive.api.token", TOKEN).start()) {
            JsonNode recorders = answer(app, "POST", "/api/rooms", "{\"RoomId\":7777,\"AutoRecord\":true}", 200);
            assertThat(recorders.path("data").path("roomId").asLong()).isEqualTo(7777);
            assertThat(recorder.room(7777).orElseThrow()).containsEntry("autoRecord", true);

            JsonNode manual = answer(app, "POST", "/api/rooms", "{\"roomId\":7778,\"autoRecord\":false}", 200);
            assertThat(manual.path("data").path("autoRecord").asBoolean()).isFalse();
            assertThat(manual.path("data").path("synced").asBoolean()).isTrue();
            assertThat(recorder.room(7778).orElseThrow()).containsEntry("autoRecord", false);
            answer(app, "PUT", "/api/rooms/7779", "{\"autoRecord\":false}", 200);
            assertThat(recorder.room(7779).orElseThrow()).containsEntry("autoRecord", false);

            JsonNode yes = answer(app, "POST", "/api/rooms", "{\"roomId\":7780,\"autoRecord\":\"yes\"}", 400);
            assertThat(yes.path("code").asInt()).isEqualTo(4002);
            assertThat(yes.path("message").asText()).contains("autoRecord");
            assertThat(recorder.roomIds()).containsExactlyInAnyOrder(7777L, 7778L, 7779L);

            // auto-record changed on a room that is there, in either casing
            JsonNode on = answer(app, "PATCH", "/api/rooms/7778", "{\"AutoRecord\":true}", 200);
            assertThat(on.path("data").path("autoRecord").asBoolean()).isTrue();
            assertThat(recorder.room(7778).orElseThrow()).containsEntry("autoRecord", true);
            JsonNode more = answer(app, "PATCH", "/api/rooms/7778", "{\"autoRecord\":false,\"title\":\"x\"}", 400);
            assertThat(more.path("code").asInt()).isEqualTo(4002);
            assertThat(more.path("message").asText()).contains("\"title\"");
            assertThat(answer(app, "PATCH", "/api/rooms/7778", "", 400).path("message").asText()).contains("autoRecord");
            assertThat(answer(app, "PATCH", "/api/rooms/1", "{\"autoRecord\":false}", 404).path("code").asInt())
                    .isEqualTo(4042);
            assertThat(recorder.room(7778).orElseThrow()).containsEntry("autoRecord", true);
            assertThat(recorder.roomIds()).containsExactlyInAnyOrder(7777L, 7778L, 7779L);
        }
    }

    @Test
    void nglivesWebhookIsRegisteredBesideTheUsersOwnUrlsAndWorks() {
        try (FakeRecorder recorder = FakeRecorder.start(0, null, null);
             NgliveProcess app = nglive(recorder, null, null).set("nglive.webhook.token", "hook tok")) {
            String stale = "http://127.0.0.1:" + app.port() + "/webhook/";
            recorder.setWebhookUrlsV2("http://192.168.1.10:9000/other\n" + stale + "\nhttps://push.example/x?k=1");
            app.start();

            String ours = "http://127.0.0.1:" + app.port() + "/webhook?token=hook+tok";
            Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(recorder.webhookUrlsV2())
                            .isEqualTo("http://192.168.1.10:9000/other\nhttps://push.example/x?k=1\n" + ours));
            assertThat(app.log()).doesNotContain("hook tok").doesNotContain("hook+tok");

            HttpResponse<String> delivered = app.send(HttpRequest.newBuilder(URI.create(ours))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Webhooks.sessionEnded(23058), StandardCharsets.UTF_8)));
            assertThat(delivered.statusCode()).as("the registered URL is accepted").isEqualTo(200);
        }
    }

    @Test
    void aRecorderThatRefusesNgliveIsReportedWithTheReasonAndNoSecret() {
        try (FakeRecorder recorder = FakeRecorder.start(0, "admin", "right");
             NgliveProcess app = nglive(recorder, "admin", "wrong-secret").start()) {
            JsonNode added = answer(app, "GET", "/addroom?roomid=3", 200).path("data");

            assertThat(added.path("synced").asBoolean()).isFalse();
            Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                String health = app.get("/observe/health?exposureLevel=full&data=true").body();
                assertThat(health).contains("401").contains("nglive.recorder.password");
                assertThat(app.get("/observe/health").statusCode()).isEqualTo(200);
            });
            assertThat(app.log()).doesNotContain("wrong-secret");
            assertThat(recorder.refusedRequests()).isNotEmpty().allMatch(r -> r.startsWith("401 "));
        }
        try (FakeRecorder recorder = FakeRecorder.start(0, null, null);
             NgliveProcess app = new NgliveProcess(dir.resolve("by-name"))
                     .set("nglive.recorder.url", "http://localhost:" + recorder.port()).start()) {
            Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(answer(app, "GET", "/addroom?roomid=3", 0).path("data").path("syncError").asText())
                            .contains("412").contains("IP address"));
        }
    }

    private static List<String> roomEvents(EventClient events) {
        List<String> found = new ArrayList<>();
        for (JsonNode e : events.stored()) {
            if (Set.of("RoomAdded", "RoomRemoved").contains(e.path("type").asText())) {
                found.add(e.path("type").asText() + " " + e.path("roomId").asLong());
            }
        }
        return found;
    }

    private static JsonNode answer(NgliveProcess app, String method, String path, int status) {
        return answer(app, method, path, null, status);
    }

    /** The JSON answer; {@code status} 0 accepts any. */
    private static JsonNode answer(NgliveProcess app, String method, String path, String body, int status) {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri(path))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<String> response = app.send(request);
        if (status != 0) {
            assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(status);
        }
        return app.json(response);
    }

    private static void assertCode(NgliveProcess app, String method, String path, int status, int code) {
        JsonNode error = answer(app, method, path, status);
        assertThat(error.path("code").asInt()).as("%s %s", method, path).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
    }
}
