package io.nglive.webhook;

import static io.nglive.testing.OtherRecorders.BLREC_FILE;
import static io.nglive.testing.OtherRecorders.blrec;
import static io.nglive.testing.OtherRecorders.blrecFile;
import static io.nglive.testing.OtherRecorders.blrecLiveBegan;
import static io.nglive.testing.OtherRecorders.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** blrec's bodies (see io.nglive.testing.OtherRecorders for their sources) read as nglive's recorder events. */
class BlrecReaderTest {

    @TempDir
    Path temp;

    Path works;
    BlrecReader reader;

    @BeforeEach
    void setUp() throws Exception {
        works = Files.createDirectories(temp.resolve("rec"));
        reader = new BlrecReader(new WorksPath(works));
    }

    private String absolute(String relative) {
        return works.resolve(relative).toString();
    }

    @Test
    void videoFileCompletedIsAFileClosedOfTheRelativePath() {
        ObjectNode body = blrecFile("VideoFileCompletedEvent", 23058, absolute(BLREC_FILE));

        RecorderEvent event = reader.read(write(body));

        assertThat(event.type()).isEqualTo("FileClosed");
        assertThat(event.closesRecording()).isTrue();
        assertThat(event.id()).isEqualTo("blrec:" + body.get("id").asText());
        assertThat(event.recorder()).isEqualTo("blrec");
        assertThat(event.roomId()).isEqualTo(23058L);
        assertThat(event.file()).isEqualTo(BLREC_FILE);
        assertThat(event.fields())
                .containsEntry("eventId", body.get("id").asText())
                .containsEntry("eventTimestamp", "2026-12-05 21:20:10.147000+08:00");
    }

    @Test
    void videoFileCreatedIsAFileOpening() {
        RecorderEvent event = reader.read(write(blrecFile("VideoFileCreatedEvent", 23058, absolute(BLREC_FILE))));

        assertThat(event.type()).isEqualTo("FileOpening");
        assertThat(event.file()).isEqualTo(BLREC_FILE);
        assertThat(event.closesRecording()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DanmakuFileCreatedEvent", "DanmakuFileCompletedEvent"})
    void danmakuFilesKeepTheirTypeAndTheirPathNextToTheVideo(String type) {
        String xml = BLREC_FILE.replace(".flv", ".xml");

        RecorderEvent event = reader.read(write(blrecFile(type, 23058, absolute(xml))));

        assertThat(event.type()).isEqualTo(type);
        assertThat(event.known()).isTrue();
        assertThat(event.file()).isEqualTo(xml);
        assertThat(event.closesRecording()).isFalse();
    }

    @Test
    void otherTypesAreKeptWithTheirDataAsSent() {
        RecorderEvent event = reader.read(write(blrecLiveBegan(23058)));

        assertThat(event.type()).isEqualTo("LiveBeganEvent");
        assertThat(event.known()).isFalse();
        assertThat(event.file()).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> room = (Map<String, Object>) ((Map<String, Object>) event.fields().get("data")).get("room_info");
        assertThat(room).containsEntry("title", "哔哩哔哩音悦台").containsEntry("room_id", 23058);
    }

    @Test
    void otherTypesWithARoomIdNameTheirRoomAndTheirPathIsNotUsed() {
        // VideoPostprocessingCompletedEvent: blrec's own remux output, which nglive does not process
        RecorderEvent event = reader.read(write(blrecFile("VideoPostprocessingCompletedEvent", 23058, "/elsewhere/a.mp4")));

        assertThat(event.roomId()).isEqualTo(23058L);
        assertThat(event.file()).isNull();
    }

    @Test
    void chineseNamesSpacesAndQuotesInThePathAreKept() {
        String relative = "23058 - 3号直播间/blive_23058 \"测试\" 'x' & $(y).flv";

        assertThat(reader.read(write(blrecFile("VideoFileCompletedEvent", 23058, absolute(relative)))).file())
                .isEqualTo(relative);
    }

    @Test
    void sameBodyGivesTheSameKey() {
        String body = write(blrecFile("VideoFileCompletedEvent", 23058, absolute(BLREC_FILE)));

        assertThat(reader.read(body).id()).isEqualTo(reader.read(body).id());
    }

    @Test
    void pathOutsideTheWorksPathIsRefused() {
        assertRefused(blrecFile("VideoFileCompletedEvent", 23058, "/etc/passwd.flv"),
                "data.path '/etc/passwd.flv': lies outside the works path");
        assertRefused(blrecFile("VideoFileCompletedEvent", 23058, temp.resolve("rec2/a.flv").toString()),
                "lies outside the works path");
        assertRefused(blrecFile("DanmakuFileCompletedEvent", 23058, "/tmp/a.xml"), "lies outside the works path");
        assertRefused(blrecFile("VideoFileCompletedEvent", 23058, "D:\\rec\\a.flv"), "lies outside the works path");
    }

    @Test
    void dotDotEscapeIsRefusedEvenWhenItStartsInsideTheWorksPath() {
        assertRefused(blrecFile("VideoFileCompletedEvent", 23058, absolute("23058/../../outside/a.flv")),
                "data.path '" + works + "/23058/../../outside/a.flv': must not contain '..'");
    }

    @Test
    void linkLeadingOutsideIsRefused() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.createSymbolicLink(works.resolve("escape"), outside);

        assertRefused(blrecFile("VideoFileCompletedEvent", 23058, absolute("escape/a.flv")),
                "data.path '" + works.resolve("escape/a.flv") + "': resolves outside the works path");
    }

    @Test
    void relativePathOrTheWorksPathItselfIsRefused() {
        assertRefused(blrecFile("VideoFileCompletedEvent", 23058, BLREC_FILE), "data.path '" + BLREC_FILE
                + "': expected an absolute path");
        assertRefused(blrecFile("VideoFileCompletedEvent", 23058, works.toString()), "names the works path itself");
    }

    @Test
    void wrongTypesAreRefusedWithTheFieldNamed() {
        ObjectNode roomAsText = blrecFile("VideoFileCompletedEvent", 23058, absolute(BLREC_FILE));
        ((ObjectNode) roomAsText.get("data")).put("room_id", "23058");
        assertRefused(roomAsText, "data.room_id: expected a whole number, got string");

        ObjectNode fractionalRoom = blrecFile("VideoFileCompletedEvent", 23058, absolute(BLREC_FILE));
        ((ObjectNode) fractionalRoom.get("data")).put("room_id", 1.5);
        assertRefused(fractionalRoom, "data.room_id: expected a whole number, got 1.5");

        ObjectNode pathAsNumber = blrecFile("VideoFileCompletedEvent", 23058, absolute(BLREC_FILE));
        ((ObjectNode) pathAsNumber.get("data")).put("path", 5);
        assertRefused(pathAsNumber, "data.path: expected a string, got number");

        ObjectNode dataAsArray = blrecFile("VideoFileCompletedEvent", 23058, absolute(BLREC_FILE));
        dataAsArray.putArray("data");
        assertRefused(dataAsArray, "data: expected an object, got array");

        ObjectNode idAsNumber = blrecFile("VideoFileCompletedEvent", 23058, absolute(BLREC_FILE));
        idAsNumber.put("id", 7);
        assertRefused(idAsNumber, "id: expected a string, got number");
    }

    @Test
    void missingFieldsAreRefusedWithTheFieldNamed() {
        ObjectNode noPath = blrecFile("VideoFileCompletedEvent", 23058, absolute(BLREC_FILE));
        ((ObjectNode) noPath.get("data")).remove("path");
        assertRefused(noPath, "missing data.path");

        ObjectNode noRoom = blrecFile("VideoFileCompletedEvent", 23058, absolute(BLREC_FILE));
        ((ObjectNode) noRoom.get("data")).remove("room_id");
        assertRefused(noRoom, "missing data.room_id");

        for (String field : new String[] {"type", "id", "date"}) {
            ObjectNode body = blrecFile("VideoFileCompletedEvent", 23058, absolute(BLREC_FILE));
            body.remove(field);
            assertRefused(body, "missing " + field);
        }
        ObjectNode noData = blrecFile("VideoFileCompletedEvent", 23058, absolute(BLREC_FILE));
        noData.remove("data");
        assertRefused(noData, "data: expected an object, got nothing");
    }

    @Test
    void malformedOrEmptyBodiesAreRefused() {
        assertThatThrownBy(() -> reader.read("{\"type\":")).hasMessageStartingWith("malformed JSON");
        assertThatThrownBy(() -> reader.read(" ")).hasMessage("empty body: expected a blrec webhook JSON object");
        assertThatThrownBy(() -> reader.read("[]")).hasMessage("expected a JSON object, got array");
    }

    @Test
    void nglivesOwnEventNamesAreNotTakenAsBlrecTypes() {
        assertRefused(blrec("FileOpening", (ObjectNode) blrecFile("x", 23058, absolute(BLREC_FILE)).get("data")),
                "type: FileOpening is not a blrec event type");
    }

    private void assertRefused(ObjectNode body, String problem) {
        assertThatThrownBy(() -> reader.read(write(body)))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining(problem);
    }
}
