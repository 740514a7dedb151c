package io.nglive.webhook;

import static io.nglive.webhook.JsonBody.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads DDTV 5's webhook bodies: its operation messages ({@code cmd}, {@code code}, {@code message}, and the room's
 * card as {@code data}: DDTV's {@code Core/LogModule/OperationQueue.cs} and {@code Core/RuntimeObject/RoomInfo.cs}).
 * A {@code RecordingEnd} makes each file of {@code data.DownInfo.DownloadFileList.VideoFile} a FileClosed; every other
 * cmd is answered and not stored. Paths are relative to DDTV's directory, which is the works path, or absolute in it.
 */
public final class DdtvReader {

    static final String RECORDING_END = "RecordingEnd";

    /** A message: its cmd, and the recordings it closes (none for any cmd but RecordingEnd). */
    public record Message(String cmd, List<RecorderEvent> recordings) {
    }

    /**
     * DDTV sends its whole room card with every cmd, danmaku not yet saved included: no bound below the HTTP limit,
     * as only the fields read here are stored.
     */
    private static final int MAX_BODY = Integer.MAX_VALUE;

    private final JsonBody json = new JsonBody();
    private final WorksPath works;

    public DdtvReader(WorksPath works) {
        this.works = works;
    }

    public Message read(String body) {
        JsonNode root = json.object(body, "a DDTV webhook", MAX_BODY);
        String cmd = text(root, "cmd", "cmd", true);
        if (!cmd.equals(RECORDING_END)) {
            return new Message(cmd, List.of());
        }
        JsonNode data = JsonBody.object(root, "data", "data");
        long roomId = JsonBody.wholeNumber(data, "RoomId", "data.RoomId");
        String name = textOrNull(data, "Name", "data.Name");
        String title = data.has("Title") && !data.get("Title").isNull()
                ? textOrNull(JsonBody.object(data, "Title", "data.Title"), "Value", "data.Title.Value") : null;
        JsonNode files = JsonBody.object(JsonBody.object(data, "DownInfo", "data.DownInfo"), "DownloadFileList",
                "data.DownInfo.DownloadFileList").get("VideoFile");
        String shownAs = "data.DownInfo.DownloadFileList.VideoFile";
        if (files == null || !files.isArray()) {
            throw new WebhookRejected(shownAs + ": expected an array, got " + JsonBody.describe(files));
        }
        // every path is checked before anything is stored: one file outside the works path refuses the message
        List<RecorderEvent> recordings = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            JsonNode file = files.get(i);
            String at = shownAs + "[" + i + "]";
            if (!file.isTextual()) {
                throw new WebhookRejected(at + ": expected a string, got " + JsonBody.describe(file));
            }
            String relative = works.fromAbsoluteOrRelative(at, file.asText());
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("recorder", RecorderEvent.DDTV);
            fields.put("roomId", roomId);
            fields.put("name", name);
            fields.put("title", title);
            fields.put("file", relative);
            recordings.add(new RecorderEvent(SourceIds.ddtv(cmd, roomId, relative), "FileClosed", true, fields));
        }
        return new Message(cmd, recordings);
    }

    /** DDTV writes an empty string for a name or title it does not know yet. */
    private static String textOrNull(JsonNode parent, String name, String shownAs) {
        JsonNode node = parent.get(name);
        return node == null || node.isTextual() && node.asText().isBlank() ? null : text(parent, name, shownAs, false);
    }
}
