package io.nglive.webhook;

import static io.nglive.webhook.RecorderFixtures.V1_FILE_CLOSED_PATH;
import static io.nglive.webhook.RecorderFixtures.V2_FILE_CLOSED_PATH;
import static io.nglive.webhook.RecorderFixtures.v1FileClosed;
import static io.nglive.webhook.RecorderFixtures.v1With;
import static io.nglive.webhook.RecorderFixtures.v2;
import static io.nglive.webhook.RecorderFixtures.v2Data;
import static io.nglive.webhook.RecorderFixtures.v2With;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookReaderTest {

    @TempDir
    Path works;

    WebhookReader reader;

    @BeforeEach
    void setUp() {
        reader = new WebhookReader(new WorksPath(works));
    }

    static final java.util.List<String> V2_TYPES = RecorderFixtures.V2_TYPES;

    @ParameterizedTest
    @FieldSource("V2_TYPES")
    void everyV2FixtureIsReadAsItsKnownType(String type) {
        ObjectNode tree = RecorderFixtures.tree("v2-" + type + ".json");

        RecorderEvent event = reader.read(v2(type));

        assertThat(event.type()).isEqualTo(type);
        assertThat(event.known()).isTrue();
        assertThat(event.id()).isEqualTo(tree.get("EventId").asText());
        assertThat(event.roomId()).isEqualTo(23058L);
        assertThat(event.fields())
                .containsEntry("eventId", tree.get("EventId").asText())
                .containsEntry("eventTimestamp", tree.get("EventTimestamp").asText())
                .containsEntry("recorder", "bililive-recorder")
                .containsEntry("shortId", 3)
                .containsEntry("name", "3号直播间")
                .containsEntry("title", "哔哩哔哩音悦台")
                .containsEntry("areaNameParent", "电台")
                .containsEntry("areaNameChild", "唱见电台")
                .containsEntry("danmakuConnected", true);
    }

    @ParameterizedTest
    @FieldSource("V2_TYPES")
    void fieldNamesBecomeCamelCase(String type) {
        RecorderEvent event = reader.read(v2(type));

        assertThat(event.fields().keySet())
                .allSatisfy(key -> assertThat(Character.isLowerCase(key.charAt(0))).as(key).isTrue())
                .doesNotContain("RelativePath", "RoomId", "EventData");
    }

    @Test
    void fileClosedMapsEveryFieldAndRelativePathBecomesFile() {
        RecorderEvent event = reader.read(v2("FileClosed"));

        assertThat(event.fields())
                .containsEntry("sessionId", "7c7f3672-70ce-405a-aa12-886702ced6e5")
                .containsEntry("file", V2_FILE_CLOSED_PATH)
                .containsEntry("duration", 5740.872)
                .containsEntry("fileOpenTime", "2024-03-17T20:30:01.2496401+08:00")
                .containsEntry("fileCloseTime", "2024-03-17T22:05:43.9452017+08:00")
                .containsEntry("recording", true)
                .containsEntry("streaming", false)
                .doesNotContainKey("relativePath");
        assertThat(((Number) event.fields().get("fileSize")).longValue()).isEqualTo(4_123_456_789L);
        assertThat(event.file()).isEqualTo(V2_FILE_CLOSED_PATH);
        assertThat(event.closesRecording()).isTrue();
    }

    @Test
    void fileOpeningNamesTheFileButDoesNotCloseARecording() {
        RecorderEvent event = reader.read(v2("FileOpening"));

        assertThat(event.file()).isEqualTo(V2_FILE_CLOSED_PATH);
        assertThat(event.fields()).containsEntry("fileOpenTime", "2024-03-17T20:30:01.2496401+08:00");
        assertThat(event.closesRecording()).isFalse();
    }

    @Test
    void v1BodyIsReadAsFileClosedWithV2FieldNames() {
        RecorderEvent event = reader.read(v1FileClosed());

        assertThat(event.type()).isEqualTo("FileClosed");
        assertThat(event.known()).isTrue();
        assertThat(event.id()).isEqualTo("bc2d0a41-2711-4f9b-8619-e54104fe90d8");
        assertThat(event.roomId()).isEqualTo(14846654L);
        assertThat(event.file()).isEqualTo(V1_FILE_CLOSED_PATH);
        assertThat(event.closesRecording()).isTrue();
        assertThat(event.fields())
                .containsEntry("eventId", "bc2d0a41-2711-4f9b-8619-e54104fe90d8")
                .containsEntry("webhookVersion", 1)
                .containsEntry("name", "小司无常")
                .containsEntry("title", "【跨界冥神】打mua将！")
                .containsEntry("fileOpenTime", "2021-01-07T15:06:16.1387156+08:00")
                .containsEntry("fileCloseTime", "2021-01-07T16:06:16.1693244+08:00")
                .doesNotContainKeys("startRecordTime", "endRecordTime", "relativePath", "eventRandomId");
        assertThat(((Number) event.fields().get("fileSize")).longValue()).isEqualTo(3_749_098_123L);
    }

    @Test
    void unknownEventTypeIsAcceptedAsUnknown() {
        RecorderEvent event = reader.read(v2With("SessionStarted", root -> root.put("EventType", "RoomLocked")));

        assertThat(event.type()).isEqualTo("RoomLocked");
        assertThat(event.known()).isFalse();
        assertThat(event.roomId()).isEqualTo(23058L);
        assertThat(event.closesRecording()).isFalse();
    }

    @Test
    void unknownEventTypeNeedsNoRoomId() {
        RecorderEvent event = reader.read(v2With("SessionStarted", root -> {
            root.put("EventType", "SomethingNew");
            root.putObject("EventData").put("Anything", "goes");
        }));

        assertThat(event.known()).isFalse();
        assertThat(event.fields()).containsEntry("anything", "goes");
    }

    @Test
    void unknownDataFieldsPassThroughCamelCased() {
        RecorderEvent event = reader.read(v2Data("FileClosed", data -> {
            data.put("NewCounter", 7);
            data.putObject("NewNested").put("Inner", true);
        }));

        assertThat(event.fields()).containsEntry("newCounter", 7).containsEntry("newNested", Map.of("Inner", true));
    }

    @Test
    void durationMayBeAFraction() {
        RecorderEvent event = reader.read(v2Data("FileClosed", data -> data.put("Duration", 0)));

        assertThat(((Number) event.fields().get("duration")).doubleValue()).isZero();
    }

    /** Bodies that must be refused, and a part of the message that names the problem. */
    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"EventType\": ", "malformed JSON"),
                Arguments.of("trailing garbage inside", "{\"EventType\" \"FileClosed\"}", "malformed JSON"),
                Arguments.of("empty body", "", "empty body"),
                Arguments.of("blank body", " \n\t ", "empty body"),
                Arguments.of("JSON array", "[" + v2("FileClosed") + "]", "expected a JSON object"),
                Arguments.of("JSON string", "\"FileClosed\"", "expected a JSON object"),
                Arguments.of("JSON null", "null", "expected a JSON object"),
                Arguments.of("empty object", "{}", "EventType"),
                Arguments.of("missing EventType", v2With("FileClosed", r -> r.remove("EventType")), "EventType"),
                Arguments.of("null EventType", v2With("FileClosed", r -> r.putNull("EventType")), "EventType"),
                Arguments.of("numeric EventType", v2With("FileClosed", r -> r.put("EventType", 5)), "EventType"),
                Arguments.of("blank EventType", v2With("FileClosed", r -> r.put("EventType", " ")), "EventType"),
                Arguments.of("missing EventId", v2With("FileClosed", r -> r.remove("EventId")), "EventId"),
                Arguments.of("empty EventId", v2With("FileClosed", r -> r.put("EventId", "")), "EventId"),
                Arguments.of("object EventId", v2With("FileClosed", r -> r.putObject("EventId")), "EventId"),
                Arguments.of("missing EventTimestamp", v2With("FileClosed", r -> r.remove("EventTimestamp")),
                        "EventTimestamp"),
                Arguments.of("missing EventData", v2With("FileClosed", r -> r.remove("EventData")), "EventData"),
                Arguments.of("null EventData", v2With("FileClosed", r -> r.putNull("EventData")), "EventData"),
                Arguments.of("array EventData", v2With("FileClosed", r -> r.putArray("EventData")), "EventData"),
                Arguments.of("string EventData", v2With("FileClosed", r -> r.put("EventData", "{}")), "EventData"),
                Arguments.of("RoomId \"abc\"", v2Data("FileClosed", d -> d.put("RoomId", "abc")), "EventData.RoomId"),
                Arguments.of("RoomId as a string of digits", v2Data("SessionStarted", d -> d.put("RoomId", "23058")),
                        "EventData.RoomId"),
                Arguments.of("RoomId null", v2Data("SessionStarted", d -> d.putNull("RoomId")), "EventData.RoomId"),
                Arguments.of("RoomId missing", v2Data("SessionStarted", d -> d.remove("RoomId")), "EventData.RoomId"),
                Arguments.of("RoomId beyond a long", "{\"EventType\":\"SessionStarted\",\"EventTimestamp\":\"t\","
                        + "\"EventId\":\"x\",\"EventData\":{\"RoomId\":123456789012345678901234567890}}",
                        "EventData.RoomId"),
                Arguments.of("ShortId true", v2Data("SessionStarted", d -> d.put("ShortId", true)), "EventData.ShortId"),
                Arguments.of("FileSize \"x\"", v2Data("FileClosed", d -> d.put("FileSize", "x")), "EventData.FileSize"),
                Arguments.of("Duration \"long\"", v2Data("FileClosed", d -> d.put("Duration", "long")),
                        "EventData.Duration"),
                Arguments.of("Recording \"yes\"", v2Data("FileClosed", d -> d.put("Recording", "yes")),
                        "EventData.Recording"),
                Arguments.of("Streaming 1", v2Data("FileClosed", d -> d.put("Streaming", 1)), "EventData.Streaming"),
                Arguments.of("Title an object", v2Data("FileClosed", d -> d.putObject("Title")), "EventData.Title"),
                Arguments.of("SessionId a number", v2Data("FileClosed", d -> d.put("SessionId", 1)),
                        "EventData.SessionId"),
                Arguments.of("RelativePath 5", v2Data("FileClosed", d -> d.put("RelativePath", 5)),
                        "EventData.RelativePath"),
                Arguments.of("RelativePath null", v2Data("FileClosed", d -> d.putNull("RelativePath")),
                        "EventData.RelativePath"),
                Arguments.of("RelativePath missing from FileClosed", v2Data("FileClosed", d -> d.remove("RelativePath")),
                        "EventData.RelativePath"),
                Arguments.of("RelativePath missing from FileOpening",
                        v2Data("FileOpening", d -> d.remove("RelativePath")), "EventData.RelativePath"),
                Arguments.of("RelativePath absolute", v2Data("FileClosed", d -> d.put("RelativePath", "/etc/passwd")),
                        "RelativePath"),
                Arguments.of("RelativePath escaping", v2Data("FileClosed", d -> d.put("RelativePath", "a/../../x.flv")),
                        "RelativePath"),
                Arguments.of("RelativePath escaping in an unknown type", v2With("FileClosed", r -> {
                    r.put("EventType", "FileMoved");
                    ((ObjectNode) r.get("EventData")).put("RelativePath", "../x.flv");
                }), "RelativePath"),
                Arguments.of("v1 RoomId \"abc\"", v1With(r -> r.put("RoomId", "abc")), "RoomId"),
                Arguments.of("v1 RoomId missing", v1With(r -> r.remove("RoomId")), "RoomId"),
                Arguments.of("v1 FileSize \"x\"", v1With(r -> r.put("FileSize", "x")), "FileSize"),
                Arguments.of("v1 RelativePath null", v1With(r -> r.putNull("RelativePath")), "RelativePath"),
                Arguments.of("v1 RelativePath 5", v1With(r -> r.put("RelativePath", 5)), "RelativePath"),
                Arguments.of("v1 RelativePath absolute", v1With(r -> r.put("RelativePath", "/etc/passwd")),
                        "RelativePath"),
                Arguments.of("v1 EventRandomId empty", v1With(r -> r.put("EventRandomId", "")), "EventRandomId"),
                Arguments.of("v1 without RelativePath", v1With(r -> r.remove("RelativePath")), "RelativePath"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void wrongBodiesAreRejectedNamingTheProblem(String description, String body, String named) {
        assertThatThrownBy(() -> reader.read(body))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining(named);
    }

    @Test
    void nullBodyIsRejected() {
        assertThatThrownBy(() -> reader.read(null)).isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining("empty body");
    }

    @Test
    void fractionalRoomIdIsRejected() {
        String body = v2Data("FileClosed", d -> d.put("RoomId", 1.5));

        assertThatThrownBy(() -> reader.read(body))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining("EventData.RoomId");
    }

    @Test
    void fractionalFileSizeIsRejected() {
        String body = v2Data("FileClosed", d -> d.put("FileSize", 1.5));

        assertThatThrownBy(() -> reader.read(body))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining("EventData.FileSize");
    }

    @Test
    void bodyLongerThanAnyRecorderEventIsRefusedWithTheLimitNamed() {
        String padded = v2("SessionStarted").replaceFirst("\"EventData\"\\s*:\\s*\\{",
                "\"EventData\": {\"Extra\": \"" + "x".repeat(WebhookReader.MAX_BODY) + "\",");

        assertThatThrownBy(() -> reader.read(padded))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining("body of " + padded.length() + " characters")
                .hasMessageContaining(String.valueOf(WebhookReader.MAX_BODY));
        assertThat(reader.read(v2("SessionStarted").replaceFirst("\"EventData\"\\s*:\\s*\\{",
                "\"EventData\": {\"Extra\": \"" + "x".repeat(WebhookReader.MAX_BODY - 1000) + "\",")).type())
                .isEqualTo("SessionStarted");
    }

    @Test
    void deeplyNestedArraysInsideEventDataAreRejectedCleanly() {
        int depth = 10_000;
        String nested = "[".repeat(depth) + "]".repeat(depth);
        String body = v2("SessionStarted").replaceFirst("\"EventData\"\\s*:\\s*\\{",
                "\"EventData\": {\"Extra\": " + nested + ",");

        Throwable thrown = catchThrowable(() -> reader.read(body));

        assertThat(thrown).isExactlyInstanceOf(WebhookRejected.class);
    }

    @Test
    void deeplyNestedObjectsAreRejectedCleanly() {
        int depth = 10_000;
        String nested = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        String body = v2("SessionStarted").replaceFirst("\"EventData\"\\s*:\\s*\\{",
                "\"EventData\": {\"Extra\": " + nested + ",");

        Throwable thrown = catchThrowable(() -> reader.read(body));

        assertThat(thrown).isExactlyInstanceOf(WebhookRejected.class);
    }

    @Test
    void modestNestingInAnUnknownFieldIsKept() {
        String body = v2("SessionStarted").replaceFirst("\"EventData\"\\s*:\\s*\\{",
                "\"EventData\": {\"Extra\": [[[[[[[[1]]]]]]]],");

        RecorderEvent event = reader.read(body);

        assertThat(event.fields()).containsKey("extra");
    }

    @Test
    void longTitleIsKeptWhole() {
        String title = "直播".repeat(20_000);

        RecorderEvent event = reader.read(v2Data("FileClosed", d -> d.put("Title", title)));

        assertThat(event.fields().get("title")).isEqualTo(title);
    }

    @Test
    void hugeStringIsRejectedCleanly() {
        String huge = "x".repeat(3 * 1024 * 1024);
        String body = v2Data("FileClosed", d -> d.put("Title", huge));

        Throwable thrown = catchThrowable(() -> reader.read(body));

        assertThat(thrown).isExactlyInstanceOf(WebhookRejected.class);
        assertThat(thrown.getMessage()).hasSizeLessThan(2_000);
    }

    @Test
    void hugeRelativePathIsHandled() {
        String path = "房间/" + "录".repeat(200_000) + ".flv";

        Throwable thrown = catchThrowable(() -> reader.read(v2Data("FileClosed", d -> d.put("RelativePath", path))));

        assertThat(thrown).as("accepted, or rejected as a webhook error").satisfiesAnyOf(
                t -> assertThat(t).isNull(),
                t -> assertThat(t).isExactlyInstanceOf(WebhookRejected.class));
        if (thrown != null) {
            assertThat(thrown.getMessage()).hasSizeLessThan(2_000);
        }
    }

    @Test
    void unknownFieldNamedLikeFileNeverCrashesTheReader() {
        String body = v2Data("SessionStarted", d -> d.put("File", 5));

        Throwable thrown = catchThrowable(() -> reader.read(body));

        assertThat(thrown).as("accepted, or rejected as a webhook error").satisfiesAnyOf(
                t -> assertThat(t).isNull(),
                t -> assertThat(t).isExactlyInstanceOf(WebhookRejected.class));
    }

    @Test
    void unknownFieldNamedLikeFileCannotSmuggleAnEscapingPath() {
        String body = v2Data("FileClosed", d -> d.put("File", "../../etc/passwd.flv"));

        Throwable thrown = catchThrowable(() -> reader.read(body));

        if (thrown == null) {
            assertThat(reader.read(body).file()).isEqualTo(V2_FILE_CLOSED_PATH);
        } else {
            assertThat(thrown).isExactlyInstanceOf(WebhookRejected.class);
        }
    }

    @Test
    void readingTheSameBodyTwiceGivesTheSameEvent() {
        assertThat(reader.read(v2("FileClosed"))).isEqualTo(reader.read(v2("FileClosed")));
    }
}
