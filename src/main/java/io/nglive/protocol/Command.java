package io.nglive.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * From the central server: run a command of the room or job API. Read as it came, so that the node can answer a
 * malformed one with code 4002 and the same {@code id}.
 *
 * @param id    echoed in the reply, whatever JSON it is
 * @param args  the command's arguments, an object such as {@code {"roomid":23058}}; null when absent
 * @param epoch the room's placement epoch for a command about a room; null when the command has none
 */
public record Command(JsonNode id, String command, JsonNode args, Long epoch) implements Frame {

    @Override
    public String type() {
        return "command";
    }
}
