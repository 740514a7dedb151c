package io.nglive.webhook;

import java.util.Map;

/**
 * One event from BililiveRecorder, checked and with its data in nglive's field names ({@code roomId},
 * {@code sessionId}, {@code file} for the RelativePath...).
 *
 * @param id     the recorder's EventId (v2) or EventRandomId (v1): the key for deduplication
 * @param type   the EventType; a v1 body is a {@code FileClosed}
 * @param known  whether nglive knows this type (unknown types are stored and otherwise ignored)
 * @param fields the event data, ready to be published
 */
public record RecorderEvent(String id, String type, boolean known, Map<String, Object> fields) {

    public long roomId() {
        return ((Number) fields.getOrDefault("roomId", 0L)).longValue();
    }

    /** The recording's path relative to the works path, when the event names one. */
    public String file() {
        return (String) fields.get("file");
    }

    /** A closed FLV recording: the events that create a job. */
    public boolean closesRecording() {
        return "FileClosed".equals(type) && file() != null && file().toLowerCase(java.util.Locale.ROOT).endsWith(".flv");
    }
}
