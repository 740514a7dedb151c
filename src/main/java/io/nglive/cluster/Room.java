package io.nglive.cluster;

import java.util.Set;

/**
 * A room of the cluster's room list: the labels a node needs to record it, the node it is placed on (null when
 * unplaced) and the epoch of that placement (0 before the first one).
 */
public record Room(long roomId, Set<String> requiredLabels, String nodeId, long epoch) {

    public Room {
        requiredLabels = Set.copyOf(requiredLabels);
        if (epoch < 0) {
            throw new IllegalArgumentException("room " + roomId + " needs epoch >= 0, not " + epoch);
        }
    }

    /** The epoch of the room's next placement: every placement, move and adoption takes a new one. */
    public long nextEpoch() {
        return epoch + 1;
    }

    /**
     * Whether a node's message about this room comes from before its latest placement, so that a node the room
     * moved away from cannot overwrite what the room's current node says.
     */
    public boolean isStale(long messageEpoch) {
        return messageEpoch < epoch;
    }
}
