package io.nglive.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.nglive.testing.FakeRecorder;

/** RecorderClient against the fake BililiveRecorder REST API: rooms, config, and every way a call can fail. */
class RecorderClientTest {

    private static final String USER = "brec";
    private static final String PASSWORD = "s3cret-Pa55";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private FakeRecorder fake;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void listsRoomsWithTheirChineseTextDespiteNaNInTheStats() {
        fake = FakeRecorder.start(0, null, null);
        fake.addRoomDirectly(23058, 3, "3号直播间", "哔哩哔哩音悦台", true);
        fake.addRoomDirectly(545068, 0, "主播", "标题 with spaces & 标点！", false);

        List<RecorderRoom> rooms = client(fake.url(), null, null).rooms();

        assertThat(rooms).containsExactly(
                new RecorderRoom(23058, 3, "3号直播间", "哔哩哔哩音悦台", "生活", "日常", true, false, false, true,
                        null),
                new RecorderRoom(545068, 0, "主播", "标题 with spaces & 标点！", "生活", "日常", false, false, false,
                        true, null));
        assertThat(fake.requests()).containsExactly("GET /api/room");
    }

    @Test
    void readsTheRecordersRoomDtoFixture() throws Exception {
        String fixture = Files.readString(Path.of("src/test/resources/fixtures/bililive-recorder/rest-RoomDto.json"));

        RecorderRoom room = RecorderRoom.from(new ObjectMapper().readTree(fixture));

        assertThat(room).isEqualTo(new RecorderRoom(23058, 3, "3号直播间", "哔哩哔哩音悦台", "电台", "唱见电台",
                false, false, true, true, null));
        assertThat(room.answersTo(3)).isTrue();
        assertThat(room.answersTo(23058)).isTrue();
        assertThat(room.answersTo(4)).isFalse();
    }

    @Test
    void missingOrOddFieldsOfARoomBecomeDefaults() throws Exception {
        RecorderRoom room = RecorderRoom.from(new ObjectMapper().readTree(
                "{\"roomId\":23058,\"name\":null,\"title\":42,\"recording\":\"yes\",\"newField\":{\"a\":1}}"));

        assertThat(room).isEqualTo(new RecorderRoom(23058, 0, null, "42", null, null, false, false, false, false,
                null));
        assertThat(room.answersTo(0)).isFalse();
    }

    @Test
    void addReturnsTheRoom() {
        fake = FakeRecorder.start(0, null, null);

        RecorderRoom room = client(fake.url(), null, null).add(23058, true);

        assertThat(room.roomId()).isEqualTo(23058);
        assertThat(room.name()).isEqualTo("主播23058");
        assertThat(room.title()).isEqualTo("直播间 23058 的标题");
        assertThat(room.autoRecord()).isTrue();
        assertThat(fake.roomIds()).containsExactly(23058L);
    }

    @Test
    void addingARoomTheRecorderHasUpdatesItsAutoRecord() {
        fake = FakeRecorder.start(0, null, null);
        RecorderClient client = client(fake.url(), null, null);
        client.add(23058, true);

        RecorderRoom again = client.add(23058, false);

        assertThat(again.roomId()).isEqualTo(23058);
        assertThat(again.autoRecord()).isFalse();
        assertThat(fake.roomIds()).containsExactly(23058L);
        assertThat(fake.room(23058)).hasValueSatisfying(dto -> assertThat(dto).containsEntry("autoRecord", false));
        assertThat(fake.count("POST /api/room")).isEqualTo(2);
    }

    @Test
    void addingByShortIdGivesTheRealRoom() {
        fake = FakeRecorder.start(0, null, null);
        fake.shortId(3, 23058);

        RecorderRoom room = client(fake.url(), null, null).add(3, true);

        assertThat(room.roomId()).isEqualTo(23058);
        assertThat(room.shortId()).isEqualTo(3);
        assertThat(fake.roomIds()).containsExactly(23058L);
    }

    @Test
    void removeSaysWhetherTheRecorderHadTheRoom() {
        fake = FakeRecorder.start(0, null, null);
        fake.addRoomDirectly(23058, 0, "主播", "标题", true);
        RecorderClient client = client(fake.url(), null, null);

        assertThat(client.remove(23058)).isTrue();
        assertThat(fake.roomIds()).isEmpty();
        assertThat(client.remove(23058)).isFalse();
        assertThat(fake.count("DELETE /api/room/23058")).isEqualTo(2);
    }

    @Test
    void actionsChangeTheRoom() {
        fake = FakeRecorder.start(0, null, null);
        fake.addRoomDirectly(23058, 3, "3号直播间", "哔哩哔哩音悦台", true);
        RecorderClient client = client(fake.url(), null, null);

        RecorderRoom started = client.action(3, "start");
        RecorderRoom split = client.action(23058, "split");
        RecorderRoom stopped = client.action(23058, "stop");

        assertThat(started.recording()).isTrue();
        assertThat(split.recording()).isTrue();
        assertThat(stopped.recording()).isFalse();
        assertThat(fake.requests()).containsExactly("POST /api/room/3/start", "POST /api/room/23058/split",
                "POST /api/room/23058/stop");
    }

    @Test
    void actionOnAMissingRoomIsRejectedWithRoomNotFound() {
        fake = FakeRecorder.start(0, null, null);
        RecorderClient client = client(fake.url(), null, null);

        for (String action : List.of("start", "stop", "split")) {
            RecorderRejected rejected = catchThrowableOfType(RecorderRejected.class, () -> client.action(999, action));

            assertThat(rejected).as(action).isNotNull();
            assertThat(rejected.code()).isEqualTo(RecorderRejected.ROOM_NOT_FOUND);
            assertThat(rejected).hasMessage(
                    "the recorder refused POST /api/room/999/" + action + ": Room not found (code -4)");
        }
    }

    @Test
    void rightCredentialsAreAccepted() {
        fake = FakeRecorder.start(0, USER, PASSWORD);

        assertThat(client(fake.url(), USER, PASSWORD).rooms()).isEmpty();
        assertThat(fake.refusedRequests()).isEmpty();
        assertThat(fake.requests()).containsExactly("GET /api/room");
    }

    @Test
    void wrongCredentialsNameTheSettingsButNotThePassword() {
        fake = FakeRecorder.start(0, USER, PASSWORD);
        String wrong = "wr0ng-" + PASSWORD;

        RecorderUnavailable failure = unavailable(() -> client(fake.url(), USER, wrong).rooms());

        assertThat(failure.getMessage())
                .contains("401", "nglive.recorder.user", "nglive.recorder.password", fake.url())
                .doesNotContain(wrong)
                .doesNotContain(PASSWORD);
        assertThat(fake.refusedRequests()).containsExactly("401 GET /api/room");
    }

    @Test
    void missingCredentialsSayToSetThem() {
        fake = FakeRecorder.start(0, USER, PASSWORD);

        RecorderUnavailable failure = unavailable(() -> client(fake.url(), null, null).rooms());

        assertThat(failure).hasMessage("the recorder at " + fake.url() + " refused a request without credentials"
                + " (401): set nglive.recorder.user and nglive.recorder.password");
    }

    @Test
    void hostNameWithoutCredentialsIsRefusedAsOpenAccessWithAdvice() {
        fake = FakeRecorder.start(0, null, null);

        RecorderUnavailable failure =
                unavailable(() -> client("http://localhost:" + fake.port(), null, null).rooms());

        assertThat(failure.getMessage()).contains("412", "Basic credentials", "BREC_HTTP_BASIC_USER",
                "nglive.recorder.user", "IP address", "nglive.recorder.url");
        assertThat(fake.refusedRequests()).containsExactly("412 GET /api/room");
    }

    @Test
    void stoppedRecorderIsUnreachable() {
        fake = FakeRecorder.start(0, null, null);
        RecorderClient client = client(fake.url(), null, null);
        fake.stop();

        RecorderUnavailable failure = unavailable(client::rooms);

        assertThat(failure.getMessage()).contains("the recorder at " + fake.url() + " is unreachable",
                "connection refused");
    }

    @Test
    void slowRecorderTimesOut() {
        fake = FakeRecorder.start(0, null, null);
        fake.delayResponses(Duration.ofSeconds(3));
        RecorderClient client = new RecorderClient(new RecorderSettings(URI.create(fake.url()), null, null,
                Duration.ofMillis(300), List.of(), Duration.ofSeconds(10), Duration.ofSeconds(60), null));

        RecorderUnavailable failure = unavailable(client::rooms);

        assertThat(failure).hasMessage("the recorder at " + fake.url() + " did not answer GET /api/room within 300 ms");
    }

    @Test
    void serverErrorIsUnavailableWithTheStatus() {
        fake = FakeRecorder.start(0, null, null);
        fake.respondWith(500);

        RecorderUnavailable failure = unavailable(() -> client(fake.url(), null, null).add(23058, true));

        assertThat(failure.getMessage()).contains("POST /api/room", "HTTP 500", "injected failure");
    }

    @Test
    void globalConfigRoundTrip() {
        fake = FakeRecorder.start(0, null, null);
        RecorderClient client = client(fake.url(), null, null);
        String urls = "http://a.example/hook\nhttp://127.0.0.1:8100/webhook?token=t";

        client.setGlobalConfig(Map.of("optionalWebHookUrlsV2", Map.of("hasValue", true, "value", urls)));

        assertThat(fake.webhookUrlsV2()).isEqualTo(urls);
        assertThat(client.globalConfig().path("optionalWebHookUrlsV2").path("hasValue").asBoolean()).isTrue();
        assertThat(client.globalConfig().path("optionalWebHookUrlsV2").path("value").asText()).isEqualTo(urls);
    }

    @Test
    void versionIsTheFullSemVer() {
        fake = FakeRecorder.start(0, null, null);

        assertThat(client(fake.url() + "/", null, null).version()).contains(FakeRecorder.VERSION);
        assertThat(fake.requests()).containsExactly("GET /api/version");
    }

    @Test
    void answersWhenUpEvenWithWrongCredentials() {
        fake = FakeRecorder.start(0, USER, PASSWORD);
        RecorderClient client = client(fake.url(), USER, "wrong");

        assertThat(client.answers()).isTrue();
        fake.stop();
        assertThat(client.answers()).isFalse();
    }

    private static RecorderClient client(String url, String user, String password) {
        return new RecorderClient(new RecorderSettings(URI.create(url), user, password, TIMEOUT, List.of(),
                Duration.ofSeconds(10), Duration.ofSeconds(60), null));
    }

    private static RecorderUnavailable unavailable(ThrowingCallable call) {
        RecorderUnavailable failure = catchThrowableOfType(RecorderUnavailable.class, call);
        assertThat(failure).as("a RecorderUnavailable").isNotNull();
        return failure;
    }
}
