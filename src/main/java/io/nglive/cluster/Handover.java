package io.nglive.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a node that (re)connects does with each room its recorder has, and with each room placed on it that its
 * recorder lacks. A room it must give up is kept until the session in progress ends, so that no recording has a gap
 * while the room's new node starts; it never keeps a room the central server did not place on it.
 */
public final class Handover {

    public enum Decision {
        /** Placed on this node: it goes on recording it. */
        KEEP,
        /** Placed on this node but missing from its recorder: add it. */
        ADD,
        /** Placed on this node now, at a new epoch: store the assignment, the node keeps it. */
        ADOPT,
        /** Not this node's: it keeps recording until the session in progress ends, then removes it. */
        RELEASE_AFTER_SESSION,
        /** Not this node's and not recording: remove it from its recorder now. */
        REMOVE_NOW
    }

    /** A room the node's recorder has, as its hello reports it. */
    public record HeldRoom(long roomId, boolean recording) {
    }

    /** The decision for one room; {@code epoch} is the room's epoch after it (0 for a room the cluster lacks). */
    public record Step(long roomId, Decision decision, long epoch, String reason) {
    }

    private Handover() {
    }

    /**
     * Decides for every room the node holds or should hold. {@code firstJoin}: the central server has never seen this
     * node, so a room it holds that the cluster lacks was there before it joined and is adopted; on a later
     * connection such a room was removed from the cluster meanwhile and is given up. {@code rooms} must hold every
     * room of the cluster that the node holds or that is placed on it.
     */
    public static List<Step> reconcile(Node node, boolean firstJoin, Collection<HeldRoom> held, Collection<Room> rooms,
            Collection<Node> nodes) {
        Map<Long, Room> byRoom = new HashMap<>();
        rooms.forEach(room -> byRoom.put(room.roomId(), room));
        Map<String, Node> byNode = new HashMap<>();
        nodes.forEach(n -> byNode.put(n.nodeId(), n));

        List<Step> steps = new ArrayList<>();
        Set<Long> heldIds = new HashSet<>();
        for (HeldRoom holding : held) {
            heldIds.add(holding.roomId());
            steps.add(decide(node, firstJoin, holding, byRoom.get(holding.roomId()), byNode));
        }
        for (Room room : rooms) {
            if (node.nodeId().equals(room.nodeId()) && !heldIds.contains(room.roomId())) {
                steps.add(new Step(room.roomId(), Decision.ADD, room.epoch(), "placed here, missing from the recorder"));
            }
        }
        steps.sort(Comparator.comparingLong(Step::roomId));
        return steps;
    }

    /** How a node gives up a room that is no longer its own: never in the middle of a recording. */
    public static Decision giveUp(boolean recording) {
        return recording ? Decision.RELEASE_AFTER_SESSION : Decision.REMOVE_NOW;
    }

    // Adoption ignores capacity: the node's recorder already has the room, and capacity limits what the central
    // server adds to a node, not what it brings.
    private static Step decide(Node node, boolean firstJoin, HeldRoom holding, Room room, Map<String, Node> nodes) {
        long roomId = holding.roomId();
        if (room == null) {
            return firstJoin
                    ? new Step(roomId, Decision.ADOPT, 1, "adopted: the node had it before it joined")
                    : new Step(roomId, giveUp(holding.recording()), 0, "not in the cluster's room list");
        }
        if (node.nodeId().equals(room.nodeId())) {
            return new Step(roomId, Decision.KEEP, room.epoch(), "placed here");
        }
        Node current = room.nodeId() == null ? null : nodes.get(room.nodeId());
        if (current != null && current.presence() != Node.Presence.LOST) {
            return new Step(roomId, giveUp(holding.recording()), room.epoch(),
                    "placed on node " + current.name() + " at epoch " + room.epoch());
        }
        if (!node.hasLabels(room.requiredLabels())) {
            return new Step(roomId, giveUp(holding.recording()), room.epoch(),
                    "the room requires labels " + Labels.of(room.requiredLabels()) + " that this node lacks");
        }
        String was = room.nodeId() == null ? "unplaced"
                : "its node " + (current == null ? room.nodeId() : current.name()) + " is lost";
        return new Step(roomId, Decision.ADOPT, room.nextEpoch(), "adopted: " + was);
    }
}
