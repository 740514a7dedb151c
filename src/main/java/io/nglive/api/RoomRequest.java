package io.nglive.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.protocol.Frames;

/**
 * The JSON body of a request that adds a room: {@code {"roomId":23058,"autoRecord":false}}, in nglive's casing, the
 * recorder's ({@code RoomId}, {@code AutoRecord}) or the original API's ({@code roomid}). Other fields are ignored;
 * a change of a room's autoRecord ({@link #autoRecordChange}) takes nothing else.
 *
 * @param roomId     the room id as written (checked by the caller), or null when the body names none
 * @param autoRecord null when the body does not say
 */
public record RoomRequest(String roomId, Boolean autoRecord) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXAMPLE = "{\"roomId\": 23058, \"autoRecord\": true}";
    private static final String CHANGE_EXAMPLE = "{\"autoRecord\": false}";
    private static final List<String> AUTO_RECORD = List.of("autoRecord", "AutoRecord", "autorecord");

    static final RoomRequest EMPTY = new RoomRequest(null, null);

    public static RoomRequest parse(String body) {
        if (body == null || body.isBlank()) {
            return EMPTY;
        }
        JsonNode node = object(body, RoomsApi.BAD_ROOM_ID, EXAMPLE);
        JsonNode id = field(node, RoomsApi.BAD_ROOM_ID, "roomId", "RoomId", "roomid");
        if (id != null && !id.isIntegralNumber() && !id.isTextual()) {
            throw new ApiError(400, RoomsApi.BAD_ROOM_ID, "roomId must be a whole number, not " + shown(id));
        }
        JsonNode autoRecord = field(node, JobsApi.BAD_ARGUMENT, AUTO_RECORD.toArray(String[]::new));
        if (autoRecord != null && !autoRecord.isBoolean()) {
            throw new ApiError(400, JobsApi.BAD_ARGUMENT, "autoRecord must be true or false, not " + shown(autoRecord));
        }
        return new RoomRequest(id == null ? null : id.asText(), autoRecord == null ? null : autoRecord.asBoolean());
    }

    /**
     * The new autoRecord of a room that is there: a body such as {@code {"autoRecord": false}} (in the casings above,
     * and nothing else), or the text of a parameter ({@code ?autoRecord=false}, the central server's command).
     */
    public static boolean autoRecordChange(String parameter, String body) {
        Boolean fromParameter = parameter == null ? null : bool("autoRecord", parameter);
        if (body == null || body.isBlank()) {
            if (fromParameter == null) {
                throw new ApiError(400, JobsApi.BAD_ARGUMENT, "say whether to record the room automatically: "
                        + CHANGE_EXAMPLE);
            }
            return fromParameter;
        }
        JsonNode node = object(body, JobsApi.BAD_ARGUMENT, CHANGE_EXAMPLE);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!AUTO_RECORD.contains(name)) {
                throw new ApiError(400, JobsApi.BAD_ARGUMENT, "only autoRecord can be changed, not \""
                        + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "\": " + CHANGE_EXAMPLE);
            }
        }
        JsonNode autoRecord = field(node, JobsApi.BAD_ARGUMENT, AUTO_RECORD.toArray(String[]::new));
        if (autoRecord == null) {
            throw new ApiError(400, JobsApi.BAD_ARGUMENT, "the body has no autoRecord: " + CHANGE_EXAMPLE);
        }
        if (!autoRecord.isBoolean()) {
            throw new ApiError(400, JobsApi.BAD_ARGUMENT, "autoRecord must be true or false, not " + shown(autoRecord));
        }
        if (fromParameter != null && fromParameter != autoRecord.asBoolean()) {
            throw new ApiError(400, JobsApi.BAD_ARGUMENT, "the parameter says autoRecord=" + fromParameter
                    + " and the body " + autoRecord.asBoolean());
        }
        return autoRecord.asBoolean();
    }

    /** The body as a JSON object, or 400 with {@code code} saying what was expected. */
    private static JsonNode object(String body, int code, String example) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, code, "expected a JSON body like " + example + ": " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ApiError(400, code, "expected a JSON object like " + example);
        }
        return node;
    }

    /** A true or false given as text (a query parameter, a command's argument). */
    static Boolean bool(String name, String text) {
        String value = text.trim();
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new ApiError(400, JobsApi.BAD_ARGUMENT, name + " must be true or false, not '"
                    + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /**
     * How many nodes record a room ({@code replicas}, a parameter or a body's field as text): 1 or 2; absent (null) is
     * 1, anything else 4002 naming it.
     */
    public static int replicas(String text) {
        if (text == null) {
            return 1;
        }
        String value = text.trim();
        if (!value.equals("1") && !value.equals("2")) {
            throw new ApiError(400, JobsApi.BAD_ARGUMENT, "replicas must be 1 or 2 (how many nodes record the room), "
                    + "not '" + Frames.shown(value) + "'");
        }
        return Integer.parseInt(value);
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** The one field of these names that is present and not null; two of them at once are ambiguous. */
    private static JsonNode field(JsonNode body, int code, String... names) {
        List<String> present = new ArrayList<>();
        JsonNode found = null;
        for (String name : names) {
            JsonNode value = body.get(name);
            if (value != null && !value.isNull()) {
                present.add(name);
                found = value;
            }
        }
        if (present.size() > 1) {
            throw new ApiError(400, code, "give " + names[0] + " once, not as " + String.join(" and ", present));
        }
        return found;
    }
}
