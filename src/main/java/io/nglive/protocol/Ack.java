package io.nglive.protocol;

/** From the central server: every event up to {@code seq} is stored there. */
public record Ack(long seq) implements Frame {

    @Override
    public String type() {
        return "ack";
    }
}
