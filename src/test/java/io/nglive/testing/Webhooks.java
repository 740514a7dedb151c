package io.nglive.testing;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** BililiveRecorder webhook v2 bodies, shaped like the recorder's own (see shared/fixtures/bililive-recorder). */
public final class Webhooks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Webhooks() {
    }

    public static String fileClosed(long roomId, String relativePath) {
        return fileClosed(UUID.randomUUID().toString(), roomId, relativePath);
    }

    public static String fileClosed(String eventId, long roomId, String relativePath) {
        Map<String, Object> data = data(roomId);
        data.put("SessionId", "7c7f3672-70ce-405a-aa12-886702ced6e5");
        data.put("RelativePath", relativePath);
        data.put("FileSize", 1234);
        data.put("Duration", 4.0);
        data.put("FileOpenTime", OffsetDateTime.now().minusSeconds(4).toString());
        data.put("FileCloseTime", OffsetDateTime.now().toString());
        return envelope("FileClosed", eventId, data);
    }

    /** A FileClosed of the recorder's session {@code sessionId} (each recorder names its sessions itself). */
    public static String fileClosed(long roomId, String relativePath, String sessionId) {
        return fileClosed(UUID.randomUUID().toString(), roomId, relativePath).replace(
                "7c7f3672-70ce-405a-aa12-886702ced6e5", sessionId);
    }

    /** SessionStarted or SessionEnded of the recorder's session {@code sessionId}. */
    public static String session(String type, long roomId, String sessionId) {
        Map<String, Object> data = data(roomId);
        data.put("SessionId", sessionId);
        return envelope(type, UUID.randomUUID().toString(), data);
    }

    public static String sessionEnded(long roomId) {
        Map<String, Object> data = data(roomId);
        data.put("SessionId", "7c7f3672-70ce-405a-aa12-886702ced6e5");
        return envelope("SessionEnded", UUID.randomUUID().toString(), data);
    }

    public static String envelope(String type, String eventId, Map<String, Object> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("EventType", type);
        body.put("EventTimestamp", OffsetDateTime.now().toString());
        body.put("EventId", eventId);
        body.put("EventData", data);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> data(long roomId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("RoomId", roomId);
        data.put("ShortId", 0);
        data.put("Name", "3号直播间");
        data.put("Title", "哔哩哔哩音悦台");
        data.put("AreaNameParent", "电台");
        data.put("AreaNameChild", "唱见电台");
        data.put("Recording", true);
        data.put("Streaming", true);
        data.put("DanmakuConnected", true);
        return data;
    }
}
