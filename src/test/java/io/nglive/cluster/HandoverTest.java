package io.nglive.cluster;

import static io.nglive.cluster.NodeBuilder.node;
import static io.nglive.cluster.NodeBuilder.nodes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import io.nglive.cluster.Handover.Decision;
import io.nglive.cluster.Handover.HeldRoom;
import io.nglive.cluster.Handover.Step;
import io.nglive.cluster.Node.Presence;
import org.junit.jupiter.api.Test;

class HandoverTest {

    private static final Node RETURNING = node("old").name("old-box").build();
    private static final List<Node> CLUSTER = nodes(node("old").name("old-box"), node("new").name("new-box"),
            node("away").name("away-box").presence(Presence.DISCONNECTED), node("dead").name("dead-box").presence(Presence.LOST));

    @Test
    void returningNodeKeepsTheRoomsStillPlacedOnIt() {
        assertThat(reconcile(false, List.of(new HeldRoom(1, true), new HeldRoom(2, false)),
                List.of(new Room(1, Set.of(), "old", 3), new Room(2, Set.of(), "old", 1))))
                .containsExactly(new Step(1, Decision.KEEP, 3, "placed here"), new Step(2, Decision.KEEP, 1, "placed here"));
    }

    @Test
    void recordingRoomIsReleasedOnlyAfterItsSession() {
        assertThat(reconcile(false, List.of(new HeldRoom(1, true)), List.of(new Room(1, Set.of(), "new", 4))))
                .containsExactly(new Step(1, Decision.RELEASE_AFTER_SESSION, 4, "placed on node new-box at epoch 4"));
    }

    @Test
    void idleRoomThatMovedIsRemovedNow() {
        assertThat(reconcile(false, List.of(new HeldRoom(1, false)), List.of(new Room(1, Set.of(), "new", 4))))
                .containsExactly(new Step(1, Decision.REMOVE_NOW, 4, "placed on node new-box at epoch 4"));
    }

    @Test
    void roomOfANodeThatIsOnlyDisconnectedIsNotTakenFromIt() {
        assertThat(reconcile(false, List.of(new HeldRoom(1, false)), List.of(new Room(1, Set.of(), "away", 2))))
                .extracting(Step::decision).containsExactly(Decision.REMOVE_NOW);
    }

    @Test
    void firstJoiningNodeAdoptsTheRoomsItAlreadyHad() {
        assertThat(reconcile(true, List.of(new HeldRoom(1, true), new HeldRoom(2, false)), List.of()))
                .containsExactly(new Step(1, Decision.ADOPT, 1, "adopted: the node had it before it joined"),
                        new Step(2, Decision.ADOPT, 1, "adopted: the node had it before it joined"));
    }

    @Test
    void firstJoiningNodeGivesUpARoomPlacedElsewhere() {
        assertThat(reconcile(true, List.of(new HeldRoom(1, true), new HeldRoom(2, false)),
                List.of(new Room(1, Set.of(), "new", 1), new Room(2, Set.of(), "new", 1))))
                .extracting(Step::decision).containsExactly(Decision.RELEASE_AFTER_SESSION, Decision.REMOVE_NOW);
    }

    @Test
    void adoptionIgnoresCapacity() {
        Node full = node("old").capacity(1).rooms(1).build();
        List<Step> steps = Handover.reconcile(full, true, List.of(new HeldRoom(1, false), new HeldRoom(2, false),
                new HeldRoom(3, true)), List.of(), List.of(full));
        assertThat(steps).extracting(Step::decision).containsOnly(Decision.ADOPT).hasSize(3);
    }

    @Test
    void returningNodeGivesUpARoomRemovedFromTheClusterMeanwhile() {
        assertThat(reconcile(false, List.of(new HeldRoom(1, false), new HeldRoom(2, true)), List.of()))
                .containsExactly(new Step(1, Decision.REMOVE_NOW, 0, "not in the cluster's room list"),
                        new Step(2, Decision.RELEASE_AFTER_SESSION, 0, "not in the cluster's room list"));
    }

    @Test
    void returningNodeAdoptsAnUnplacedRoomAtTheNextEpoch() {
        assertThat(reconcile(false, List.of(new HeldRoom(1, true)), List.of(new Room(1, Set.of(), null, 5))))
                .containsExactly(new Step(1, Decision.ADOPT, 6, "adopted: unplaced"));
    }

    @Test
    void returningNodeAdoptsARoomWhoseNodeIsLost() {
        assertThat(reconcile(false, List.of(new HeldRoom(1, false), new HeldRoom(2, false)),
                List.of(new Room(1, Set.of(), "dead", 2), new Room(2, Set.of(), "forgotten", 7))))
                .containsExactly(new Step(1, Decision.ADOPT, 3, "adopted: its node dead-box is lost"),
                        new Step(2, Decision.ADOPT, 8, "adopted: its node forgotten is lost"));
    }

    @Test
    void adoptionNeedsTheRoomsLabels() {
        assertThat(reconcile(false, List.of(new HeldRoom(1, true), new HeldRoom(2, false)),
                List.of(new Room(1, Set.of("gpu"), null, 2), new Room(2, Set.of("gpu"), "dead", 2))))
                .containsExactly(
                        new Step(1, Decision.RELEASE_AFTER_SESSION, 2, "the room requires labels [gpu] that this node lacks"),
                        new Step(2, Decision.REMOVE_NOW, 2, "the room requires labels [gpu] that this node lacks"));
        Node gpu = node("old").labels("gpu").build();
        assertThat(Handover.reconcile(gpu, false, List.of(new HeldRoom(1, true)),
                List.of(new Room(1, Set.of("gpu"), null, 2)), CLUSTER)).extracting(Step::decision)
                .containsExactly(Decision.ADOPT);
    }

    @Test
    void roomPlacedHereButMissingFromTheRecorderIsAdded() {
        assertThat(reconcile(false, List.of(new HeldRoom(2, false)),
                List.of(new Room(1, Set.of(), "old", 3), new Room(2, Set.of(), "old", 1), new Room(3, Set.of(), "new", 1))))
                .containsExactly(new Step(1, Decision.ADD, 3, "placed here, missing from the recorder"),
                        new Step(2, Decision.KEEP, 1, "placed here"));
    }

    @Test
    void stepsComeInRoomOrder() {
        assertThat(reconcile(true, List.of(new HeldRoom(9, false), new HeldRoom(3, false)),
                List.of(new Room(5, Set.of(), "old", 1)))).extracting(Step::roomId).containsExactly(3L, 5L, 9L);
    }

    @Test
    void aRoomIsGivenUpAtTheEndOfItsSessionNeverInTheMiddle() {
        assertThat(Handover.giveUp(true)).isEqualTo(Decision.RELEASE_AFTER_SESSION);
        assertThat(Handover.giveUp(false)).isEqualTo(Decision.REMOVE_NOW);
    }

    @Test
    void staleEpochIsIgnored() {
        Room room = new Room(1, Set.of(), "new", 4);
        assertThat(room.isStale(3)).isTrue();
        assertThat(room.isStale(0)).isTrue();
        assertThat(room.isStale(4)).isFalse();
    }

    @Test
    void everyPlacementTakesTheNextEpoch() {
        assertThat(new Room(1, Set.of(), null, 0).nextEpoch()).isEqualTo(1);
        assertThat(new Room(1, Set.of(), "a", 41).nextEpoch()).isEqualTo(42);
    }

    private static List<Step> reconcile(boolean firstJoin, List<HeldRoom> held, List<Room> rooms) {
        return Handover.reconcile(RETURNING, firstJoin, held, rooms, CLUSTER);
    }
}
