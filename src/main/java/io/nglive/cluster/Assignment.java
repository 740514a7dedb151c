package io.nglive.cluster;

/**
 * A room put on a node at a new epoch. {@code fromNodeId} is the node it was on (a {@code RoomMoved} event), or
 * null for a room that was on none (a {@code RoomPlaced} event). The write that stores it should check that the
 * room still has epoch {@code epoch - 1}, so that two decisions made from the same state cannot both apply.
 */
public record Assignment(long roomId, String fromNodeId, String toNodeId, long epoch) {

    public boolean moved() {
        return fromNodeId != null;
    }
}
