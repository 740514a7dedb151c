package io.nglive.protocol;

/**
 * A frame of the central channel (docs/protocol.md): what a node and the central server send each other over the
 * node's WebSocket. {@link Frames} reads and writes them, so that both sides and the tests share one shape.
 */
public sealed interface Frame permits Hello, Ack, Command, Reply, Event {

    /** The frame's {@code type} on the wire. */
    String type();
}
