package io.nglive.cluster;

import java.util.Objects;
import java.util.Set;

/**
 * A recording node as the central server sees it when it places rooms. {@code rooms} is the central server's own
 * count of the rooms placed on it (not the node's heartbeat), {@code capacity} 0 means no limit, and a free disk or
 * load the node has not reported yet is null.
 */
public record Node(String nodeId, String name, Presence presence, int capacity, Set<String> labels, int rooms,
        Long freeDisk, Double load) {

    /** Whether a node can take rooms, and whether its rooms must be placed elsewhere. */
    public enum Presence {
        CONNECTED,
        /** Silent for less than the node timeout: it keeps its rooms (it may still be recording) but gets no new ones. */
        DISCONNECTED,
        /** Silent for longer than the node timeout: its rooms are placed elsewhere. */
        LOST,
        /** Connected, but its rooms are managed in its recorder (webhook-only): it is given none. */
        WEBHOOK_ONLY
    }

    public Node {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(presence, "presence");
        labels = Set.copyOf(labels);
        if (capacity < 0 || rooms < 0) {
            throw new IllegalArgumentException("node " + nodeId + " needs capacity >= 0 and rooms >= 0, not "
                    + capacity + " and " + rooms);
        }
    }

    public boolean connected() {
        return presence == Presence.CONNECTED;
    }

    public boolean hasLabels(Set<String> required) {
        return labels.containsAll(required);
    }

    /** Whether one more room fits, beside {@code placed} rooms. */
    boolean fits(int placed) {
        return capacity == 0 || placed < capacity;
    }
}
