package io.nglive.webhook;

import static io.nglive.webhook.JsonBody.limit;
import static io.nglive.webhook.JsonBody.text;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads blrec's webhook bodies ({@code type}, {@code id}, {@code date}, {@code data}: blrec's
 * {@code src/blrec/event/models.py}) as nglive's recorder events. A video file created or completed becomes a
 * FileOpening or a FileClosed, so that the intake tracks and journals it as it does BililiveRecorder's; danmaku files
 * keep blrec's type; other types are stored as they came. blrec's paths are absolute and must lie in the works path.
 */
public final class BlrecReader {

    private static final Map<String, String> VIDEO_FILE = Map.of(
            "VideoFileCreatedEvent", "FileOpening",
            "VideoFileCompletedEvent", "FileClosed");
    private static final Set<String> DANMAKU_FILE = Set.of("DanmakuFileCreatedEvent", "DanmakuFileCompletedEvent");

    /** blrec's events take a few KiB (a room's description, an error's traceback); this bounds what one request stores. */
    private static final int MAX_BODY = WebhookReader.MAX_BODY;

    private final JsonBody json = new JsonBody();
    private final WorksPath works;

    public BlrecReader(WorksPath works) {
        this.works = works;
    }

    public RecorderEvent read(String body) {
        JsonNode root = json.object(body, "a blrec webhook", MAX_BODY);
        String type = text(root, "type", "type", true);
        String id = text(root, "id", "id", true);
        limit("type", type, 64);
        limit("id", id, 100);
        if (WebhookReader.KNOWN_TYPES.contains(type)) {
            // blrec has no such type, and nglive's recorder events must carry what their names promise
            throw new WebhookRejected("type: " + type + " is not a blrec event type");
        }
        String date = text(root, "date", "date", true);
        JsonNode data = JsonBody.object(root, "data", "data");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("eventId", id);
        fields.put("eventTimestamp", date);
        fields.put("recorder", RecorderEvent.BLREC);
        if (VIDEO_FILE.containsKey(type) || DANMAKU_FILE.contains(type)) {
            fields.put("roomId", JsonBody.wholeNumber(data, "room_id", "data.room_id"));
            fields.put("file", works.fromAbsolute("data.path", text(data, "path", "data.path", true)));
            return new RecorderEvent(SourceIds.blrec(id), VIDEO_FILE.getOrDefault(type, type), true, fields);
        }
        if (data.path("room_id").isIntegralNumber() && data.path("room_id").canConvertToLong()) {
            fields.put("roomId", data.get("room_id").longValue());
        }
        fields.put("data", json.plain(data));
        return new RecorderEvent(SourceIds.blrec(id), type, false, fields);
    }
}
