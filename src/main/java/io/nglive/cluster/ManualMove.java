package io.nglive.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operator's move of a room to a node they name ({@code POST /api/rooms/{id}/move}): the one way a room leaves
 * a healthy node. The target must be able to take the room as an automatic placement would; the node the room
 * leaves gives it up as {@link Handover#giveUp} says.
 */
public final class ManualMove {

    /** Either the assignment to store or the reason the move is refused. */
    public record Outcome(Assignment assignment, String refusal) {

        public boolean refused() {
            return refusal != null;
        }
    }

    private ManualMove() {
    }

    /** {@code target} is a node id or, when no id matches, a node name. */
    public static Outcome decide(Room room, String target, Collection<Node> nodes) {
        Node node = nodes.stream().filter(n -> n.nodeId().equals(target)).findFirst().orElse(null);
        if (node == null) {
            List<Node> named = nodes.stream().filter(n -> Objects.equals(n.name(), target)).toList();
            if (named.isEmpty()) {
                return refuse("no node is called " + target);
            }
            if (named.size() > 1) {
                return refuse(named.size() + " nodes are called " + target + ": name one by its nodeId");
            }
            node = named.get(0);
        }
        if (node.nodeId().equals(room.nodeId())) {
            return refuse("room " + room.roomId() + " is already on node " + node.name());
        }
        if (!node.connected()) {
            return refuse("node " + node.name() + " is not connected");
        }
        if (!node.hasLabels(room.requiredLabels())) {
            Set<String> missing = new TreeSet<>(room.requiredLabels());
            missing.removeAll(node.labels());
            return refuse("node " + node.name() + " lacks labels " + Labels.of(missing) + " that room "
                    + room.roomId() + " requires");
        }
        if (!node.fits(node.rooms())) {
            return refuse("node " + node.name() + " is at capacity (" + node.rooms() + " of " + node.capacity()
                    + " rooms)");
        }
        return new Outcome(new Assignment(room.roomId(), room.nodeId(), node.nodeId(), room.nextEpoch()), null);
    }

    private static Outcome refuse(String reason) {
        return new Outcome(null, reason);
    }
}
