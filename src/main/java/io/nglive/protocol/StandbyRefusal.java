package io.nglive.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A standby central instance's answer to everything but its health (docs/protocol.md, "Connection"): HTTP 503 with
 * {@code Retry-After} and {@code {"error": words, "leader": "host:port" or null}}. The standby writes it and the node
 * reads it from a refused handshake, so both sides use this one shape.
 */
public record StandbyRefusal(String error, String leader) {

    public static final int STATUS = 503;
    /** How soon a node may try again: an election takes a few seconds. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The refusal of a standby that knows the leader ({@code leader}) or not (empty). */
    public static StandbyRefusal of(Optional<String> leader) {
        return new StandbyRefusal("this central server is a standby: " + leader.map(l -> l + " leads")
                .orElse("the leader is not known yet"), leader.orElse(null));
    }

    /** The JSON body. */
    public String json() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("leader", leader);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A 503's body read as a standby's refusal; empty when it is not one (a proxy's 503 has no {@code leader}). A blank
     * leader reads as none.
     */
    public static Optional<StandbyRefusal> read(String body) {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (JsonProcessingException notJson) {
            return Optional.empty();
        }
        if (answer == null || !answer.has("leader")) {
            return Optional.empty();
        }
        JsonNode leader = answer.get("leader");
        return Optional.of(new StandbyRefusal(answer.path("error").asText(""),
                leader.isTextual() && !leader.asText().isBlank() ? leader.asText().trim() : null));
    }
}
