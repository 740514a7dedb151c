package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.nglive.cluster.Node.Presence;
import org.junit.jupiter.api.Test;

/** The placement rules over a few hundred random clusters, each from a fixed seed so that a failure replays. */
class PlacementPropertyTest {

    private static final List<String> LABELS = List.of("gpu", "site-a", "site-b");
    private static final int CLUSTERS = 400;

    /** The ranking written out again, independently of Placement's. */
    private static Comparator<Node> ranking(Map<String, Integer> placed) {
        return Comparator.<Node>comparingInt(n -> placed.get(n.nodeId()))
                .thenComparing(n -> n.freeDisk() == null ? -1 : n.freeDisk(), Comparator.reverseOrder())
                .thenComparing(n -> n.load() == null ? Double.POSITIVE_INFINITY : n.load())
                .thenComparing(Node::nodeId);
    }

    @Test
    void everyRandomClusterKeepsThePlacementRules() {
        int assigned = 0;
        int unplaced = 0;
        for (long seed = 1; seed <= CLUSTERS; seed++) {
            Cluster cluster = Cluster.random(new Random(seed));
            PlacementPlan plan = Placement.place(cluster.nodes, cluster.rooms);
            checkRules(seed, cluster, plan);
            assigned += plan.assignments().size();
            unplaced += plan.unplaced().size();
        }
        // The generator must produce both outcomes often, or the rules above check little.
        assertThat(assigned).isGreaterThan(CLUSTERS * 3);
        assertThat(unplaced).isGreaterThan(CLUSTERS / 2);
    }

    @Test
    void theSameClusterInAnyOrderGivesTheSamePlan() {
        for (long seed = 1; seed <= CLUSTERS; seed++) {
            Random random = new Random(seed);
            Cluster cluster = Cluster.random(random);
            List<Node> nodes = new ArrayList<>(cluster.nodes);
            List<Room> rooms = new ArrayList<>(cluster.rooms);
            Collections.shuffle(nodes, random);
            Collections.shuffle(rooms, random);
            assertThat(Placement.place(nodes, rooms)).as("seed %d", seed)
                    .isEqualTo(Placement.place(cluster.nodes, cluster.rooms));
        }
    }

    private static void checkRules(long seed, Cluster cluster, PlacementPlan plan) {
        Map<String, Node> byId = cluster.nodes.stream().collect(Collectors.toMap(Node::nodeId, Function.identity()));
        Map<Long, Room> rooms = cluster.rooms.stream().collect(Collectors.toMap(Room::roomId, Function.identity()));
        Map<String, Integer> placed = new HashMap<>();
        cluster.nodes.forEach(n -> placed.put(n.nodeId(), n.rooms()));

        Set<Long> decided = new HashSet<>();
        for (Assignment a : plan.assignments()) {
            Room room = rooms.get(a.roomId());
            Node target = byId.get(a.toNodeId());
            String what = "seed " + seed + ", room " + a.roomId() + " to " + a.toNodeId();
            assertThat(decided.add(a.roomId())).as(what + ": decided once").isTrue();
            assertThat(cluster.orphan(room)).as(what + ": only rooms without a live node move").isTrue();
            assertThat(target.connected()).as(what + ": connected").isTrue();
            assertThat(target.labels()).as(what + ": labels satisfied").containsAll(room.requiredLabels());
            assertThat(target.capacity() == 0 || placed.get(target.nodeId()) < target.capacity())
                    .as(what + ": under capacity").isTrue();
            List<Node> eligible = cluster.nodes.stream().filter(Node::connected)
                    .filter(n -> n.labels().containsAll(room.requiredLabels()))
                    .filter(n -> n.capacity() == 0 || placed.get(n.nodeId()) < n.capacity()).toList();
            assertThat(eligible.stream().min(ranking(placed)).orElseThrow()).as(what + ": best ranked").isEqualTo(target);
            assertThat(a).as(what).isEqualTo(new Assignment(room.roomId(), room.nodeId(), target.nodeId(), room.epoch() + 1));
            placed.merge(target.nodeId(), 1, Integer::sum);
        }
        for (Unplaced u : plan.unplaced()) {
            Room room = rooms.get(u.roomId());
            String what = "seed " + seed + ", room " + u.roomId() + " unplaced (" + u.reason() + ")";
            assertThat(decided.add(u.roomId())).as(what + ": decided once").isTrue();
            assertThat(cluster.orphan(room)).as(what + ": only rooms without a live node").isTrue();
            assertThat(cluster.nodes).as(what + ": fits nowhere").noneMatch(n -> n.connected()
                    && n.labels().containsAll(room.requiredLabels())
                    && (n.capacity() == 0 || placed.get(n.nodeId()) < n.capacity()));
        }
        Set<Long> orphans = cluster.rooms.stream().filter(cluster::orphan).map(Room::roomId).collect(Collectors.toSet());
        assertThat(decided).as("seed %d: every room without a live node, and only those", seed).isEqualTo(orphans);
    }

    private record Cluster(List<Node> nodes, List<Room> rooms) {

        /** Up to 12 nodes and 40 rooms; a connected node may start over its capacity, as adoption allows. */
        static Cluster random(Random random) {
            int nodeCount = random.nextInt(13);
            List<Room> rooms = new ArrayList<>();
            int roomCount = random.nextInt(41);
            for (int i = 0; i < roomCount; i++) {
                int where = random.nextInt(10);
                String nodeId = where < 3 || nodeCount == 0 ? null : where == 9 ? "gone" : "n" + random.nextInt(nodeCount);
                rooms.add(new Room(1000 + random.nextInt(100_000) * 41L + i, labels(random, 2), nodeId,
                        nodeId == null && random.nextBoolean() ? 0 : random.nextInt(6)));
            }
            List<Node> nodes = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                String id = "n" + i;
                int presence = random.nextInt(10);
                int placed = (int) rooms.stream().filter(r -> id.equals(r.nodeId())).count();
                nodes.add(new Node(id, "node " + i,
                        presence < 6 ? Presence.CONNECTED : presence < 8 ? Presence.DISCONNECTED : Presence.LOST,
                        random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(5), labels(random, 3), placed,
                        random.nextInt(4) == 0 ? null : (long) random.nextInt(3) * 1_000_000_000L,
                        random.nextInt(4) == 0 ? null : random.nextInt(3) * 25.0));
            }
            return new Cluster(nodes, rooms);
        }

        private static Set<String> labels(Random random, int most) {
            Set<String> labels = new HashSet<>();
            for (int i = random.nextInt(most + 1); i > 0; i--) {
                labels.add(LABELS.get(random.nextInt(LABELS.size())));
            }
            return labels;
        }

        boolean orphan(Room room) {
            return nodes.stream().noneMatch(n -> n.nodeId().equals(room.nodeId()) && n.presence() != Presence.LOST);
        }
    }
}
