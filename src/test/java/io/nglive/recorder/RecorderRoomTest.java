package io.nglive.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Since when a room records: the time it was read minus the recorder's {@code recordingStats.sessionDuration}. */
class RecorderRoomTest {

    /** As RecorderClient reads the recorder: "NaN" numbers, quoted or not. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final Instant READ = Instant.parse("2026-12-05T13:20:00Z");

    @Test
    void aRecordingRoomRecordsSinceTheReadingMinusItsSessionDuration() throws Exception {
        RecorderRoom room = read("{\"roomId\":1,\"recording\":true,\"recordingStats\":{\"sessionDuration\":5025500.25}}");

        assertThat(room.recordingSince()).isEqualTo(Instant.parse("2026-12-05T11:56:14.499750Z"));
        assertThat(room.fields()).containsEntry("recordingSince", "2026-12-05T11:56:14.499750Z");
    }

    @Test
    void aSessionJustStartedRecordsSinceTheReading() throws Exception {
        assertThat(read("{\"recording\":true,\"recordingStats\":{\"sessionDuration\":0.0}}").recordingSince())
                .isEqualTo(READ);
    }

    @Test
    void aRoomThatIsNotRecordingHasNoSinceWhateverItsStatsSay() throws Exception {
        RecorderRoom room = read("{\"recording\":false,\"recordingStats\":{\"sessionDuration\":60000}}");

        assertThat(room.recordingSince()).isNull();
        assertThat(room.fields()).containsEntry("recordingSince", null);
    }

    @Test
    void nanMissingOrOddDurationsAreUnknown() throws Exception {
        for (String stats : new String[] {"{\"sessionDuration\":NaN}", "{\"sessionDuration\":\"NaN\"}",
                "{\"sessionDuration\":Infinity}", "{\"sessionDuration\":-1}", "{\"sessionDuration\":null}",
                "{\"sessionDuration\":\"soon\"}", "{\"sessionDuration\":[1]}", "{\"sessionDuration\":1e300}", "{}",
                "null", "\"NaN\""}) {
            assertThat(read("{\"recording\":true,\"recordingStats\":" + stats + "}").recordingSince()).as(stats)
                    .isNull();
        }
        assertThat(read("{\"recording\":true}").recordingSince()).as("no recordingStats").isNull();
        assertThat(read("{\"recording\":true,\"recordingStats\":{\"sessionDuration\":\"1500\"}}").recordingSince())
                .as("a quoted number").isEqualTo(READ.minusMillis(1500));
    }

    @Test
    void theRecordersFixtureWithItsNaNReads() throws Exception {
        ObjectNode dto = (ObjectNode) JSON.readTree(
                Files.readString(Path.of("src/test/resources/fixtures/bililive-recorder/rest-RoomDto.json")));
        assertThat(RecorderRoom.from(dto, READ).recordingSince()).as("not recording").isNull();

        dto.put("recording", true);
        ((ObjectNode) dto.get("recordingStats")).put("sessionDuration", 2000.0);
        assertThat(RecorderRoom.from(dto, READ).recordingSince()).isEqualTo(READ.minusSeconds(2));
    }

    private static RecorderRoom read(String dto) throws Exception {
        return RecorderRoom.from(JSON.readTree(dto), READ);
    }
}
