package io.nglive.webhook;

import static io.nglive.testing.OtherRecorders.DDTV_FILE;
import static io.nglive.testing.OtherRecorders.ddtv;
import static io.nglive.testing.OtherRecorders.ddtvRecordingEnd;
import static io.nglive.testing.OtherRecorders.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DDTV 5's messages (see io.nglive.testing.OtherRecorders for their sources) read as nglive's recorder events. */
class DdtvReaderTest {

    static final String FIXED = DDTV_FILE.replace("_original.flv", "_fix.mp4");

    @TempDir
    Path temp;

    Path works;
    DdtvReader reader;

    @BeforeEach
    void setUp() throws Exception {
        works = Files.createDirectories(temp.resolve("DDTV"));
        reader = new DdtvReader(new WorksPath(works));
    }

    private static ObjectNode files(ObjectNode message) {
        return (ObjectNode) message.get("data").get("DownInfo").get("DownloadFileList");
    }

    @Test
    void recordingEndClosesEachVideoFileWithTheRoomAndTitle() {
        DdtvReader.Message message = reader.read(write(ddtvRecordingEnd(23058, List.of(DDTV_FILE, FIXED))));

        assertThat(message.cmd()).isEqualTo("RecordingEnd");
        assertThat(message.recordings()).hasSize(2).allSatisfy(event -> {
            assertThat(event.type()).isEqualTo("FileClosed");
            assertThat(event.recorder()).isEqualTo("ddtv");
            assertThat(event.roomId()).isEqualTo(23058L);
            assertThat(event.fields()).containsEntry("title", "哔哩哔哩音悦台").containsEntry("name", "3号直播间");
            assertThat(event.id()).startsWith("ddtv:");
        });
        assertThat(message.recordings()).extracting(RecorderEvent::file).containsExactly(
                "Rec/23058_3号直播间/2026_12_05/2026_12_05_21_20_00_哔哩哔哩音悦台_original.flv",
                "Rec/23058_3号直播间/2026_12_05/2026_12_05_21_20_00_哔哩哔哩音悦台_fix.mp4");
        assertThat(message.recordings()).extracting(RecorderEvent::closesRecording).containsExactly(true, false);
    }

    @Test
    void theSameMessageGivesTheSameKeysAndEachFileItsOwn() {
        String body = write(ddtvRecordingEnd(23058, List.of(DDTV_FILE, FIXED)));

        List<String> first = reader.read(body).recordings().stream().map(RecorderEvent::id).toList();
        List<String> again = reader.read(body).recordings().stream().map(RecorderEvent::id).toList();

        assertThat(again).isEqualTo(first).doesNotHaveDuplicates();
        assertThat(reader.read(write(ddtvRecordingEnd(23059, List.of(DDTV_FILE)))).recordings().get(0).id())
                .as("another room's file").isNotEqualTo(first.get(0));
    }

    @Test
    void theSameFileWrittenDifferentlyIsTheSameRecording() {
        String absolute = works.resolve(DDTV_FILE.substring(2)).toString();
        String windows = DDTV_FILE.replace('/', '\\');

        List<RecorderEvent> events = reader.read(write(ddtvRecordingEnd(23058, List.of(DDTV_FILE, absolute, windows))))
                .recordings();

        assertThat(events).extracting(RecorderEvent::file).containsOnly(DDTV_FILE.substring(2));
        assertThat(events).extracting(RecorderEvent::id).containsOnly(events.get(0).id());
    }

    @Test
    void chineseNamesSpacesAndQuotesInThePathAreKept() {
        String file = "./Rec/23058_3号直播间/2026_12_05/2026_12_05_21_20_00_\"标题\" it's a $(test)_original.flv";

        assertThat(reader.read(write(ddtvRecordingEnd(23058, List.of(file)))).recordings().get(0).file())
                .isEqualTo(file.substring(2));
    }

    @Test
    void otherCmdsAreAnsweredWithoutBeingRead() {
        // StartRecording (40104) carries the same room card; its files are not taken, not even checked
        DdtvReader.Message message = reader.read(write(ddtv("StartRecording", 40104, 23058, List.of("/etc/passwd.flv"))));

        assertThat(message.cmd()).isEqualTo("StartRecording");
        assertThat(message.recordings()).isEmpty();
    }

    @Test
    void aCardLargerThanBililiveRecordersLimitIsRead() {
        ObjectNode body = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        ArrayNode danmu = ((ObjectNode) body.get("data").get("DownInfo").get("LiveChatListener"))
                .putObject("DanmuMessage").putArray("Danmu");
        for (int i = 0; i < 2000; i++) {
            danmu.addObject().put("time", i * 1.5).put("type", 0).put("Message", "弹幕 " + i).put("Nickname", "观众");
        }
        String text = write(body);
        assertThat(text.length()).isGreaterThan(WebhookReader.MAX_BODY);

        assertThat(reader.read(text).recordings()).singleElement()
                .satisfies(event -> assertThat(event.file()).isEqualTo(DDTV_FILE.substring(2)));
    }

    @Test
    void emptyNameAndTitleAreNone() {
        ObjectNode body = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        ((ObjectNode) body.get("data")).put("Name", "");
        ((ObjectNode) body.get("data").get("Title")).put("Value", "");

        assertThat(reader.read(write(body)).recordings().get(0).fields())
                .containsEntry("name", null).containsEntry("title", null);
    }

    @Test
    void noVideoFileMeansNoRecording() {
        assertThat(reader.read(write(ddtvRecordingEnd(23058, List.of()))).recordings()).isEmpty();
    }

    @Test
    void aFileOutsideTheWorksPathRefusesTheWholeMessageNamingIt() {
        assertRefused(ddtvRecordingEnd(23058, List.of(DDTV_FILE, "/etc/passwd.flv")),
                "data.DownInfo.DownloadFileList.VideoFile[1] '/etc/passwd.flv': lies outside the works path");
        assertRefused(ddtvRecordingEnd(23058, List.of("./Rec/../../outside/a.flv")),
                "VideoFile[0] './Rec/../../outside/a.flv': must not contain '..'");
        assertRefused(ddtvRecordingEnd(23058, List.of(".\\Rec\\..\\..\\a.flv")), "must not contain '..'");
        assertRefused(ddtvRecordingEnd(23058, List.of("D:\\DDTV\\Rec\\a_original.flv")), "lies outside the works path");
    }

    @Test
    void linkLeadingOutsideIsRefused() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.createSymbolicLink(works.resolve("Rec"), outside);

        assertRefused(ddtvRecordingEnd(23058, List.of(DDTV_FILE)),
                "VideoFile[0] '" + DDTV_FILE + "': resolves outside the works path");
    }

    @Test
    void wrongTypesAreRefusedWithTheFieldNamed() {
        ObjectNode roomAsText = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        ((ObjectNode) roomAsText.get("data")).put("RoomId", "23058");
        assertRefused(roomAsText, "data.RoomId: expected a whole number, got string");

        ObjectNode filesAsText = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        files(filesAsText).put("VideoFile", DDTV_FILE);
        assertRefused(filesAsText, "data.DownInfo.DownloadFileList.VideoFile: expected an array, got string");

        ObjectNode fileAsNumber = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        files(fileAsNumber).putArray("VideoFile").add(5);
        assertRefused(fileAsNumber, "data.DownInfo.DownloadFileList.VideoFile[0]: expected a string, got number");

        ObjectNode titleAsNumber = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        ((ObjectNode) titleAsNumber.get("data").get("Title")).put("Value", 5);
        assertRefused(titleAsNumber, "data.Title.Value: expected a string, got number");

        ObjectNode cmdAsNumber = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        cmdAsNumber.put("cmd", 40105);
        assertRefused(cmdAsNumber, "cmd: expected a string, got number");
    }

    @Test
    void missingFieldsAreRefusedWithTheFieldNamed() {
        ObjectNode noCmd = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        noCmd.remove("cmd");
        assertRefused(noCmd, "missing cmd");

        ObjectNode noDownInfo = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        ((ObjectNode) noDownInfo.get("data")).remove("DownInfo");
        assertRefused(noDownInfo, "data.DownInfo: expected an object, got nothing");

        ObjectNode noVideoFile = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        files(noVideoFile).remove("VideoFile");
        assertRefused(noVideoFile, "data.DownInfo.DownloadFileList.VideoFile: expected an array, got nothing");

        ObjectNode noRoom = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        ((ObjectNode) noRoom.get("data")).remove("RoomId");
        assertRefused(noRoom, "missing data.RoomId");

        ObjectNode nullData = ddtvRecordingEnd(23058, List.of(DDTV_FILE));
        nullData.putNull("data");
        assertRefused(nullData, "data: expected an object, got null");
    }

    @Test
    void malformedBodiesAreRefused() {
        assertThatThrownBy(() -> reader.read("{\"cmd\":\"RecordingEnd\"")).hasMessageStartingWith("malformed JSON");
        assertThatThrownBy(() -> reader.read("")).hasMessage("empty body: expected a DDTV webhook JSON object");
    }

    private void assertRefused(ObjectNode body, String problem) {
        assertThatThrownBy(() -> reader.read(write(body)))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining(problem);
    }
}
