package io.nglive.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * From the node: a stored event ({@code FileClosed}, {@code UpEnded}...) or a heartbeat, in the same JSON as on
 * {@code /ws}; {@code seq} is the node's own.
 */
public record Event(long seq, String type, ObjectNode body) implements Frame {

    public boolean heartbeat() {
        return "heartbeat".equals(type);
    }
}
