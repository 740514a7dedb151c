package io.nglive.webhook;

import static io.nglive.webhook.JsonBody.describe;
import static io.nglive.webhook.JsonBody.limit;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;

/**
 * Reads BililiveRecorder webhook bodies: v2 (an envelope with EventType, EventTimestamp, EventId and EventData)
 * and the legacy v1 body (flat, a closed file). Types are checked field by field, so a wrong body is refused with
 * the name of the field at fault rather than half stored.
 */
public final class WebhookReader {

    static final Set<String> KNOWN_TYPES = Set.of(
            "SessionStarted", "SessionEnded", "FileOpening", "FileClosed", "StreamStarted", "StreamEnded");

    private static final Map<String, JsonNodeType> DATA_TYPES = Map.ofEntries(
            Map.entry("RoomId", JsonNodeType.NUMBER),
            Map.entry("ShortId", JsonNodeType.NUMBER),
            Map.entry("Name", JsonNodeType.STRING),
            Map.entry("Title", JsonNodeType.STRING),
            Map.entry("AreaNameParent", JsonNodeType.STRING),
            Map.entry("AreaNameChild", JsonNodeType.STRING),
            Map.entry("Recording", JsonNodeType.BOOLEAN),
            Map.entry("Streaming", JsonNodeType.BOOLEAN),
            Map.entry("DanmakuConnected", JsonNodeType.BOOLEAN),
            Map.entry("SessionId", JsonNodeType.STRING),
            Map.entry("RelativePath", JsonNodeType.STRING),
            Map.entry("FileSize", JsonNodeType.NUMBER),
            Map.entry("Duration", JsonNodeType.NUMBER),
            Map.entry("FileOpenTime", JsonNodeType.STRING),
            Map.entry("FileCloseTime", JsonNodeType.STRING));

    /** v1 fields, with the v2 name each one becomes. */
    private static final Map<String, String> V1_FIELDS = Map.of(
            "RoomId", "RoomId",
            "Name", "Name",
            "Title", "Title",
            "RelativePath", "RelativePath",
            "FileSize", "FileSize",
            "StartRecordTime", "FileOpenTime",
            "EndRecordTime", "FileCloseTime");

    /** Names nglive's events use for their own fields or for checked recorder fields: unknown fields never take them. */
    private static final Set<String> RESERVED = Set.of("type", "seq", "time", "node", "jobId", "eventId", "recorder",
            "eventTimestamp", "webhookVersion", "file", "roomId", "shortId", "name", "title", "areaNameParent",
            "areaNameChild", "recording", "streaming", "danmakuConnected", "sessionId", "fileSize", "duration",
            "fileOpenTime", "fileCloseTime");

    /**
     * The longest body read, in characters. The recorder's events are under 2 KiB; this leaves room for a 4000-character
     * path written in JSON's unicode escapes.
     */
    static final int MAX_BODY = 64 * 1024;

    private final JsonBody json = new JsonBody();
    private final WorksPath works;

    public WebhookReader(WorksPath works) {
        this.works = works;
    }

    public RecorderEvent read(String body) {
        JsonNode root = json.object(body, "a BililiveRecorder webhook", MAX_BODY);
        if (root.has("EventType")) {
            return readV2(root);
        }
        if (root.has("EventRandomId") && root.has("RelativePath")) {
            return readV1(root);
        }
        throw new WebhookRejected("missing envelope: a v2 body needs EventType, EventTimestamp, EventId and EventData"
                + " (a v1 body needs EventRandomId and RelativePath)");
    }

    private RecorderEvent readV2(JsonNode root) {
        String type = text(root, "EventType", true);
        String id = text(root, "EventId", true);
        limit("EventType", type, 64);
        limit("EventId", id, 128);
        String timestamp = text(root, "EventTimestamp", true);
        JsonNode data = root.get("EventData");
        if (data == null || !data.isObject()) {
            throw new WebhookRejected("EventData: expected an object, got " + describe(data));
        }
        boolean known = KNOWN_TYPES.contains(type);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("eventId", id);
        fields.put("eventTimestamp", timestamp);
        fields.put("recorder", RecorderEvent.BILILIVE_RECORDER);
        fields.putAll(dataFields(data, "EventData."));
        if (known) {
            require(data, "RoomId", "EventData.");
            if (type.equals("FileOpening") || type.equals("FileClosed")) {
                require(data, "RelativePath", "EventData.");
            }
        }
        return new RecorderEvent(id, type, known, checkPath(fields));
    }

    private RecorderEvent readV1(JsonNode root) {
        String id = text(root, "EventRandomId", true);
        limit("EventRandomId", id, 128);
        ObjectNodeView data = new ObjectNodeView();
        for (Map.Entry<String, String> f : V1_FIELDS.entrySet()) {
            if (root.has(f.getKey())) {
                data.put(f.getValue(), root.get(f.getKey()), f.getKey());
            }
        }
        require(root, "RoomId", "");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("eventId", id);
        fields.put("webhookVersion", 1);
        fields.put("recorder", RecorderEvent.BILILIVE_RECORDER);
        for (Map.Entry<String, JsonNode> e : data.values.entrySet()) {
            fields.put(fieldName(e.getKey()), value(e.getValue(), e.getKey(), data.original.get(e.getKey())));
        }
        return new RecorderEvent(id, "FileClosed", true, checkPath(fields));
    }

    private Map<String, Object> dataFields(JsonNode data, String prefix) {
        Map<String, Object> fields = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = data.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = fieldName(e.getKey());
            if (!DATA_TYPES.containsKey(e.getKey()) && RESERVED.contains(name)) {
                continue; // e.g. "File" or "roomId": would shadow a checked field
            }
            fields.put(name, value(e.getValue(), e.getKey(), prefix + e.getKey()));
        }
        return fields;
    }

    /** Checks a known field's type; unknown fields pass as they are (the recorder may add some). */
    private Object value(JsonNode node, String name, String displayName) {
        JsonNodeType expected = DATA_TYPES.get(name);
        if (node.isNull()) {
            if (name.equals("RoomId") || name.equals("RelativePath")) {
                throw new WebhookRejected(displayName + ": must not be null");
            }
            return null;
        }
        if (expected != null && node.getNodeType() != expected) {
            throw new WebhookRejected(displayName + ": expected a " + expected.name().toLowerCase(Locale.ROOT)
                    + ", got " + describe(node));
        }
        if (expected == JsonNodeType.NUMBER && !name.equals("Duration")
                && !(node.isIntegralNumber() && node.canConvertToLong())) {
            throw new WebhookRejected(displayName + ": expected a whole number, got " + node);
        }
        if (name.equals("SessionId") && node.asText().length() > 128) {
            throw new WebhookRejected(displayName + ": longer than 128 characters");
        }
        return json.plain(node);
    }

    private Map<String, Object> checkPath(Map<String, Object> fields) {
        Object file = fields.get("file");
        if (file != null) {
            works.resolve((String) file);
        }
        return fields;
    }

    private static void require(JsonNode data, String name, String prefix) {
        if (!data.has(name)) {
            throw new WebhookRejected("missing " + prefix + name);
        }
    }

    private static String text(JsonNode root, String name, boolean required) {
        return JsonBody.text(root, name, name, required);
    }

    /** RoomId → roomId, and RelativePath → file, the name nglive's events use. */
    static String fieldName(String recorderName) {
        if (recorderName.equals("RelativePath")) {
            return "file";
        }
        return recorderName.isEmpty() ? recorderName
                : Character.toLowerCase(recorderName.charAt(0)) + recorderName.substring(1);
    }

    /** v1 fields renamed to their v2 names, remembering the original name for error messages. */
    private static final class ObjectNodeView {
        final Map<String, JsonNode> values = new LinkedHashMap<>();
        final Map<String, String> original = new LinkedHashMap<>();

        void put(String v2Name, JsonNode node, String v1Name) {
            values.put(v2Name, node);
            original.put(v2Name, v1Name);
        }
    }
}
