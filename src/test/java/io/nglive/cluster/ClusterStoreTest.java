package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.cluster.ClusterStore.Job;
import io.nglive.cluster.ClusterStore.NodeJob;
import io.nglive.cluster.ClusterStore.Release;
import io.nglive.cluster.ClusterStore.Removal;
import io.nglive.cluster.ClusterStore.Room;
import io.nglive.events.EventLog;
import io.nglive.journal.FastTempDir;
import io.nglive.journal.JournalAccess;
import io.nglive.testing.ClusterBackend;
import io.nglive.testing.OnBothDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The central server's state on each database it runs on: nodes, rooms and their placement, releases, jobs. */
class ClusterStoreTest {

    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    static final String A = "0b6f7a4e-0000-4000-8000-00000000000a";
    static final String B = "0b6f7a4e-0000-4000-8000-00000000000b";
    static final String C = "0b6f7a4e-0000-4000-8000-00000000000c";

    @TempDir(factory = FastTempDir.class)
    Path data;

    Supplier<ClusterDatabase> opener;
    ClusterDatabase database;
    ClusterStore store;
    final TestClock clock = new TestClock();

    private void open(ClusterBackend backend) {
        opener = backend.fresh(data);
        reopen();
    }

    private void reopen() {
        database = opener.get();
        store = new ClusterStore(database.dataSource(), clock);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private void nodes(String... ids) {
        for (String id : ids) {
            store.hello(id, "node-" + id.charAt(id.length() - 1), 0, List.of(), "1.0");
        }
    }

    /** A room added and placed on {@code nodeId}; returns its epoch. */
    private long placed(long roomId, String nodeId) {
        store.addRoom(roomId, true, List.of());
        return store.place(roomId, nodeId, 0).orElseThrow();
    }

    // ---- nodes

    @OnBothDatabases
    void helloOfANewNodeRecordsItConnectedWithNothingAcknowledged(ClusterBackend backend) {
        open(backend);

        assertThat(store.hello(A, "tokyo", 3, List.of("gpu", "jp"), "1.2.0")).isTrue();

        ClusterStore.Node node = store.node(A).orElseThrow();
        assertThat(node.name()).isEqualTo("tokyo");
        assertThat(node.capacity()).isEqualTo(3);
        assertThat(node.labels()).containsExactly("gpu", "jp");
        assertThat(node.version()).isEqualTo("1.2.0");
        assertThat(node.connected()).isTrue();
        assertThat(node.firstSeen()).isEqualTo(START);
        assertThat(node.lastSeen()).isEqualTo(START);
        assertThat(node.lastAcked()).isZero();
        assertThat(node.rooms()).isZero();
        assertThat(store.lastAcked(A)).isZero();
    }

    @OnBothDatabases
    void helloAgainUpdatesWhatTheNodeSaysAndKeepsWhenItWasFirstSeen(ClusterBackend backend) {
        open(backend);
        store.hello(A, "tokyo", 3, List.of("gpu"), "1.2.0");
        store.disconnected(A);
        clock.advance(Duration.ofMinutes(5));

        assertThat(store.hello(A, "tokyo-2", 0, List.of(), "1.3.0")).isFalse();

        ClusterStore.Node node = store.node(A).orElseThrow();
        assertThat(node.name()).isEqualTo("tokyo-2");
        assertThat(node.capacity()).isZero();
        assertThat(node.labels()).isEmpty();
        assertThat(node.version()).isEqualTo("1.3.0");
        assertThat(node.connected()).isTrue();
        assertThat(node.firstSeen()).isEqualTo(START);
        assertThat(node.lastSeen()).isEqualTo(START.plus(Duration.ofMinutes(5)));
    }

    @OnBothDatabases
    void heartbeatRecordsLoadFreeDiskAndWhenTheNodeWasLastSeen(ClusterBackend backend) {
        open(backend);
        nodes(A);
        clock.advance(Duration.ofSeconds(5));
        String json = "{\"type\":\"Heartbeat\",\"cpu\":12.5,\"queues\":{\"upload\":" + "1".repeat(20_000) + "}}";

        assertThat(store.heartbeats(List.of(new ClusterStore.Beat(A, 12.5, 123_456_789_012L, json, clock.instant()))))
                .isEqualTo(1);

        ClusterStore.Node node = store.node(A).orElseThrow();
        assertThat(node.load()).isEqualTo(12.5);
        assertThat(node.freeDisk()).isEqualTo(123_456_789_012L);
        assertThat(node.heartbeat()).isEqualTo(json);
        assertThat(node.lastSeen()).isEqualTo(START.plusSeconds(5));
    }

    @OnBothDatabases
    void heartbeatOfANodeThatNeverSaidHelloIsRefused(ClusterBackend backend) {
        open(backend);

        assertThat(store.heartbeats(List.of(new ClusterStore.Beat(A, 1.0, 1L, "{}", clock.instant())))).isZero();
        assertThat(store.node(A)).isEmpty();
    }

    @OnBothDatabases
    void disconnectedNodeStaysKnownAsLastSeenWhenItWasLastHeard(ClusterBackend backend) {
        open(backend);
        nodes(A);
        clock.advance(Duration.ofMinutes(1));

        store.disconnected(A);

        ClusterStore.Node node = store.node(A).orElseThrow();
        assertThat(node.connected()).isFalse();
        assertThat(node.lastSeen()).isEqualTo(START);
    }

    @OnBothDatabases
    void nodesAreListedWithHowManyRoomsArePlacedOnEach(ClusterBackend backend) {
        open(backend);
        nodes(A, B);
        placed(1, A);
        placed(2, A);
        placed(3, A);
        store.removeRoom(3);
        store.addRoom(4, true, List.of());

        assertThat(store.nodes()).extracting(ClusterStore.Node::nodeId, ClusterStore.Node::rooms)
                .containsExactly(tuple(A, 2), tuple(B, 0));
    }

    // ---- rooms recorded twice

    @OnBothDatabases
    void aSecondPlacementTakesTheRoomsNextEpochAndCountsOnItsNode(ClusterBackend backend) {
        open(backend);
        nodes(A, B);
        store.addRoom(7, true, List.of(), 2);
        long first = store.place(7, A, 0).orElseThrow();

        OptionalLong second = store.placeReplica(7, B, first);

        assertThat(second).hasValue(first + 1);
        assertThat(store.room(7).orElseThrow().epoch()).isEqualTo(first + 1);
        assertThat(store.replica(7).orElseThrow()).extracting(ClusterStore.Replica::nodeId,
                ClusterStore.Replica::node, ClusterStore.Replica::epoch).containsExactly(B, "node-b", first + 1);
        assertThat(store.nodes()).extracting(ClusterStore.Node::nodeId, ClusterStore.Node::rooms)
                .containsExactly(tuple(A, 1), tuple(B, 1));
        assertThat(store.node(B).orElseThrow().rooms()).isEqualTo(1);
        // a decision taken on the epoch before loses: the primary's placement and the second's share one counter
        assertThat(store.place(7, B, first)).isEmpty();
        assertThat(store.placeReplica(7, A, first)).isEmpty();
    }

    @OnBothDatabases
    void secondPlacementsToMakeAreThoseOnNoNodeOrOnALostOne(ClusterBackend backend) {
        open(backend);
        nodes(A, B, C);
        store.addRoom(1, true, List.of(), 2);
        store.addRoom(2, true, List.of(), 2);
        store.addRoom(3, true, List.of(), 2);
        store.addRoom(4, true, List.of());
        store.placeReplica(2, B, 0);
        store.placeReplica(3, C, 0);

        assertThat(store.replicasToPlace(List.of())).extracting(ClusterStore.Replica::roomId).containsExactly(1L);
        assertThat(store.replicasToPlace(List.of(C))).extracting(ClusterStore.Replica::roomId)
                .containsExactly(1L, 3L);
        assertThat(store.replicas()).filteredOn(r -> B.equals(r.nodeId())).extracting(ClusterStore.Replica::roomId)
                .containsExactly(2L);
        assertThat(store.unplaceReplica(1, "no second node")).isTrue();
        assertThat(store.unplaceReplica(1, "no second node")).isFalse();
        assertThat(store.replica(1).orElseThrow().unplacedReason()).isEqualTo("no second node");
    }

    @OnBothDatabases
    void aRemovedRoomsSecondPlacementGoesOnceItsNodeAppliedTheRemoval(ClusterBackend backend) {
        open(backend);
        nodes(A, B);
        store.addRoom(7, true, List.of(), 2);
        long epoch = store.place(7, A, 0).orElseThrow();
        store.placeReplica(7, B, epoch);

        assertThat(store.replicaRemovalApplied(7, B)).as("the room is still in the cluster").isFalse();
        store.removeRoom(7);
        assertThat(store.replicaRemovalApplied(7, A)).as("not the second node").isFalse();
        assertThat(store.replicaRemovalApplied(7, B)).isTrue();
        assertThat(store.replica(7)).isEmpty();
        // added again without replicas, it is recorded once
        store.addRoom(8, true, List.of(), 2);
        store.removeRoom(8);
        store.addRoom(8, true, List.of(), 1);
        assertThat(store.replica(8)).isEmpty();
    }

    @OnBothDatabases
    void aSessionsStartEndRoleAndUploadAreKeptPerNode(ClusterBackend backend) {
        open(backend);
        nodes(A, B);
        store.addRoom(7, true, List.of(), 2);
        assertThat(store.replica(7)).isPresent();
        assertThat(store.replica(8)).isEmpty();

        ClusterStore.Session started = store.inTransaction(c -> {
            ClusterStore.sessionEvent(c, B, "s-b", 7, 1_000L, null);
            return ClusterStore.sessionEvent(c, A, "s-a", 7, 500L, null);
        });
        ClusterStore.Session ended = store.inTransaction(c -> ClusterStore.sessionEvent(c, A, "s-a", 7, null, 9_000L));
        store.inTransaction(c -> {
            ClusterStore.role(c, new UploadRoles.Change(A, "s-a", 7, UploadRoles.PRIMARY, A, "first"), 9_001L);
            return null;
        });

        assertThat(started.ended()).isNull();
        assertThat(ended).extracting(ClusterStore.Session::started, ClusterStore.Session::ended)
                .containsExactly(500L, 9_000L);
        assertThat(store.undelivered(A)).extracting(ClusterStore.Session::sessionId, ClusterStore.Session::role)
                .containsExactly(tuple("s-a", UploadRoles.PRIMARY));
        store.delivered(A, "s-a", UploadRoles.STANDBY);
        assertThat(store.undelivered(A)).as("another role was delivered").hasSize(1);
        store.delivered(A, "s-a", UploadRoles.PRIMARY);
        assertThat(store.undelivered(A)).isEmpty();
        assertThat(owed(A)).hasSize(1);
        store.inTransaction(c -> {
            ClusterStore.uploaded(c, A, "s-a");
            return null;
        });
        assertThat(owed(A)).isEmpty();
        assertThat(store.sessions(7, 10)).extracting(ClusterStore.Session::nodeId).containsExactly(B, A);
    }

    private List<ClusterStore.Session> owed(String nodeId) {
        return store.inTransaction(c -> ClusterStore.uploadsOwed(c, nodeId));
    }

    // ---- the nodes' events

    @OnBothDatabases
    void nodeEventSentTwiceIsStoredOnceAndItsAckPositionNeverMovesBack(ClusterBackend backend) {
        open(backend);
        nodes(A);
        EventLog log = new EventLog(database.dataSource(), "central", new ObjectMapper());

        EventLog.Recorded<Object> first = storeNodeEvent(log, A, 5);
        EventLog.Recorded<Object> again = storeNodeEvent(log, A, 5);
        storeNodeEvent(log, A, 3);

        assertThat(first.duplicate()).isFalse();
        assertThat(again.duplicate()).isTrue();
        assertThat(again.seq()).isEqualTo(first.seq());
        assertThat(log.after(0, 10)).hasSize(2);
        assertThat(store.lastAcked(A)).isEqualTo(5);
    }

    private static EventLog.Recorded<Object> storeNodeEvent(EventLog log, String nodeId, long nodeSeq) {
        return log.record("FileClosed", Map.of("nodeSeq", nodeSeq), nodeId + ":" + nodeSeq, (c, seq) -> {
            ClusterStore.eventStored(c, nodeId, nodeSeq);
            return null;
        });
    }

    @OnBothDatabases
    void nodeEventItsAckPositionAndItsJobAreCommittedTogetherOrNotAtAll(ClusterBackend backend) {
        open(backend);
        nodes(A);
        EventLog log = new EventLog(database.dataSource(), "central", new ObjectMapper());
        Job job = new Job(A, 7, 100L, "RUNNING", "a/b.flv", START, "{\"id\":7}");

        assertThatThrownBy(() -> log.record("JobChanged", Map.of(), A + ":9", (c, seq) -> {
            ClusterStore.eventStored(c, A, 9);
            ClusterStore.jobReported(c, job);
            throw new IllegalStateException("the broadcast failed");
        })).hasMessageContaining("the broadcast failed");

        assertThat(log.after(0, 10)).isEmpty();
        assertThat(store.lastAcked(A)).isZero();
        assertThat(store.jobs(null, null, null, 10, 0)).isEmpty();

        log.record("JobChanged", Map.of(), A + ":9", (c, seq) -> {
            ClusterStore.eventStored(c, A, 9);
            ClusterStore.jobReported(c, job);
            return null;
        });

        assertThat(log.after(0, 10)).hasSize(1);
        assertThat(store.lastAcked(A)).isEqualTo(9);
        assertThat(store.jobs(null, null, null, 10, 0)).extracting(NodeJob::job).containsExactly(job);
    }

    // ---- rooms

    @OnBothDatabases
    void roomAddedTwiceIsRefusedTheSecondTime(ClusterBackend backend) {
        open(backend);

        assertThat(store.addRoom(100, true, List.of("gpu"))).isTrue();
        assertThat(store.addRoom(100, false, List.of())).isFalse();

        Room room = store.room(100).orElseThrow();
        assertThat(room.autoRecord()).isTrue();
        assertThat(room.labels()).containsExactly("gpu");
        assertThat(room.nodeId()).isNull();
        assertThat(room.epoch()).isZero();
        assertThat(room.added()).isEqualTo(START);
    }

    @OnBothDatabases
    void autoRecordIsChangedKeepingThePlacementAndItsEpoch(ClusterBackend backend) {
        open(backend);
        nodes(A);
        long epoch = placed(100, A);
        clock.advance(Duration.ofMinutes(1));

        assertThat(store.autoRecord(100, false)).isTrue();

        Room room = store.room(100).orElseThrow();
        assertThat(room.autoRecord()).isFalse();
        assertThat(room.nodeId()).isEqualTo(A);
        assertThat(room.epoch()).as("not a placement").isEqualTo(epoch);
        assertThat(room.updated()).isEqualTo(START.plus(Duration.ofMinutes(1)));
        assertThat(store.autoRecord(100, true)).isTrue();
        assertThat(store.room(100).orElseThrow().autoRecord()).isTrue();
    }

    @OnBothDatabases
    void autoRecordOfARoomTheClusterLacksOrIsRemovingChangesNothing(ClusterBackend backend) {
        open(backend);
        nodes(A);
        placed(100, A);
        store.removeRoom(100);

        assertThat(store.autoRecord(100, false)).isFalse();
        assertThat(store.autoRecord(200, false)).isFalse();

        assertThat(store.room(100).orElseThrow().autoRecord()).isTrue();
        assertThat(store.room(200)).isEmpty();
    }

    @OnBothDatabases
    void removingARoomOnNoNodeDeletesIt(ClusterBackend backend) {
        open(backend);
        store.addRoom(100, true, List.of());

        assertThat(store.removeRoom(100)).isEqualTo(Removal.DELETED);

        assertThat(store.rooms()).isEmpty();
        assertThat(store.room(100).orElseThrow().removed()).isTrue();
        assertThat(store.placeable(List.of())).isEmpty();
        assertThat(store.removeRoom(100)).isEqualTo(Removal.NOT_FOUND);
    }

    @OnBothDatabases
    void aRoomAddedAgainGoesOnFromItsEpochForTheNodesKeepTheirs(ClusterBackend backend) {
        open(backend);
        nodes(A);
        long epoch = placed(100, A);
        store.removeRoom(100);
        store.removalApplied(100, A);

        assertThat(store.addRoom(100, true, List.of())).isTrue();

        Room again = store.room(100).orElseThrow();
        assertThat(again.removed()).isFalse();
        assertThat(again.nodeId()).isNull();
        assertThat(again.epoch()).isEqualTo(epoch);
        assertThat(store.place(100, A, epoch).orElseThrow()).isGreaterThan(epoch);
    }

    @OnBothDatabases
    void removingAPlacedRoomLeavesATombstoneUntilItsNodeHasAppliedIt(ClusterBackend backend) {
        open(backend);
        nodes(A);
        placed(100, A);

        assertThat(store.removeRoom(100)).isEqualTo(Removal.PENDING_ON_NODE);

        assertThat(store.rooms()).isEmpty();
        assertThat(store.room(100).orElseThrow().removed()).isTrue();
        assertThat(store.roomsOf(A)).extracting(Room::roomId, Room::removed)
                .containsExactly(tuple(100L, true));
        assertThat(store.removeRoom(100)).isEqualTo(Removal.NOT_FOUND);
        assertThat(store.removalApplied(100, B)).isFalse();

        assertThat(store.removalApplied(100, A)).isTrue();

        assertThat(store.room(100).orElseThrow()).extracting(Room::removed, Room::nodeId).containsExactly(true, null);
        assertThat(store.roomsOf(A)).isEmpty();
    }

    @OnBothDatabases
    void addingARoomWhoseRemovalIsPendingCancelsTheRemoval(ClusterBackend backend) {
        open(backend);
        nodes(A);
        placed(100, A);
        store.removeRoom(100);

        assertThat(store.addRoom(100, false, List.of("jp"))).isTrue();

        Room room = store.room(100).orElseThrow();
        assertThat(room.removed()).isFalse();
        assertThat(room.autoRecord()).isFalse();
        assertThat(room.labels()).containsExactly("jp");
        assertThat(room.nodeId()).isEqualTo(A);
        assertThat(store.removalApplied(100, A)).isFalse();
    }

    @OnBothDatabases
    void placingARoomRaisesItsEpochAndNamesItsNode(ClusterBackend backend) {
        open(backend);
        nodes(A);
        store.addRoom(100, true, List.of());
        clock.advance(Duration.ofSeconds(3));

        assertThat(store.place(100, A, 0)).isEqualTo(OptionalLong.of(1));

        Room room = store.rooms().get(0);
        assertThat(room.nodeId()).isEqualTo(A);
        assertThat(room.node()).isEqualTo("node-a");
        assertThat(room.epoch()).isEqualTo(1);
        assertThat(room.placedAt()).isEqualTo(START.plusSeconds(3));
        assertThat(store.roomsOf(A)).extracting(Room::roomId).containsExactly(100L);
    }

    @OnBothDatabases
    void ofTwoPlacementsFromTheSameEpochOnlyTheFirstWins(ClusterBackend backend) {
        open(backend);
        nodes(A, B);
        store.addRoom(100, true, List.of());

        OptionalLong first = store.place(100, A, 0);
        OptionalLong second = store.place(100, B, 0);

        assertThat(first).hasValue(1);
        assertThat(second).isEmpty();
        assertThat(store.room(100).orElseThrow().nodeId()).isEqualTo(A);
        assertThat(store.room(100).orElseThrow().epoch()).isEqualTo(1);
        assertThat(store.place(100, B, 1)).hasValue(2);
    }

    @OnBothDatabases
    void ofConcurrentPlacementsFromTheSameEpochExactlyOneWins(ClusterBackend backend) throws Exception {
        open(backend);
        nodes(A, B);
        store.addRoom(100, true, List.of());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<OptionalLong>> attempts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String node = i % 2 == 0 ? A : B;
                Callable<OptionalLong> attempt = () -> {
                    go.await();
                    return store.place(100, node, 0);
                };
                attempts.add(pool.submit(attempt));
            }
            go.countDown();
            int won = 0;
            for (Future<OptionalLong> attempt : attempts) {
                won += attempt.get().isPresent() ? 1 : 0;
            }

            assertThat(won).isEqualTo(1);
            assertThat(store.room(100).orElseThrow().epoch()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @OnBothDatabases
    void unplacingARoomSaysWhyAndMakesAPlacementFromTheOldEpochFail(ClusterBackend backend) {
        open(backend);
        nodes(A, B);
        long epoch = placed(100, A);

        assertThat(store.unplace(100, "node lost", epoch)).hasValue(epoch + 1);

        Room room = store.room(100).orElseThrow();
        assertThat(room.nodeId()).isNull();
        assertThat(room.node()).isNull();
        assertThat(room.placedAt()).isNull();
        assertThat(room.unplacedReason()).isEqualTo("node lost");
        assertThat(store.place(100, B, epoch)).isEmpty();
        assertThat(store.unplace(100, "again", epoch)).isEmpty();
        assertThat(store.place(100, B, epoch + 1)).hasValue(epoch + 2);
        assertThat(store.room(100).orElseThrow().unplacedReason()).isNull();
    }

    @OnBothDatabases
    void roomWhoseRemovalIsPendingIsNeitherPlacedNorPlaceable(ClusterBackend backend) {
        open(backend);
        nodes(A, B);
        long epoch = placed(100, A);
        store.removeRoom(100);

        assertThat(store.placeable(List.of(A))).isEmpty();
        assertThat(store.place(100, B, epoch)).isEmpty();
    }

    @OnBothDatabases
    void placeableRoomsAreThoseOnNoNodeAndThoseOnALostNode(ClusterBackend backend) {
        open(backend);
        nodes(A, B, C);
        store.addRoom(1, true, List.of());
        placed(2, A);
        placed(3, B);
        placed(4, C);

        assertThat(store.placeable(List.of())).extracting(Room::roomId).containsExactly(1L);
        assertThat(store.placeable(List.of(A, C))).extracting(Room::roomId).containsExactly(1L, 2L, 4L);
    }

    @OnBothDatabases
    void roomsAreCountedPlacedAndUnplaced(ClusterBackend backend) {
        open(backend);
        nodes(A);
        store.addRoom(1, true, List.of());
        placed(2, A);
        placed(3, A);
        store.removeRoom(3);

        assertThat(store.roomCount(true)).isEqualTo(1);
        assertThat(store.roomCount(false)).isEqualTo(1);
    }

    @OnBothDatabases
    void heartbeatsAreWrittenTogetherAndNeverMoveLastSeenBack(ClusterBackend backend) {
        open(backend);
        nodes(A, B);
        Instant late = clock.instant().plusSeconds(30);
        store.heartbeats(List.of(new ClusterStore.Beat(A, 1.0, 1L, "{}", clock.instant())));
        clock.advance(Duration.ofSeconds(60));

        int updated = store.heartbeats(List.of(new ClusterStore.Beat(A, 0.5, 10L, "{\"a\":1}", late),
                new ClusterStore.Beat(B, 0.7, 20L, "{\"b\":1}", late), new ClusterStore.Beat("gone", 1.0, 1L, "{}",
                late)));
        store.heartbeats(List.of(new ClusterStore.Beat(B, 0.9, 30L, "{}", late.minusSeconds(20))));

        assertThat(updated).isEqualTo(2);
        assertThat(store.node(A).orElseThrow()).extracting(ClusterStore.Node::load, ClusterStore.Node::freeDisk,
                ClusterStore.Node::lastSeen).containsExactly(0.5, 10L, late);
        assertThat(store.node(B).orElseThrow()).extracting(ClusterStore.Node::freeDisk, ClusterStore.Node::lastSeen)
                .containsExactly(30L, late);
        assertThat(store.presences()).extracting(ClusterStore.Presence::nodeId, ClusterStore.Presence::lastSeen)
                .contains(tuple(A, late), tuple(B, late));
    }

    @OnBothDatabases
    void viewOfARoomIsTakenOnlyFromTheNodeThatHoldsItAndClearedWhenItMoves(ClusterBackend backend) {
        open(backend);
        nodes(A, B);
        long epoch = placed(100, A);

        assertThat(store.viewed(100, A, "{\"recording\":true}")).isTrue();
        assertThat(store.viewed(100, B, "{\"recording\":false}")).isFalse();
        assertThat(store.room(100).orElseThrow().view()).isEqualTo("{\"recording\":true}");

        store.place(100, B, epoch);

        assertThat(store.room(100).orElseThrow().view()).isNull();
    }

    // ---- releases

    @OnBothDatabases
    void releaseKeepsTheLatestEpochUntilTheNodeGaveTheRoomUp(ClusterBackend backend) {
        open(backend);

        store.addRelease(100, A, 3);
        store.addRelease(100, A, 5);
        store.addRelease(100, A, 4);
        store.addRelease(200, B, 1);

        assertThat(store.releases(A)).containsExactly(new Release(100, A, 5));
        assertThat(store.removeRelease(100, A)).isTrue();
        assertThat(store.removeRelease(100, A)).isFalse();
        assertThat(store.releases(A)).isEmpty();
        assertThat(store.releases(B)).containsExactly(new Release(200, B, 1));
    }

    @OnBothDatabases
    void placingARoomBackOnANodeCancelsItsRelease(ClusterBackend backend) {
        open(backend);
        nodes(A, B);
        long epoch = placed(100, B);
        store.addRelease(100, A, epoch);

        store.place(100, A, epoch);

        assertThat(store.releases(A)).isEmpty();
    }

    // ---- jobs

    @OnBothDatabases
    void jobIsListedAsItsNodeLastReportedIt(ClusterBackend backend) {
        open(backend);
        nodes(A);
        reportJob(new Job(A, 1, 100L, "RUNNING", "a.flv", START, "{\"v\":1}"));

        reportJob(new Job(A, 1, 100L, "DONE", "a.flv", START.plusSeconds(1), "{\"v\":2}"));

        assertThat(store.jobs(null, null, null, 10, 0)).containsExactly(
                new NodeJob("node-a", new Job(A, 1, 100L, "DONE", "a.flv", START.plusSeconds(1), "{\"v\":2}")));
    }

    @OnBothDatabases
    void jobsAreFilteredByNodeStatusAndRoomNewestFirstAPageAtATime(ClusterBackend backend) {
        open(backend);
        nodes(A, B);
        reportJob(new Job(A, 1, 100L, "DONE", "1.flv", START.plusSeconds(1), "{}"));
        reportJob(new Job(A, 2, 200L, "FAILED", "2.flv", START.plusSeconds(2), "{}"));
        reportJob(new Job(B, 1, 100L, "DONE", "3.flv", START.plusSeconds(3), "{}"));
        reportJob(new Job(B, 2, null, "RUNNING", null, START.plusSeconds(4), "{}"));

        assertThat(files(store.jobs(null, null, null, 10, 0))).containsExactly(null, "3.flv", "2.flv", "1.flv");
        assertThat(files(store.jobs(A, null, null, 10, 0))).containsExactly("2.flv", "1.flv");
        assertThat(files(store.jobs(null, "DONE", null, 10, 0))).containsExactly("3.flv", "1.flv");
        assertThat(files(store.jobs(null, null, 100L, 10, 0))).containsExactly("3.flv", "1.flv");
        assertThat(files(store.jobs(B, "DONE", 100L, 10, 0))).containsExactly("3.flv");
        assertThat(files(store.jobs(null, null, null, 2, 1))).containsExactly("3.flv", "2.flv");
    }

    private void reportJob(Job job) {
        JournalAccess.transaction(database.dataSource(), c -> {
            ClusterStore.jobReported(c, job);
            return null;
        });
    }

    private static List<String> files(List<NodeJob> jobs) {
        return jobs.stream().map(j -> j.job().file()).toList();
    }

    // ---- the database itself

    @OnBothDatabases
    void reopenedDatabaseHasEveryNodeRoomPlacementAndJob(ClusterBackend backend) {
        open(backend);
        nodes(A);
        long epoch = placed(100, A);
        reportJob(new Job(A, 1, 100L, "DONE", "a.flv", START, "{}"));
        database.stop();

        reopen();

        assertThat(store.node(A)).isPresent();
        assertThat(store.room(100).orElseThrow().epoch()).isEqualTo(epoch);
        assertThat(store.room(100).orElseThrow().nodeId()).isEqualTo(A);
        assertThat(store.jobs(A, null, null, 10, 0)).hasSize(1);
    }

    @Test
    void embeddedDatabaseKeepsItsTablesOnDiskNotInMemory() throws Exception {
        open(ClusterBackend.HSQLDB);

        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name, hsqldb_type FROM information_schema.system_tables "
                     + "WHERE table_schem = 'PUBLIC' ORDER BY table_name")) {
            int tables = 0;
            while (rs.next()) {
                assertThat(rs.getString(2)).as(rs.getString(1)).isEqualTo("CACHED");
                tables++;
            }
            assertThat(tables).as("8 tables, schema_version, cluster_leader, cluster_replica and cluster_session")
                    .isEqualTo(12);
        }
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private volatile Instant now = START;

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
