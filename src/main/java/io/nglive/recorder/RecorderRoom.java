package io.nglive.recorder;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A room as the recorder reports it (its RoomDto), reduced to what nglive shows. Read leniently: a missing or
 * odd field becomes a default, never an error, since the recorder's DTO grows between versions.
 */
public record RecorderRoom(long roomId, long shortId, String name, String title, String areaNameParent,
                           String areaNameChild, boolean autoRecord, boolean recording, boolean streaming,
                           boolean danmakuConnected) {

    static RecorderRoom from(JsonNode dto) {
        return new RecorderRoom(dto.path("roomId").asLong(0), dto.path("shortId").asLong(0), text(dto, "name"),
                text(dto, "title"), text(dto, "areaNameParent"), text(dto, "areaNameChild"),
                dto.path("autoRecord").asBoolean(false), dto.path("recording").asBoolean(false),
                dto.path("streaming").asBoolean(false), dto.path("danmakuConnected").asBoolean(false));
    }

    /** Whether {@code id} names this room, by its id or by its short id (as the recorder itself matches). */
    public boolean answersTo(long id) {
        return roomId == id || shortId != 0 && shortId == id;
    }

    /** The fields nglive's room answers and events carry. */
    public Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("shortId", shortId);
        fields.put("name", name);
        fields.put("title", title);
        fields.put("areaNameParent", areaNameParent);
        fields.put("areaNameChild", areaNameChild);
        fields.put("autoRecord", autoRecord);
        fields.put("recording", recording);
        fields.put("streaming", streaming);
        fields.put("danmakuConnected", danmakuConnected);
        return fields;
    }

    private static String text(JsonNode dto, String field) {
        JsonNode value = dto.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
