package io.nglive.cluster;

import static io.nglive.cluster.NodeBuilder.node;
import static io.nglive.cluster.NodeBuilder.nodes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import io.nglive.cluster.Node.Presence;
import org.junit.jupiter.api.Test;

class PlacementManualMoveTest {

    private static final Room ROOM = new Room(7, Set.of("gpu"), "a", 3);

    @Test
    void moveGoesToTheNamedNodeAtTheNextEpoch() {
        ManualMove.Outcome outcome = ManualMove.decide(ROOM, "beta",
                nodes(node("a").labels("gpu"), node("b").name("beta").labels("gpu").rooms(40)));
        assertThat(outcome.refused()).isFalse();
        assertThat(outcome.assignment()).isEqualTo(new Assignment(7, "a", "b", 4));
        assertThat(outcome.assignment().moved()).isTrue();
    }

    @Test
    void moveTargetIsFoundByIdBeforeName() {
        List<Node> nodes = nodes(node("a"), node("b").name("c").labels("gpu"), node("c").name("other").labels("gpu"));
        assertThat(ManualMove.decide(ROOM, "c", nodes).assignment().toNodeId()).isEqualTo("c");
        assertThat(ManualMove.decide(ROOM, "other", nodes).assignment().toNodeId()).isEqualTo("c");
    }

    @Test
    void moveOfAnUnplacedRoomPlacesIt() {
        ManualMove.Outcome outcome = ManualMove.decide(new Room(7, Set.of(), null, 0), "b", nodes(node("b")));
        assertThat(outcome.assignment()).isEqualTo(new Assignment(7, null, "b", 1));
    }

    @Test
    void moveToAnUnknownNodeIsRefused() {
        assertThat(refusal("z", node("a"), node("b"))).isEqualTo("no node is called z");
    }

    @Test
    void moveToANameTwoNodesShareIsRefused() {
        assertThat(refusal("box", node("a"), node("b").name("box").labels("gpu"), node("c").name("box").labels("gpu")))
                .isEqualTo("2 nodes are called box: name one by its nodeId");
    }

    @Test
    void moveToTheRoomsOwnNodeIsRefused() {
        assertThat(refusal("alpha", node("a").name("alpha").labels("gpu"))).isEqualTo("room 7 is already on node alpha");
    }

    @Test
    void moveToANodeThatIsNotConnectedIsRefused() {
        assertThat(refusal("b", node("b").labels("gpu").presence(Presence.DISCONNECTED)))
                .isEqualTo("node b is not connected");
        assertThat(refusal("b", node("b").labels("gpu").presence(Presence.LOST))).isEqualTo("node b is not connected");
    }

    @Test
    void moveToANodeWithoutTheLabelsNamesTheMissingOnes() {
        Room room = new Room(7, Set.of("gpu", "site-b", "fast"), "a", 3);
        ManualMove.Outcome outcome = ManualMove.decide(room, "b", nodes(node("b").labels("fast")));
        assertThat(outcome.refusal()).isEqualTo("node b lacks labels [gpu, site-b] that room 7 requires");
        assertThat(outcome.assignment()).isNull();
    }

    @Test
    void moveToANodeAtCapacityIsRefused() {
        assertThat(refusal("b", node("b").labels("gpu").capacity(3).rooms(3)))
                .isEqualTo("node b is at capacity (3 of 3 rooms)");
        assertThat(ManualMove.decide(ROOM, "b", nodes(node("b").labels("gpu").capacity(3).rooms(2))).refused())
                .isFalse();
    }

    private static String refusal(String target, NodeBuilder... nodes) {
        ManualMove.Outcome outcome = ManualMove.decide(ROOM, target, nodes(nodes));
        assertThat(outcome.refused()).isTrue();
        assertThat(outcome.assignment()).isNull();
        return outcome.refusal();
    }
}
