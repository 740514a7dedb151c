package io.nglive.cluster;

import static io.nglive.cluster.NodeBuilder.node;
import static io.nglive.cluster.NodeBuilder.nodes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.nglive.cluster.Node.Presence;
import org.junit.jupiter.api.Test;

class PlacementTest {

    @Test
    void roomGoesToTheNodeWithFewestRooms() {
        assertThat(targetOf(newRoom(1), node("a").rooms(3), node("b").rooms(1), node("c").rooms(2))).isEqualTo("b");
    }

    @Test
    void amongEquallyFullNodesTheOneWithMostFreeDiskWins() {
        assertThat(targetOf(newRoom(1), node("a").rooms(1).freeDisk(10L), node("b").rooms(1).freeDisk(30L),
                node("c").rooms(1).freeDisk(20L), node("d").rooms(0).freeDisk(1L))).isEqualTo("d");
        assertThat(targetOf(newRoom(1), node("a").freeDisk(10L), node("b").freeDisk(30L), node("c").freeDisk(20L)))
                .isEqualTo("b");
    }

    @Test
    void unknownFreeDiskRanksLast() {
        assertThat(targetOf(newRoom(1), node("a").freeDisk(null), node("b").freeDisk(1L))).isEqualTo("b");
    }

    @Test
    void amongEqualRoomsAndDiskTheLeastLoadedNodeWins() {
        assertThat(targetOf(newRoom(1), node("a").freeDisk(5L).load(80.0), node("b").freeDisk(5L).load(20.5),
                node("c").freeDisk(5L).load(40.0), node("d").freeDisk(6L).load(99.0))).isEqualTo("d");
        assertThat(targetOf(newRoom(1), node("a").load(80.0), node("b").load(20.5), node("c").load(40.0)))
                .isEqualTo("b");
    }

    @Test
    void unknownLoadRanksLast() {
        assertThat(targetOf(newRoom(1), node("a").load(null), node("b").load(350.0))).isEqualTo("b");
    }

    @Test
    void remainingTiesGoToTheLowestNodeId() {
        assertThat(targetOf(newRoom(1), node("c"), node("a"), node("b"))).isEqualTo("a");
    }

    @Test
    void roomGoesOnlyToANodeWithAllItsLabels() {
        Room room = new Room(1, Set.of("gpu", "site-b"), null, 0);
        assertThat(targetOf(room, node("a").labels("gpu"), node("b").labels("site-b"),
                node("c").labels("gpu", "site-b", "fast").rooms(9), node("d"))).isEqualTo("c");
    }

    @Test
    void roomWithoutLabelsGoesToAnyNode() {
        assertThat(targetOf(newRoom(1), node("a").labels("gpu").rooms(1), node("b").labels("site-b"))).isEqualTo("b");
    }

    @Test
    void capacityCountsRoomsPlacedEarlierInTheSamePass() {
        PlacementPlan plan = Placement.place(nodes(node("a").capacity(2).rooms(1), node("b").rooms(5)),
                List.of(newRoom(1), newRoom(2), newRoom(3)));
        assertThat(targets(plan)).containsExactly(Map.entry(1L, "a"), Map.entry(2L, "b"), Map.entry(3L, "b"));
    }

    @Test
    void roomsOfOnePassSpreadOverEquallyEmptyNodes() {
        PlacementPlan plan = Placement.place(nodes(node("a"), node("b")),
                List.of(newRoom(1), newRoom(2), newRoom(3), newRoom(4)));
        assertThat(targets(plan)).containsExactly(Map.entry(1L, "a"), Map.entry(2L, "b"), Map.entry(3L, "a"),
                Map.entry(4L, "b"));
    }

    @Test
    void nodeWithoutLimitTakesAnyNumberOfRooms() {
        List<Room> rooms = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            rooms.add(newRoom(i));
        }
        PlacementPlan plan = Placement.place(nodes(node("a").capacity(0).rooms(1000)), rooms);
        assertThat(plan.assignments()).hasSize(50).allMatch(a -> a.toNodeId().equals("a"));
        assertThat(plan.unplaced()).isEmpty();
    }

    @Test
    void nodeAlreadyOverCapacityGetsNoRoom() {
        assertThat(targetOf(newRoom(1), node("a").capacity(2).rooms(3), node("b").rooms(10))).isEqualTo("b");
    }

    @Test
    void healthyNodeKeepsItsRoomsEvenWhenUnbalanced() {
        List<Room> rooms = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            rooms.add(new Room(i, Set.of(), "a", 1));
        }
        PlacementPlan plan = Placement.place(nodes(node("a").rooms(10), node("b"), node("c")), rooms);
        assertThat(plan.assignments()).isEmpty();
        assertThat(plan.unplaced()).isEmpty();
    }

    @Test
    void disconnectedNodeKeepsItsRoomsButGetsNoNewOnes() {
        PlacementPlan plan = Placement.place(
                nodes(node("a").presence(Presence.DISCONNECTED).rooms(1), node("b").rooms(5)),
                List.of(new Room(1, Set.of(), "a", 2), newRoom(2)));
        assertThat(targets(plan)).containsExactly(Map.entry(2L, "b"));
    }

    @Test
    void lostNodesRoomsMoveToConnectedNodesAtTheNextEpoch() {
        PlacementPlan plan = Placement.place(nodes(node("a").presence(Presence.LOST).rooms(2), node("b")),
                List.of(new Room(1, Set.of(), "a", 4), new Room(2, Set.of(), "a", 1)));
        assertThat(plan.assignments()).containsExactly(new Assignment(1, "a", "b", 5), new Assignment(2, "a", "b", 2));
        assertThat(plan.assignments()).allMatch(Assignment::moved);
    }

    @Test
    void lostNodeGetsNoRooms() {
        assertThat(targetOf(newRoom(1), node("a").presence(Presence.LOST), node("b").rooms(7))).isEqualTo("b");
    }

    @Test
    void newRoomIsPlacedAtTheNextEpochAndNotAsAMove() {
        PlacementPlan plan = Placement.place(nodes(node("a")), List.of(newRoom(1), new Room(2, Set.of(), null, 3)));
        assertThat(plan.assignments()).containsExactly(new Assignment(1, null, "a", 1), new Assignment(2, null, "a", 4));
        assertThat(plan.assignments()).noneMatch(Assignment::moved);
    }

    @Test
    void roomOnANodeTheClusterNoLongerKnowsIsPlacedAgain() {
        PlacementPlan plan = Placement.place(nodes(node("a")), List.of(new Room(1, Set.of(), "gone", 2)));
        assertThat(plan.assignments()).containsExactly(new Assignment(1, "gone", "a", 3));
    }

    @Test
    void aWebhookOnlyNodeTakesNoRoomAndTheReasonSaysSo() {
        PlacementPlan plan = Placement.place(nodes(node("desk").name("desk").presence(Presence.WEBHOOK_ONLY)),
                List.of(newRoom(1)));

        assertThat(plan.assignments()).isEmpty();
        assertThat(plan.unplaced()).extracting(Unplaced::reason)
                .containsExactly("no connected node takes rooms: desk manages its rooms in its recorder (webhook-only)");
        assertThat(reasonFor(newRoom(1), node("d1").name("d1").presence(Presence.WEBHOOK_ONLY),
                node("d2").name("d2").presence(Presence.WEBHOOK_ONLY), node("x").presence(Presence.LOST)))
                .isEqualTo("no connected node takes rooms: d1, d2 manage their rooms in their recorders (webhook-only)");
        assertThat(targetOf(newRoom(1), node("desk").presence(Presence.WEBHOOK_ONLY), node("b").rooms(9)))
                .isEqualTo("b");
    }

    @Test
    void unplacedRoomNamesWhyItFitsNowhere() {
        assertThat(reasonFor(newRoom(1))).isEqualTo("no node connected");
        assertThat(reasonFor(newRoom(1), node("a").presence(Presence.DISCONNECTED), node("b").presence(Presence.LOST)))
                .isEqualTo("no node connected");
        assertThat(reasonFor(new Room(1, Set.of("site-b"), null, 0), node("a").labels("site-a")))
                .isEqualTo("no connected node has labels [site-b]");
        assertThat(reasonFor(new Room(1, Set.of("site-b", "gpu"), null, 0), node("a").labels("site-b")))
                .isEqualTo("no connected node has labels [gpu, site-b]");
        assertThat(reasonFor(new Room(1, Set.of("gpu"), null, 0), node("a").labels("gpu").capacity(1).rooms(1),
                node("b").labels("gpu").capacity(3).rooms(3), node("c").capacity(5)))
                .isEqualTo("every connected node with labels [gpu] is at capacity (2 nodes)");
        assertThat(reasonFor(newRoom(1), node("a").capacity(1).rooms(1)))
                .isEqualTo("every connected node is at capacity (1 node)");
    }

    @Test
    void roomThatFitsNowhereIsPlacedOnceANodeThatFitsJoins() {
        Room room = new Room(1, Set.of("gpu"), null, 0);
        assertThat(Placement.place(nodes(node("a")), List.of(room)).unplaced()).hasSize(1);
        assertThat(Placement.place(nodes(node("a"), node("b").labels("gpu")), List.of(room)).assignments())
                .containsExactly(new Assignment(1, null, "b", 1));
    }

    @Test
    void roomsWithFewerPossibleNodesArePlacedFirst() {
        // Room 1 would take the empty gpu node if rooms were taken in id order, leaving room 2 nowhere to go.
        PlacementPlan plan = Placement.place(nodes(node("a").labels("gpu").capacity(1), node("b").capacity(2).rooms(1)),
                List.of(newRoom(1), new Room(2, Set.of("gpu"), null, 0)));
        assertThat(plan.unplaced()).isEmpty();
        assertThat(targets(plan)).containsEntry(1L, "b").containsEntry(2L, "a");
    }

    @Test
    void tenThousandRoomsOverAThousandNodesArePlaced() {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            nodes.add(node(String.format("n%04d", i)).capacity(12).labels(i % 2 == 0 ? "site-a" : "site-b")
                    .freeDisk((long) i).load(i % 7 * 1.0).build());
        }
        List<Room> rooms = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            rooms.add(new Room(i, i % 3 == 0 ? Set.of("site-a") : Set.of(), null, 0));
        }
        PlacementPlan plan = Placement.place(nodes, rooms);
        assertThat(plan.assignments()).hasSize(10_000);
        Map<String, Long> perNode = plan.assignments().stream()
                .collect(Collectors.groupingBy(Assignment::toNodeId, Collectors.counting()));
        assertThat(perNode).hasSize(1000);
        assertThat(perNode.values()).allMatch(count -> count == 10);
    }

    private static Room newRoom(long roomId) {
        return new Room(roomId, Set.of(), null, 0);
    }

    private static String targetOf(Room room, NodeBuilder... nodes) {
        PlacementPlan plan = Placement.place(nodes(nodes), List.of(room));
        assertThat(plan.unplaced()).isEmpty();
        return plan.assignments().get(0).toNodeId();
    }

    private static String reasonFor(Room room, NodeBuilder... nodes) {
        PlacementPlan plan = Placement.place(nodes(nodes), List.of(room));
        assertThat(plan.assignments()).isEmpty();
        return plan.unplaced().get(0).reason();
    }

    /** Room id to node id, in the order the pass decided them. */
    private static Map<Long, String> targets(PlacementPlan plan) {
        return plan.assignments().stream().collect(Collectors.toMap(Assignment::roomId, Assignment::toNodeId,
                (x, y) -> x, LinkedHashMap::new));
    }
}
