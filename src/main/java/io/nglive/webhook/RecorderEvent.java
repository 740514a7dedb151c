package io.nglive.webhook;

import java.util.Map;

/**
 * One event from a recorder (BililiveRecorder, blrec or DDTV), checked and with its data in nglive's field names
 * ({@code roomId}, {@code sessionId}, {@code file} for the RelativePath, {@code recorder}...).
 *
 * @param id     the key for deduplication: BililiveRecorder's EventId (v2) or EventRandomId (v1), or one of
 *               {@link SourceIds}
 * @param type   the EventType; a v1 body is a {@code FileClosed}, and other recorders' files are translated to
 *               {@code FileOpening} and {@code FileClosed}
 * @param known  whether nglive knows this type (unknown types are stored and otherwise ignored)
 * @param fields the event data, ready to be published
 */
public record RecorderEvent(String id, String type, boolean known, Map<String, Object> fields) {

    /** The recorders nglive takes webhooks from, as jobs and events name them. */
    public static final String BILILIVE_RECORDER = "bililive-recorder";
    public static final String BLREC = "blrec";
    public static final String DDTV = "ddtv";

    public long roomId() {
        return ((Number) fields.getOrDefault("roomId", 0L)).longValue();
    }

    public String recorder() {
        return (String) fields.get("recorder");
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
