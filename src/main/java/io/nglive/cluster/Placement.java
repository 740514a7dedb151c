package io.nglive.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Places the rooms that have no node, or whose node is lost, on connected nodes. Placement is sticky: a room on a
 * connected (or not yet lost) node is never moved, however unbalanced the cluster, because a move cuts a recording.
 */
public final class Placement {

    /** Fewest rooms, then most free disk, then lowest load (unknown ranks last), then node id for a stable order. */
    private static final Comparator<Node> RANKING = Comparator.comparingInt(Node::rooms)
            .thenComparing(Node::freeDisk, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(Node::load, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Node::nodeId);

    private Placement() {
    }

    /**
     * Decides where each room without a live node goes. Rooms are taken by label set, the sets that the fewest nodes
     * satisfy first (so that rooms that could go anywhere do not fill the only nodes a labelled room can use), and
     * by room id within a set; a node's rooms count the ones given to it earlier in the same pass.
     */
    public static PlacementPlan place(Collection<Node> nodes, Collection<Room> rooms) {
        Map<String, Node> byId = nodes.stream().collect(Collectors.toMap(Node::nodeId, Function.identity()));
        List<Node> connected = nodes.stream().filter(Node::connected).toList();
        Map<String, Integer> placed = new HashMap<>();
        connected.forEach(node -> placed.put(node.nodeId(), node.rooms()));

        Map<Set<String>, List<Room>> orphans = new TreeMap<>(Comparator.comparing(Labels::of));
        for (Room room : rooms) {
            if (isOrphan(room, byId)) {
                orphans.computeIfAbsent(room.requiredLabels(), labels -> new ArrayList<>()).add(room);
            }
        }
        List<Group> groups = new ArrayList<>();
        orphans.forEach((labels, orphansWithThem) -> groups.add(new Group(labels,
                connected.stream().filter(node -> node.hasLabels(labels)).toList(), orphansWithThem)));
        groups.sort(Comparator.comparingInt(group -> group.candidates.size()));

        List<Assignment> assignments = new ArrayList<>();
        List<Unplaced> unplaced = new ArrayList<>();
        String noneConnected = connected.isEmpty() ? noNodeTakesRooms(nodes) : null;
        for (Group group : groups) {
            group.place(placed, noneConnected, assignments, unplaced);
        }
        return new PlacementPlan(assignments, unplaced);
    }

    private static boolean isOrphan(Room room, Map<String, Node> byId) {
        Node node = room.nodeId() == null ? null : byId.get(room.nodeId());
        return node == null || node.presence() == Node.Presence.LOST;
    }

    /** The rooms that require the same labels, and the connected nodes that have them. */
    private record Group(Set<String> labels, List<Node> candidates, List<Room> rooms) {

        /** One heap of the candidates, each keyed by its count at the time: O(rooms log nodes). */
        void place(Map<String, Integer> placed, String noneConnected, List<Assignment> assignments,
                List<Unplaced> unplaced) {
            PriorityQueue<Node> best = new PriorityQueue<>(RANKING);
            for (Node node : candidates) {
                int count = placed.get(node.nodeId());
                if (node.fits(count)) {
                    best.add(withRooms(node, count));
                }
            }
            rooms.sort(Comparator.comparingLong(Room::roomId));
            for (Room room : rooms) {
                Node node = best.poll();
                if (node == null) {
                    unplaced.add(new Unplaced(room.roomId(), whyNowhere(labels, candidates.size(), noneConnected)));
                    continue;
                }
                assignments.add(new Assignment(room.roomId(), room.nodeId(), node.nodeId(), room.nextEpoch()));
                int count = node.rooms() + 1;
                placed.put(node.nodeId(), count);
                if (node.fits(count)) {
                    best.add(withRooms(node, count));
                }
            }
        }
    }

    private static Node withRooms(Node node, int rooms) {
        return new Node(node.nodeId(), node.name(), node.presence(), node.capacity(), node.labels(), rooms,
                node.freeDisk(), node.load());
    }

    /** Why no node takes rooms at all: none is connected, or those connected are webhook-only. */
    private static String noNodeTakesRooms(Collection<Node> nodes) {
        List<String> webhookOnly = nodes.stream().filter(node -> node.presence() == Node.Presence.WEBHOOK_ONLY)
                .map(Node::name).sorted().toList();
        if (webhookOnly.isEmpty()) {
            return "no node connected";
        }
        return "no connected node takes rooms: " + String.join(", ", webhookOnly) + (webhookOnly.size() == 1
                ? " manages its rooms in its recorder (webhook-only)"
                : " manage their rooms in their recorders (webhook-only)");
    }

    /** {@code noneConnected}: the reason when no node takes rooms at all, else null. */
    private static String whyNowhere(Set<String> labels, int candidates, String noneConnected) {
        if (noneConnected != null) {
            return noneConnected;
        }
        if (candidates == 0) {
            return "no connected node has labels " + Labels.of(labels);
        }
        String which = labels.isEmpty() ? "every connected node" : "every connected node with labels " + Labels.of(labels);
        return which + " is at capacity (" + candidates + (candidates == 1 ? " node)" : " nodes)");
    }
}
