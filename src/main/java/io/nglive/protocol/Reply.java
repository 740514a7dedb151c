package io.nglive.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * From the node: a command's answer, the same {@code code}, {@code message} and {@code data} as its HTTP twin.
 *
 * @param data    the answer's data when code is 0; null otherwise
 * @param message why, when code is not 0; null otherwise
 */
public record Reply(JsonNode id, int code, String message, JsonNode data) implements Frame {

    @Override
    public String type() {
        return "reply";
    }

    public boolean ok() {
        return code == 0;
    }
}
