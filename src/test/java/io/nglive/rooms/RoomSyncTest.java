package io.nglive.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.api.ApiError;
import io.nglive.api.JobsApi;
import io.nglive.api.RoomsApi;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.journal.FastTempDir;
import io.nglive.recorder.RecorderClient;
import io.nglive.recorder.RecorderSettings;
import io.nglive.testing.FakeRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nglive's room list as the recorder's desired state, against a fake BililiveRecorder: rooms added while it is down
 * are applied when it is back, removed rooms are not resurrected, recorder-only rooms are adopted once, and the room
 * API answers with the original codes.
 */
class RoomSyncTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long BLACKLISTED = 999;

    @TempDir(factory = FastTempDir.class)
    Path data;

    Database database;
    EventLog events;
    RoomList list;
    FakeRecorder recorder;
    RoomSync sync;
    RoomsApi api;

    @BeforeEach
    void open() {
        database = new Database(data);
        events = new EventLog(database.dataSource(), "test-node", JSON);
        list = new RoomList(database.dataSource(), events);
        recorder = FakeRecorder.start(0, null, null);
        RecorderClient client = new RecorderClient(new RecorderSettings(URI.create(recorder.url()), null, null,
                Duration.ofSeconds(5), List.of(), Duration.ofSeconds(10), Duration.ofSeconds(60), null));
        sync = new RoomSync(list, client, Set.of(BLACKLISTED));
        api = new RoomsApi(list, sync, Set.of(BLACKLISTED));
        sync.sync();
    }

    @AfterEach
    void close() {
        recorder.close();
        database.stop();
    }

    @Test
    void aRoomAddedWhileTheRecorderIsDownIsAppliedWhenItComesBackEmpty() {
        recorder.stop();
        assertThat(sync.sync()).containsKey("unreachable");

        Map<String, Object> added = room(api.add("23058", null, null));

        assertThat(added).containsEntry("roomId", 23058L).containsEntry("synced", false);
        assertThat((String) added.get("syncError")).contains("unreachable");
        assertThat(rooms(api.list())).hasSize(1);

        recorder.restart(false);
        sync.sync();

        assertThat(recorder.roomIds()).containsExactly(23058L);
        assertThat(recorder.room(23058).orElseThrow()).containsEntry("autoRecord", true);
        Map<String, Object> room = room(api.get("23058"));
        assertThat(room).containsEntry("synced", true).containsEntry("syncError", null)
                .containsEntry("name", "主播23058").containsEntry("recording", false);
    }

    @Test
    void aRoomAddedWhileTheRecorderIsUpIsAppliedAtOnce() {
        Map<String, Object> added = room(api.add("23058", null, null));

        assertThat(recorder.roomIds()).containsExactly(23058L);
        assertThat(added).containsEntry("synced", true).containsEntry("source", "api")
                .containsEntry("title", "直播间 23058 的标题").containsEntry("autoRecord", true);
    }

    @Test
    void aRoomRemovedWhileTheRecorderIsDownIsRemovedWhenItComesBack() {
        api.add("1", null, null);
        api.add("2", null, null);
        recorder.stop();
        sync.sync();

        Map<String, Object> removed = room(api.remove("1"));

        assertThat(removed).containsEntry("roomId", 1L).containsEntry("synced", false);
        assertThat(rooms(api.list())).extracting(r -> r.get("roomId")).containsExactly(2L);

        recorder.restart(true);
        sync.sync();

        assertThat(recorder.roomIds()).containsExactly(2L);
        assertThat(list.tombstones()).isEmpty();
        sync.sync();
        assertThat(rooms(api.list())).extracting(r -> r.get("roomId")).containsExactly(2L);
    }

    @Test
    void aRemovedRoomIsNotResurrectedByARecorderThatComesBackEmpty() {
        api.add("1", null, null);
        api.add("2", null, null);
        recorder.stop();
        sync.sync();
        api.remove("1");

        recorder.restart(false);
        sync.sync();

        assertThat(recorder.roomIds()).containsExactly(2L);
        assertThat(list.ids()).containsExactly(2L);
    }

    @Test
    void aSynchronisationWaitingForAHangingRecorderDoesNotHoldUpRoomChanges() throws Exception {
        recorder.hang(true);
        Thread waiting = new Thread(sync::sync);
        waiting.start();
        Thread.sleep(300);

        long start = System.nanoTime();
        assertThat(sync.locked(() -> "changed")).isEqualTo("changed");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(waiting.isAlive()).as("the synchronisation still waits for the recorder").isTrue();
        recorder.hang(false);
        waiting.join(10_000);
    }

    @Test
    void aRoomRemovedWhileASynchronisationWaitsForTheRecorderIsNotAdoptedBack() throws Exception {
        api.add("1", null, null);
        assertThat(recorder.roomIds()).containsExactly(1L);
        recorder.delayResponses(Duration.ofMillis(1000));
        Thread slow = new Thread(sync::sync);
        slow.start();
        Thread.sleep(200);

        // answered after the synchronisation's GET /api/room, which still lists the room
        api.remove("1");
        slow.join(10_000);

        assertThat(recorder.roomIds()).isEmpty();
        assertThat(list.find(1)).as("not adopted back from the recorder's stale answer").isEmpty();
    }

    @Test
    void twoSynchronisationsAtOnceDoNotAdoptBackWhatTheFirstRemoved() throws Exception {
        api.add("1", null, null);
        recorder.stop();
        api.remove("1");
        recorder.restart(true);
        assertThat(recorder.roomIds()).as("the recorder came back with the room").containsExactly(1L);
        recorder.delayResponses(Duration.ofMillis(1000));

        // the timer's and the recorder-started synchronisation, both asking before either has removed the room
        Thread first = new Thread(sync::sync);
        first.start();
        Thread.sleep(200);
        sync.sync();
        first.join(10_000);

        assertThat(recorder.roomIds()).isEmpty();
        assertThat(list.find(1)).as("not adopted back from the second synchronisation's stale answer").isEmpty();
    }

    @Test
    void aRoomOnlyTheRecorderHasIsAdoptedOnce() throws Exception {
        recorder.addRoomDirectly(777, 0, "主播七", "标题七", false);

        sync.sync();
        sync.sync();

        Map<String, Object> room = room(api.get("777"));
        assertThat(room).containsEntry("source", "recorder").containsEntry("autoRecord", false)
                .containsEntry("synced", true).containsEntry("name", "主播七");
        List<JsonNode> added = events("RoomAdded");
        assertThat(added).singleElement().satisfies(e -> {
            assertThat(e.path("roomId").asLong()).isEqualTo(777);
            assertThat(e.path("source").asText()).isEqualTo("recorder");
            assertThat(e.path("name").asText()).isEqualTo("主播七");
        });
    }

    @Test
    void aRoomRemovedFromTheRecorderBehindNglivesBackIsAddedAgainWithItsAutoRecord() {
        recorder.addRoomDirectly(777, 0, "主播七", "标题七", false);
        sync.sync();

        recorder.removeRoomDirectly(777);
        sync.sync();

        assertThat(recorder.roomIds()).containsExactly(777L);
        assertThat(recorder.room(777).orElseThrow()).containsEntry("autoRecord", false);
    }

    @Test
    void aBlacklistedRoomIsNeitherAddedNorAdopted() {
        ApiError refused = catchThrowableOfType(ApiError.class, () -> api.add(String.valueOf(BLACKLISTED), null, null));
        assertThat(refused.getCode()).isEqualTo(RoomsApi.BLACKLISTED);
        assertThat(refused.getStatus()).isEqualTo(403);

        recorder.addRoomDirectly(BLACKLISTED, 0, "x", "y", true);
        sync.sync();

        assertThat(list.ids()).isEmpty();
        assertThat(recorder.roomIds()).as("left alone in the recorder").containsExactly(BLACKLISTED);
    }

    @Test
    void aRoomAddedByItsShortIdIsKnownByItsRealId() {
        recorder.shortId(3, 23058);

        api.add("3", null, null);
        sync.sync();

        assertThat(list.ids()).containsExactly(23058L);
        assertThat(recorder.roomIds()).containsExactly(23058L);
        assertThat(room(api.get("3"))).containsEntry("roomId", 23058L).containsEntry("shortId", 3L);
        assertThat(code(() -> api.add("3", null, null))).isEqualTo(RoomsApi.ALREADY_ADDED);
        assertThat(code(() -> api.add("23058", null, null))).isEqualTo(RoomsApi.ALREADY_ADDED);
    }

    @Test
    void aRoomAddedByItsShortIdIsSyncedAtOnce() {
        recorder.shortId(3, 23058);

        Map<String, Object> added = room(api.add("3", null, null));

        assertThat(added).containsEntry("synced", true).containsEntry("shortId", 3L);
    }

    @Test
    void aRoomRemovedAndAddedBackByItsShortIdWhileTheRecorderWasDownStaysWanted() {
        recorder.shortId(3, 23058);
        api.add("23058", null, null);
        recorder.stop();
        sync.sync();

        api.remove("23058");
        api.add("3", null, null);
        recorder.restart(true);
        sync.sync();

        assertThat(list.wanted()).extracting(RoomList.Room::roomId).containsExactly(23058L);
        assertThat(list.tombstones()).isEmpty();
        assertThat(recorder.roomIds()).containsExactly(23058L);
        assertThat(room(api.get("3"))).containsEntry("synced", true);
    }

    @Test
    void aBlacklistedRoomCannotBeAddedByItsShortId() {
        recorder.addRoomDirectly(BLACKLISTED, 4, "x", "y", true);
        sync.sync();

        assertThat(code(() -> api.add("4", null, null))).isEqualTo(RoomsApi.BLACKLISTED);
        assertThat(list.ids()).isEmpty();
    }

    @Test
    void badRoomIdsAreRefusedWith4031() {
        for (String bad : new String[] {null, "", " ", "0", "-1", "abc", "1.5", "2147483648", "99999999999999999999",
                "23058; rm -rf /"}) {
            ApiError error = catchThrowableOfType(ApiError.class, () -> api.add(bad, null, null));
            assertThat(error).as("roomid=%s", bad).isNotNull();
            assertThat(error.getCode()).isEqualTo(RoomsApi.BAD_ROOM_ID);
            assertThat(error.getStatus()).isEqualTo(400);
            assertThat(code(() -> api.get(bad))).isEqualTo(RoomsApi.BAD_ROOM_ID);
            assertThat(code(() -> api.remove(bad))).isEqualTo(RoomsApi.BAD_ROOM_ID);
        }
        assertThat(code(() -> api.add(null, null, "{\"roomId\": \"x\"}"))).isEqualTo(RoomsApi.BAD_ROOM_ID);
        assertThat(code(() -> api.add(null, null, "not json"))).isEqualTo(RoomsApi.BAD_ROOM_ID);
        assertThat(room(api.add(null, null, "{\"roomId\": 42}"))).containsEntry("roomId", 42L);
    }

    @Test
    void aBodyInTheRecordersCasingAddsTheRoom() {
        Map<String, Object> added = room(api.add(null, null, "{\"RoomId\":7777,\"AutoRecord\":true}"));
        room(api.add(null, null, "{\"roomid\":7778}"));

        assertThat(added).containsEntry("roomId", 7777L).containsEntry("autoRecord", true).containsEntry("synced", true);
        assertThat(recorder.room(7777).orElseThrow()).containsEntry("autoRecord", true);
        assertThat(recorder.room(7778).orElseThrow()).as("auto-record unless the body says otherwise")
                .containsEntry("autoRecord", true);
    }

    @Test
    void autoRecordFalseIsAddedToTheRecorderSoAndReportedSo() {
        Map<String, Object> added = room(api.add(null, null, "{\"roomId\":7777,\"autoRecord\":false}"));
        room(api.add("7778", null, "{\"AutoRecord\":false}"));

        assertThat(added).containsEntry("autoRecord", false).containsEntry("synced", true);
        assertThat(recorder.room(7777).orElseThrow()).containsEntry("autoRecord", false);
        assertThat(recorder.room(7778).orElseThrow()).as("PUT /api/rooms/{id} with a body")
                .containsEntry("autoRecord", false);
        sync.sync();
        assertThat(room(api.get("7777"))).containsEntry("autoRecord", false);
        assertThat(list.find(7777).orElseThrow().autoRecord()).as("kept for a re-add").isFalse();
    }

    @Test
    void aBodyWithAWrongTypeOrNoRoomIsRefusedNamingTheField() {
        ApiError yes = catchThrowableOfType(ApiError.class, () -> api.add(null, null, "{\"roomId\":7777,\"autoRecord\":\"yes\"}"));
        assertThat(yes.getStatus()).isEqualTo(400);
        assertThat(yes.getCode()).isEqualTo(JobsApi.BAD_ARGUMENT);
        assertThat(yes).hasMessageContaining("autoRecord").hasMessageContaining("\"yes\"");

        ApiError noRoom = catchThrowableOfType(ApiError.class, () -> api.add(null, null, "{\"autoRecord\":true}"));
        assertThat(noRoom.getCode()).isEqualTo(RoomsApi.BAD_ROOM_ID);
        assertThat(noRoom).hasMessageContaining("roomId");

        assertThat(catchThrowableOfType(ApiError.class, () -> api.add(null, null, "{\"roomId\":true}")))
                .hasMessageContaining("roomId must be a whole number");
        assertThat(catchThrowableOfType(ApiError.class, () -> api.add(null, null, "{\"roomId\":1,\"RoomId\":2}")))
                .hasMessageContaining("roomId and RoomId");
        assertThat(catchThrowableOfType(ApiError.class, () -> api.add("5", null, "{\"roomId\":6}")))
                .hasMessageContaining("the path names room 5 and the body room 6");
        assertThat(code(() -> api.add(null, null, "[7777]"))).isEqualTo(RoomsApi.BAD_ROOM_ID);
        assertThat(list.ids()).as("nothing added").isEmpty();
        assertThat(recorder.roomIds()).isEmpty();
    }

    @Test
    void duplicatesAndUnknownRoomsGetTheirCodes() {
        api.add("5", null, null);

        ApiError duplicate = catchThrowableOfType(ApiError.class, () -> api.add("5", null, null));
        assertThat(duplicate.getCode()).isEqualTo(RoomsApi.ALREADY_ADDED);
        assertThat(duplicate.getStatus()).isEqualTo(409);
        ApiError unknown = catchThrowableOfType(ApiError.class, () -> api.get("6"));
        assertThat(unknown.getCode()).isEqualTo(RoomsApi.ROOM_NOT_FOUND);
        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(code(() -> api.remove("6"))).isEqualTo(RoomsApi.ROOM_NOT_FOUND);
        assertThat(code(() -> api.action("6", "start"))).isEqualTo(RoomsApi.ROOM_NOT_FOUND);

        api.remove("5");
        assertThat(code(() -> api.remove("5"))).as("removed twice").isEqualTo(RoomsApi.ROOM_NOT_FOUND);
        assertThat(room(api.add("5", null, null))).as("added again").containsEntry("synced", true);
    }

    @Test
    void actionsArePassedThroughToTheRecorder() {
        api.add("5", null, null);

        assertThat(room(api.action("5", "start"))).containsEntry("recording", true);
        assertThat(room(api.action("5", "split"))).containsEntry("recording", true);
        assertThat(room(api.action("5", "stop"))).containsEntry("recording", false);
        assertThat(recorder.count("POST /api/room/5/split")).isEqualTo(1);

        assertThat(code(() -> api.action("5", "explode"))).isEqualTo(4002);
        recorder.removeRoomDirectly(5);
        ApiError missing = catchThrowableOfType(ApiError.class, () -> api.action("5", "start"));
        assertThat(missing.getCode()).isEqualTo(RoomsApi.NOT_IN_RECORDER);
        assertThat(missing.getStatus()).isEqualTo(409);

        recorder.stop();
        ApiError down = catchThrowableOfType(ApiError.class, () -> api.action("5", "start"));
        assertThat(down.getCode()).isEqualTo(RoomsApi.RECORDER_UNAVAILABLE);
        assertThat(down.getStatus()).isEqualTo(502);
        assertThat(down.getMessage()).contains("unreachable");
    }

    @Test
    void autoRecordIsChangedInTheRecorderThenStoredWithItsEvent() throws Exception {
        api.add("5", null, null);

        Map<String, Object> changed = room(api.autoRecord("5", null, "{\"autoRecord\":false}"));

        assertThat(changed).containsEntry("roomId", 5L).containsEntry("autoRecord", false).containsEntry("synced", true);
        assertThat(recorder.room(5).orElseThrow()).containsEntry("autoRecord", false);
        assertThat(list.find(5).orElseThrow().autoRecord()).isFalse();
        assertThat(events("RoomUpdated")).singleElement().satisfies(e -> {
            assertThat(e.path("roomId").asLong()).isEqualTo(5);
            assertThat(e.path("autoRecord").isBoolean()).isTrue();
            assertThat(e.path("autoRecord").asBoolean()).isFalse();
            assertThat(e.path("source").asText()).isEqualTo("api");
        });
        sync.sync();
        assertThat(room(api.get("5"))).as("the next synchronisation reads it back").containsEntry("autoRecord", false);

        // the recorder's casing, and the parameter of the central server's command
        assertThat(room(api.autoRecord("5", null, "{\"AutoRecord\":true}"))).containsEntry("autoRecord", true);
        assertThat(room(api.autoRecord("5", "false", null))).containsEntry("autoRecord", false);
        assertThat(recorder.room(5).orElseThrow()).containsEntry("autoRecord", false);
        assertThat(recorder.roomIds()).containsExactly(5L);
    }

    @Test
    void autoRecordIsNotStoredWhenTheRecorderCannotTakeIt() throws Exception {
        api.add("5", null, null);
        recorder.stop();

        ApiError down = catchThrowableOfType(ApiError.class, () -> api.autoRecord("5", null, "{\"autoRecord\":false}"));

        assertThat(down.getStatus()).isEqualTo(502);
        assertThat(down.getCode()).isEqualTo(RoomsApi.RECORDER_UNAVAILABLE);
        assertThat(down).hasMessageContaining("unreachable");
        assertThat(list.find(5).orElseThrow().autoRecord()).as("nothing stored").isTrue();
        assertThat(events("RoomUpdated")).isEmpty();

        recorder.restart(true);
        recorder.removeRoomDirectly(5);
        ApiError missing = catchThrowableOfType(ApiError.class, () -> api.autoRecord("5", null, "{\"autoRecord\":false}"));
        assertThat(missing.getStatus()).isEqualTo(409);
        assertThat(missing.getCode()).isEqualTo(RoomsApi.NOT_IN_RECORDER);
        assertThat(recorder.roomIds()).as("not added behind the synchronisation's back").isEmpty();
        assertThat(list.find(5).orElseThrow().autoRecord()).isTrue();
        assertThat(events("RoomUpdated")).isEmpty();
        assertThat(code(() -> api.autoRecord("6", null, "{\"autoRecord\":false}"))).isEqualTo(RoomsApi.ROOM_NOT_FOUND);
        assertThat(code(() -> api.autoRecord("x", null, "{\"autoRecord\":false}"))).isEqualTo(RoomsApi.BAD_ROOM_ID);
    }

    @Test
    void aChangeOfAutoRecordWithAnythingElseOrNothingIsRefusedNamingTheProblem() {
        api.add("5", null, null);

        assertThat(refusal("{\"autoRecord\":false,\"roomId\":5}")).isEqualTo(
                "only autoRecord can be changed, not \"roomId\": {\"autoRecord\": false}");
        assertThat(refusal("{}")).isEqualTo("the body has no autoRecord: {\"autoRecord\": false}");
        assertThat(refusal("{\"autoRecord\":null}")).startsWith("the body has no autoRecord");
        assertThat(refusal("{\"autoRecord\":\"no\"}")).isEqualTo("autoRecord must be true or false, not \"no\"");
        assertThat(refusal("{\"autoRecord\":0}")).isEqualTo("autoRecord must be true or false, not 0");
        assertThat(refusal("{\"autoRecord\":true,\"AutoRecord\":false}")).contains("autoRecord and AutoRecord");
        assertThat(refusal("[true]")).startsWith("expected a JSON object like");
        assertThat(refusal("{autoRecord")).startsWith("expected a JSON body like");
        assertThat(refusal(null)).isEqualTo("say whether to record the room automatically: {\"autoRecord\": false}");
        ApiError disagree = catchThrowableOfType(ApiError.class, () -> api.autoRecord("5", "true", "{\"autoRecord\":false}"));
        assertThat(disagree).hasMessage("the parameter says autoRecord=true and the body false");
        ApiError badParameter = catchThrowableOfType(ApiError.class, () -> api.autoRecord("5", "yes", null));
        assertThat(badParameter).hasMessage("autoRecord must be true or false, not 'yes'");
        assertThat(recorder.count("POST /api/room")).as("only the add reached the recorder").isEqualTo(1);
    }

    private String refusal(String body) {
        ApiError refused = catchThrowableOfType(ApiError.class, () -> api.autoRecord("5", null, body));
        assertThat(refused).as(body).isNotNull();
        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(refused.getCode()).isEqualTo(JobsApi.BAD_ARGUMENT);
        return refused.getMessage();
    }

    @Test
    void addingAndRemovingAreEvents() throws Exception {
        api.add("5", null, null);
        api.remove("5");

        assertThat(events("RoomAdded")).singleElement()
                .satisfies(e -> assertThat(e.path("source").asText()).isEqualTo("api"));
        assertThat(events("RoomRemoved")).singleElement()
                .satisfies(e -> assertThat(e.path("roomId").asLong()).isEqualTo(5));
    }

    @Test
    void theListSurvivesARestart() {
        api.add("5", null, null);
        recorder.stop();
        sync.sync();
        api.remove("5");
        api.add("6", null, null);
        database.stop();

        database = new Database(data);
        list = new RoomList(database.dataSource(), new EventLog(database.dataSource(), "test-node", JSON));

        assertThat(list.wanted()).extracting(RoomList.Room::roomId).containsExactly(6L);
        assertThat(list.tombstones()).extracting(RoomList.Room::roomId).containsExactly(5L);
    }

    private List<JsonNode> events(String type) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (EventLog.Stored stored : events.after(0, 1000)) {
            JsonNode event = JSON.readTree(stored.json());
            if (event.path("type").asText().equals(type)) {
                found.add(event);
            }
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> room(Map<String, Object> answer) {
        assertThat(answer).containsEntry("code", 0);
        return (Map<String, Object>) answer.get("data");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rooms(Map<String, Object> answer) {
        assertThat(answer).containsEntry("code", 0);
        return (List<Map<String, Object>>) answer.get("data");
    }

    private static int code(Runnable call) {
        ApiError error = catchThrowableOfType(ApiError.class, call::run);
        assertThat(error).isNotNull();
        return error.getCode();
    }
}
