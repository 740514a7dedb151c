package io.nglive.recorder;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A room as the recorder reports it (its RoomDto), reduced to what nglive shows. Read leniently: a missing or
 * odd field becomes a default, never an error, since the recorder's DTO grows between versions.
 *
 * @param recordingSince when the recording session began: the time the room was read minus the recorder's
 *                       {@code recordingStats.sessionDuration}; null when it is not recording or does not say
 */
public record RecorderRoom(long roomId, long shortId, String name, String title, String areaNameParent,
                           String areaNameChild, boolean autoRecord, boolean recording, boolean streaming,
                           boolean danmakuConnected, Instant recordingSince) {

    /** A session longer than this (about 31 years) is a number gone wrong, not a session. */
    private static final double LONGEST_SESSION_MILLIS = 1e12;

    static RecorderRoom from(JsonNode dto) {
        return from(dto, Instant.now());
    }

    /** The room in {@code dto}, read from the recorder at {@code read}. */
    static RecorderRoom from(JsonNode dto, Instant read) {
        boolean recording = dto.path("recording").asBoolean(false);
        return new RecorderRoom(dto.path("roomId").asLong(0), dto.path("shortId").asLong(0), text(dto, "name"),
                text(dto, "title"), text(dto, "areaNameParent"), text(dto, "areaNameChild"),
                dto.path("autoRecord").asBoolean(false), recording, dto.path("streaming").asBoolean(false),
                dto.path("danmakuConnected").asBoolean(false),
                recording ? sessionStart(dto.path("recordingStats").path("sessionDuration"), read) : null);
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
        fields.put("recordingSince", recordingSince == null ? null : recordingSince.toString());
        return fields;
    }

    /**
     * {@code read} minus the session's duration in milliseconds; null for "NaN" (quoted or not), a missing value or
     * one that is not a duration.
     */
    private static Instant sessionStart(JsonNode sessionDuration, Instant read) {
        double millis;
        if (sessionDuration.isNumber()) {
            millis = sessionDuration.asDouble();
        } else if (sessionDuration.isTextual()) {
            try {
                millis = Double.parseDouble(sessionDuration.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        if (!(millis >= 0 && millis < LONGEST_SESSION_MILLIS)) {
            return null; // NaN fails both comparisons
        }
        return read.minusNanos(Math.round(millis * 1_000_000));
    }

    private static String text(JsonNode dto, String field) {
        JsonNode value = dto.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
