package io.nglive.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import javax.sql.DataSource;

import io.nglive.journal.JournalAccess;

/**
 * The central server's state: nodes, the cluster's rooms and their placement, handover releases and the nodes' jobs
 * ({@link ClusterDatabase} holds the tables). Every statement runs on HSQLDB and PostgreSQL alike.
 */
public final class ClusterStore {

    /** A node as last heard of; {@code rooms} is how many rooms are placed on it. */
    public record Node(String nodeId, String name, int capacity, List<String> labels, String version,
                       boolean connected, Instant firstSeen, Instant lastSeen, long lastAcked, String heartbeat,
                       Long freeDisk, Double load, int rooms) {
    }

    /** A room of the cluster; {@code nodeId} and {@code node} (its name) are null while it is not placed. */
    public record Room(long roomId, boolean autoRecord, List<String> labels, String nodeId, String node, long epoch,
                       Instant placedAt, String unplacedReason, String view, Instant added, Instant updated,
                       boolean removed) {
    }

    /**
     * A replicated room's second placement: its node (null while it has none, {@code unplacedReason} saying why) and
     * the room's epoch when it was placed there.
     */
    public record Replica(long roomId, String nodeId, String node, long epoch, Instant placedAt, String unplacedReason) {
    }

    /**
     * A node's session of a replicated room, as its events reported it (times in the node's epoch milliseconds), and the
     * upload role the central gave it ({@link UploadRoles}): null while it records.
     */
    public record Session(String nodeId, String sessionId, long roomId, Long started, Long ended, String role,
                          String primaryNode, String reason, Long decided, boolean delivered, boolean uploaded) {
    }

    /** A node's name, whether its connection is open, and when it was last heard (its last stored heartbeat). */
    public record Presence(String nodeId, String name, boolean connected, Instant lastSeen) {
    }

    /** A room {@code nodeId} must give up when its current session ends; placed elsewhere at {@code epoch}. */
    public record Release(long roomId, String nodeId, long epoch) {
    }

    /** A job as a node's event last reported it; {@code body} is its JSON. */
    public record Job(String nodeId, long jobId, Long roomId, String status, String file, Instant updated,
                      String body) {
    }

    /** A job with the name of the node that reported it. */
    public record NodeJob(String node, Job job) {
    }

    /** What {@link #removeRoom} did. */
    public enum Removal {
        /** No such room, or its removal is already pending. */
        NOT_FOUND,
        /** Not placed: gone at once (its row stays, removed, so that a room added again goes on from its epoch). */
        DELETED,
        /** Placed: kept as a tombstone until its node has applied the removal ({@link #removalApplied}). */
        PENDING_ON_NODE
    }

    private static final String ROOM_COLUMNS = "r.room_id, r.auto_record, r.labels, r.node_id, n.name AS node, "
            + "r.epoch, r.placed_at, r.unplaced_reason, r.view, r.added, r.updated, r.removed "
            + "FROM cluster_room r LEFT JOIN cluster_node n ON n.node_id = r.node_id";
    // the rooms per node in one grouped pass, not one count per node
    private static final String NODE_COLUMNS = "n.node_id, n.name, n.capacity, n.labels, n.version, n.connected, "
            + "n.first_seen, n.last_seen, n.last_acked, n.heartbeat, n.free_disk, n.load, "
            + "COALESCE(c.rooms, 0) + COALESCE(s.rooms, 0) AS rooms FROM cluster_node n LEFT JOIN (SELECT node_id, "
            + "COUNT(*) AS rooms FROM cluster_room WHERE removed = FALSE AND node_id IS NOT NULL GROUP BY node_id) c "
            + "ON c.node_id = n.node_id LEFT JOIN (SELECT s.node_id, COUNT(*) AS rooms FROM cluster_replica s "
            + "JOIN cluster_room r ON r.room_id = s.room_id WHERE s.node_id IS NOT NULL AND r.removed = FALSE "
            + "GROUP BY s.node_id) s ON s.node_id = n.node_id";
    // one node's rooms counted through the index on cluster_room.node_id, not by grouping every room
    private static final String ONE_NODE_COLUMNS = "n.node_id, n.name, n.capacity, n.labels, n.version, n.connected, "
            + "n.first_seen, n.last_seen, n.last_acked, n.heartbeat, n.free_disk, n.load, (SELECT COUNT(*) FROM "
            + "cluster_room c WHERE c.node_id = n.node_id AND c.removed = FALSE) + (SELECT COUNT(*) FROM cluster_replica s "
            + "JOIN cluster_room r ON r.room_id = s.room_id WHERE s.node_id = n.node_id AND r.removed = FALSE) AS rooms "
            + "FROM cluster_node n";

    private final DataSource dataSource;
    private final Clock clock;

    public ClusterStore(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    ClusterStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    // ---- nodes

    /** A node said hello: records what it said and that it is connected; true when it was never seen before. */
    public boolean hello(String nodeId, String name, int capacity, List<String> labels, String version) {
        long now = clock.millis();
        return JournalAccess.transaction(dataSource, c -> {
            if (JournalAccess.update(c, "UPDATE cluster_node SET name = ?, capacity = ?, labels = ?, version = ?, "
                    + "connected = TRUE, last_seen = ? WHERE node_id = ?",
                    name, capacity, joined(labels), version, now, nodeId) == 1) {
                return false;
            }
            JournalAccess.update(c, "INSERT INTO cluster_node (node_id, name, capacity, labels, version, connected, "
                    + "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, TRUE, ?, ?)",
                    nodeId, name, capacity, joined(labels), version, now, now);
            return true;
        });
    }

    /** A node's heartbeat as it was received: its cpu load, free disk and JSON, and when it came. */
    public record Beat(String nodeId, Double load, Long freeDisk, String json, Instant heard) {
    }

    /**
     * Nodes' latest heartbeats (JSON, cpu load, free disk, when each came) in one transaction; last_seen never moves
     * back. Returns how many known nodes were updated.
     */
    public int heartbeats(Collection<Beat> beats) {
        if (beats.isEmpty()) {
            return 0;
        }
        return JournalAccess.transaction(dataSource, c -> {
            int updated = 0;
            for (Beat beat : beats) {
                updated += JournalAccess.update(c, "UPDATE cluster_node SET load = ?, free_disk = ?, heartbeat = ?, "
                        + "last_seen = GREATEST(last_seen, ?) WHERE node_id = ?", beat.load(), beat.freeDisk(),
                        beat.json(), beat.heard().toEpochMilli(), beat.nodeId());
            }
            return updated;
        });
    }

    /** The node's connection closed, or it was found lost; its last_seen stays when it was last heard. */
    public void disconnected(String nodeId) {
        JournalAccess.transaction(dataSource, c -> JournalAccess.update(c,
                "UPDATE cluster_node SET connected = FALSE WHERE node_id = ?", nodeId));
    }

    /** Every node ever seen, by name. */
    public List<Node> nodes() {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT " + NODE_COLUMNS
                + " ORDER BY n.name, n.node_id")).stream().map(ClusterStore::node).toList();
    }

    /** One node, if it was ever seen. */
    public Optional<Node> node(String nodeId) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT " + ONE_NODE_COLUMNS
                + " WHERE n.node_id = ?", nodeId)).stream().map(ClusterStore::node).findFirst();
    }

    /** Every node ever seen, without its room count: what the one-second watch needs, read cheaply. */
    public List<Presence> presences() {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c,
                "SELECT node_id, name, connected, last_seen FROM cluster_node")).stream()
                .map(row -> new Presence((String) row.get("node_id"), (String) row.get("name"),
                        (Boolean) row.get("connected"), Instant.ofEpochMilli(longOf(row, "last_seen"))))
                .toList();
    }

    /** The highest node seq stored from {@code nodeId} (0 for a node never seen). */
    public long lastAcked(String nodeId) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c,
                "SELECT last_acked FROM cluster_node WHERE node_id = ?", nodeId)).stream()
                .mapToLong(row -> ((Number) row.get("last_acked")).longValue()).findFirst().orElse(0);
    }

    /** In the transaction that stored the node's event {@code nodeSeq}: its ack position moves up, never back. */
    public static void eventStored(Connection c, String nodeId, long nodeSeq) throws SQLException {
        JournalAccess.update(c, "UPDATE cluster_node SET last_acked = GREATEST(last_acked, ?) WHERE node_id = ?",
                nodeSeq, nodeId);
    }

    // ---- rooms

    /** Adds a room, not placed; false when it is already there (a pending removal is cancelled instead). */
    public boolean addRoom(long roomId, boolean autoRecord, List<String> labels) {
        return addRoom(roomId, autoRecord, labels, 1);
    }

    /** Adds a room recorded by {@code replicas} nodes (1 or 2), not placed; false when it is already there. */
    public boolean addRoom(long roomId, boolean autoRecord, List<String> labels, int replicas) {
        long now = clock.millis();
        return JournalAccess.transaction(dataSource, c -> {
            List<Map<String, Object>> rows =
                    JournalAccess.query(c, "SELECT removed FROM cluster_room WHERE room_id = ?", roomId);
            if (rows.isEmpty()) {
                JournalAccess.update(c, "INSERT INTO cluster_room (room_id, auto_record, labels, added, updated) "
                        + "VALUES (?, ?, ?, ?, ?)", roomId, autoRecord, joined(labels), now, now);
            } else if (Boolean.TRUE.equals(rows.get(0).get("removed"))) {
                // a removal pending on its node is cancelled; a room removed earlier comes back at its epoch
                JournalAccess.update(c, "UPDATE cluster_room SET removed = FALSE, auto_record = ?, labels = ?, "
                        + "updated = ? WHERE room_id = ?", autoRecord, joined(labels), now, roomId);
            } else {
                return false;
            }
            boolean replicated = !JournalAccess.query(c, "SELECT room_id FROM cluster_replica WHERE room_id = ?",
                    roomId).isEmpty();
            if (replicas > 1 && !replicated) {
                JournalAccess.update(c, "INSERT INTO cluster_replica (room_id) VALUES (?)", roomId);
            } else if (replicas <= 1 && replicated) {
                // a second node that still holds the room from before its removal gives it up when it next says hello
                JournalAccess.update(c, "DELETE FROM cluster_replica WHERE room_id = ?", roomId);
            }
            return true;
        });
    }

    /**
     * Sets whether the room is recorded automatically (its node is told separately); false when the cluster does not
     * have the room, or its removal is pending.
     */
    public boolean autoRecord(long roomId, boolean autoRecord) {
        long now = clock.millis();
        return JournalAccess.transaction(dataSource, c -> JournalAccess.update(c, "UPDATE cluster_room SET "
                + "auto_record = ?, updated = ? WHERE room_id = ? AND removed = FALSE", autoRecord, now, roomId)) == 1;
    }

    /** Removes a room: at once when it is not placed, else as a tombstone its node must apply first. */
    public Removal removeRoom(long roomId) {
        long now = clock.millis();
        return JournalAccess.transaction(dataSource, c -> {
            if (JournalAccess.update(c, "UPDATE cluster_room SET removed = TRUE, unplaced_reason = NULL, updated = ? "
                    + "WHERE room_id = ? AND node_id IS NULL AND removed = FALSE", now, roomId) == 1) {
                return Removal.DELETED;
            }
            return JournalAccess.update(c, "UPDATE cluster_room SET removed = TRUE, updated = ? "
                    + "WHERE room_id = ? AND removed = FALSE", now, roomId) == 1 ? Removal.PENDING_ON_NODE : Removal.NOT_FOUND;
        });
    }

    /**
     * The node {@code nodeId} no longer has the removed room: the room is on no node. Its row stays, removed, with its
     * epoch: nodes keep the epochs they saw, so a room added again must go on from it. False when there was nothing
     * to apply.
     */
    public boolean removalApplied(long roomId, String nodeId) {
        long now = clock.millis();
        return JournalAccess.transaction(dataSource, c -> JournalAccess.update(c, "UPDATE cluster_room SET "
                + "node_id = NULL, placed_at = NULL, view = NULL, updated = ? "
                + "WHERE room_id = ? AND node_id = ? AND removed = TRUE", now, roomId, nodeId)) == 1;
    }

    /** One room, a removed one included (pending on its node, or on none). */
    public Optional<Room> room(long roomId) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c,
                "SELECT " + ROOM_COLUMNS + " WHERE r.room_id = ?", roomId)).stream().map(ClusterStore::room).findFirst();
    }

    /** The cluster's rooms (pending removals left out), by room id. */
    public List<Room> rooms() {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c,
                "SELECT " + ROOM_COLUMNS + " WHERE r.removed = FALSE ORDER BY r.room_id")).stream()
                .map(ClusterStore::room).toList();
    }

    /** The rooms placed on {@code nodeId}, pending removals included (the node must still apply them). */
    public List<Room> roomsOf(String nodeId) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c,
                "SELECT " + ROOM_COLUMNS + " WHERE r.node_id = ? ORDER BY r.room_id", nodeId)).stream()
                .map(ClusterStore::room).toList();
    }

    /** Rooms to place: those on no node, and those on one of {@code lostNodeIds}; pending removals left out. */
    public List<Room> placeable(Collection<String> lostNodeIds) {
        List<Object> args = new ArrayList<>(lostNodeIds);
        String onLost = lostNodeIds.isEmpty() ? ""
                : " OR r.node_id IN (" + String.join(", ", Collections.nCopies(lostNodeIds.size(), "?")) + ")";
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT " + ROOM_COLUMNS
                + " WHERE r.removed = FALSE AND (r.node_id IS NULL" + onLost + ") ORDER BY r.room_id",
                args.toArray())).stream().map(ClusterStore::room).toList();
    }

    /** How many of the cluster's rooms are placed on a node ({@code true}) or on none ({@code false}). */
    public long roomCount(boolean placed) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT COUNT(*) AS rooms "
                + "FROM cluster_room WHERE removed = FALSE AND node_id IS " + (placed ? "NOT NULL" : "NULL")))
                .stream().mapToLong(row -> longOf(row, "rooms")).sum();
    }

    /**
     * Places the room on {@code nodeId} if its epoch is still {@code expectedEpoch}; returns the new epoch, or empty
     * when the placement changed meanwhile (a concurrent decision won). A release of it by that node is void.
     */
    public OptionalLong place(long roomId, String nodeId, long expectedEpoch) {
        long now = clock.millis();
        return JournalAccess.transaction(dataSource, c -> {
            // the epoch check is in the same statement as the write: no read-then-write race between instances
            if (JournalAccess.update(c, "UPDATE cluster_room SET node_id = ?, epoch = epoch + 1, placed_at = ?, "
                    + "unplaced_reason = NULL, view = NULL, updated = ? WHERE room_id = ? AND epoch = ? AND removed = FALSE",
                    nodeId, now, now, roomId, expectedEpoch) == 0) {
                return OptionalLong.empty();
            }
            JournalAccess.update(c, "DELETE FROM cluster_release WHERE room_id = ? AND node_id = ?", roomId, nodeId);
            return OptionalLong.of(expectedEpoch + 1);
        });
    }

    /** Takes the room off its node, saying why, if its epoch is still {@code expectedEpoch}; returns the new epoch. */
    public OptionalLong unplace(long roomId, String reason, long expectedEpoch) {
        long now = clock.millis();
        int updated = JournalAccess.transaction(dataSource, c -> JournalAccess.update(c, "UPDATE cluster_room SET "
                + "node_id = NULL, epoch = epoch + 1, placed_at = NULL, unplaced_reason = ?, view = NULL, updated = ? "
                + "WHERE room_id = ? AND epoch = ? AND removed = FALSE", reason, now, roomId, expectedEpoch));
        return updated == 1 ? OptionalLong.of(expectedEpoch + 1) : OptionalLong.empty();
    }

    /** The node's view of a room it holds (JSON: recording, streaming, title...); false when it does not hold it. */
    public boolean viewed(long roomId, String nodeId, String view) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.update(c,
                "UPDATE cluster_room SET view = ? WHERE room_id = ? AND node_id = ?", view, roomId, nodeId)) == 1;
    }

    // ---- second placements (replicas: 2)

    private static final String REPLICA_COLUMNS = "s.room_id, s.node_id, n.name AS node, s.epoch, s.placed_at, "
            + "s.unplaced_reason FROM cluster_replica s LEFT JOIN cluster_node n ON n.node_id = s.node_id";

    /** The room's second placement, if it is replicated. */
    public Optional<Replica> replica(long roomId) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT " + REPLICA_COLUMNS
                + " WHERE s.room_id = ?", roomId)).stream().map(ClusterStore::replica).findFirst();
    }

    /** Every replicated room's second placement, by room id. */
    public List<Replica> replicas() {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT " + REPLICA_COLUMNS
                + " ORDER BY s.room_id")).stream().map(ClusterStore::replica).toList();
    }

    /** Second placements to make: of rooms in the list, on no node or on one of {@code lostNodeIds}. */
    public List<Replica> replicasToPlace(Collection<String> lostNodeIds) {
        List<Object> args = new ArrayList<>(lostNodeIds);
        String onLost = lostNodeIds.isEmpty() ? ""
                : " OR s.node_id IN (" + String.join(", ", Collections.nCopies(lostNodeIds.size(), "?")) + ")";
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT " + REPLICA_COLUMNS
                + " JOIN cluster_room r ON r.room_id = s.room_id WHERE r.removed = FALSE AND (s.node_id IS NULL"
                + onLost + ") ORDER BY s.room_id", args.toArray())).stream().map(ClusterStore::replica).toList();
    }

    /**
     * Puts the room's second placement on {@code nodeId} if the room's epoch is still {@code expectedEpoch}; returns
     * the new epoch, or empty when a concurrent decision changed the room. A release of it by that node is void.
     */
    public OptionalLong placeReplica(long roomId, String nodeId, long expectedEpoch) {
        long now = clock.millis();
        return JournalAccess.transaction(dataSource, c -> {
            if (JournalAccess.update(c, "UPDATE cluster_room SET epoch = epoch + 1, updated = ? "
                    + "WHERE room_id = ? AND epoch = ? AND removed = FALSE", now, roomId, expectedEpoch) == 0) {
                return OptionalLong.empty();
            }
            JournalAccess.update(c, "UPDATE cluster_replica SET node_id = ?, epoch = ?, placed_at = ?, "
                    + "unplaced_reason = NULL WHERE room_id = ?", nodeId, expectedEpoch + 1, now, roomId);
            JournalAccess.update(c, "DELETE FROM cluster_release WHERE room_id = ? AND node_id = ?", roomId, nodeId);
            return OptionalLong.of(expectedEpoch + 1);
        });
    }

    /** The room's second placement is on no node, for {@code reason}; false when it was so already for that reason. */
    public boolean unplaceReplica(long roomId, String reason) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.update(c, "UPDATE cluster_replica SET "
                + "node_id = NULL, placed_at = NULL, unplaced_reason = ? WHERE room_id = ? AND (node_id IS NOT NULL "
                + "OR unplaced_reason IS NULL OR unplaced_reason <> ?)", reason, roomId, reason)) == 1;
    }

    /**
     * {@code nodeId} no longer has the room, removed from the cluster: its second placement is gone too ({@code null}:
     * a removed room whose second placement was on no node).
     */
    public boolean replicaRemovalApplied(long roomId, String nodeId) {
        // the room looked up by its key: every removeroom a node answers comes here, on the one placement thread
        String removed = " AND EXISTS (SELECT r.room_id FROM cluster_room r WHERE r.room_id = ? AND r.removed = TRUE)";
        return JournalAccess.transaction(dataSource, c -> nodeId == null
                ? JournalAccess.update(c, "DELETE FROM cluster_replica WHERE room_id = ? AND node_id IS NULL" + removed,
                        roomId, roomId)
                : JournalAccess.update(c, "DELETE FROM cluster_replica WHERE room_id = ? AND node_id = ?" + removed,
                        roomId, nodeId, roomId)) == 1;
    }

    // ---- sessions of replicated rooms, and who uploads each

    private static final String SESSION_COLUMNS = "node_id, session_id, room_id, started, ended, role, primary_node, "
            + "reason, decided, delivered, uploaded FROM cluster_session";

    /**
     * In the transaction that stores a node's SessionStarted or SessionEnded: the session as it stands after it, its
     * start or end (the node's time) written once.
     */
    static Session sessionEvent(Connection c, String nodeId, String sessionId, long roomId, Long started, Long ended)
            throws SQLException {
        if (JournalAccess.query(c, "SELECT session_id FROM cluster_session WHERE node_id = ? AND session_id = ?",
                nodeId, sessionId).isEmpty()) {
            JournalAccess.update(c, "INSERT INTO cluster_session (node_id, session_id, room_id, started, ended) "
                    + "VALUES (?, ?, ?, ?, ?)", nodeId, sessionId, roomId, started, ended);
        } else if (started != null) {
            JournalAccess.update(c, "UPDATE cluster_session SET started = COALESCE(started, ?) "
                    + "WHERE node_id = ? AND session_id = ?", started, nodeId, sessionId);
        } else if (ended != null) {
            JournalAccess.update(c, "UPDATE cluster_session SET ended = COALESCE(ended, ?) "
                    + "WHERE node_id = ? AND session_id = ?", ended, nodeId, sessionId);
        }
        return session(c, nodeId, sessionId).orElseThrow();
    }

    static Optional<Session> session(Connection c, String nodeId, String sessionId) throws SQLException {
        return JournalAccess.query(c, "SELECT " + SESSION_COLUMNS + " WHERE node_id = ? AND session_id = ?", nodeId,
                sessionId).stream().map(ClusterStore::session).findFirst();
    }

    /**
     * In a transaction: the sessions of a room, every node's, that had not ended by {@code since} (node time, epoch
     * milliseconds): the ones a decision about a session of then can concern, not the room's whole history.
     */
    static List<Session> sessionsOf(Connection c, long roomId, long since) throws SQLException {
        return JournalAccess.query(c, "SELECT " + SESSION_COLUMNS + " WHERE room_id = ? AND (ended IS NULL OR "
                + "ended >= ?) ORDER BY COALESCE(started, ended), node_id, session_id", roomId, since)
                .stream().map(ClusterStore::session).toList();
    }

    /**
     * In a transaction: the sessions {@code nodeId} owes an upload: primary and not reported uploaded, or still
     * recording (undecided).
     */
    static List<Session> uploadsOwed(Connection c, String nodeId) throws SQLException {
        return JournalAccess.query(c, "SELECT " + SESSION_COLUMNS + " WHERE node_id = ? AND (role = ? AND uploaded = "
                + "FALSE OR role IS NULL AND ended IS NULL)", nodeId, UploadRoles.PRIMARY).stream()
                .map(ClusterStore::session).toList();
    }

    /** In a transaction: a session's new role, to be sent to its node (not delivered yet) when the node is told it. */
    static void role(Connection c, UploadRoles.Change change, long now) throws SQLException {
        JournalAccess.update(c, "UPDATE cluster_session SET role = ?, primary_node = ?, reason = ?, decided = ?, "
                + "delivered = ? WHERE node_id = ? AND session_id = ?", change.role(), change.primaryNode(),
                change.reason(), now, !change.told(), change.nodeId(), change.sessionId());
    }

    /** In a transaction: the primary reported the session uploaded. */
    static void uploaded(Connection c, String nodeId, String sessionId) throws SQLException {
        JournalAccess.update(c, "UPDATE cluster_session SET uploaded = TRUE WHERE node_id = ? AND session_id = ?",
                nodeId, sessionId);
    }

    /** Runs {@code work} in one transaction (the upload roles' decisions, which read and write several sessions). */
    <T> T inTransaction(JournalAccess.Work<T> work) {
        return JournalAccess.transaction(dataSource, work);
    }

    /** The node answered the session's uploadrole for {@code role}; a role changed since stays to be sent. */
    public void delivered(String nodeId, String sessionId, String role) {
        JournalAccess.transaction(dataSource, c -> JournalAccess.update(c, "UPDATE cluster_session SET delivered = TRUE "
                + "WHERE node_id = ? AND session_id = ? AND role = ?", nodeId, sessionId, role));
    }

    /** The roles {@code nodeId} has not been told yet. */
    public List<Session> undelivered(String nodeId) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT " + SESSION_COLUMNS
                + " WHERE node_id = ? AND role IS NOT NULL AND delivered = FALSE", nodeId)).stream()
                .map(ClusterStore::session).toList();
    }

    /** Every node's roles not told yet (sent again while their nodes are connected). */
    public List<Session> undelivered() {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT " + SESSION_COLUMNS
                + " WHERE role IS NOT NULL AND delivered = FALSE")).stream().map(ClusterStore::session).toList();
    }

    /** A room's latest sessions, every node's, newest first. */
    public List<Session> sessions(long roomId, int limit) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT " + SESSION_COLUMNS
                + " WHERE room_id = ? ORDER BY COALESCE(started, ended) DESC, node_id, session_id LIMIT ?", roomId,
                limit)).stream()
                .map(ClusterStore::session).toList();
    }

    // ---- releases

    /** {@code nodeId} must give the room up at the end of its current session; the latest epoch is kept. */
    public void addRelease(long roomId, String nodeId, long epoch) {
        JournalAccess.transaction(dataSource, c -> {
            if (JournalAccess.update(c, "UPDATE cluster_release SET epoch = GREATEST(epoch, ?) "
                    + "WHERE room_id = ? AND node_id = ?", epoch, roomId, nodeId) == 0) {
                JournalAccess.update(c, "INSERT INTO cluster_release (room_id, node_id, epoch) VALUES (?, ?, ?)",
                        roomId, nodeId, epoch);
            }
            return null;
        });
    }

    /** The rooms {@code nodeId} must still give up. */
    public List<Release> releases(String nodeId) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c,
                "SELECT room_id, node_id, epoch FROM cluster_release WHERE node_id = ? ORDER BY room_id", nodeId)).stream()
                .map(row -> new Release(longOf(row, "room_id"), (String) row.get("node_id"), longOf(row, "epoch")))
                .toList();
    }

    /** The node gave the room up; false when it had no release of it. */
    public boolean removeRelease(long roomId, String nodeId) {
        return JournalAccess.transaction(dataSource, c -> JournalAccess.update(c,
                "DELETE FROM cluster_release WHERE room_id = ? AND node_id = ?", roomId, nodeId)) == 1;
    }

    // ---- jobs

    /** In the transaction that stored the node's job event: the job as it reported it, replacing what was known. */
    public static void jobReported(Connection c, Job job) throws SQLException {
        long updated = job.updated().toEpochMilli();
        if (JournalAccess.update(c, "UPDATE cluster_job SET room_id = ?, status = ?, file = ?, updated = ?, body = ? "
                + "WHERE node_id = ? AND job_id = ?", job.roomId(), job.status(), job.file(), updated, job.body(),
                job.nodeId(), job.jobId()) == 0) {
            JournalAccess.update(c, "INSERT INTO cluster_job (node_id, job_id, room_id, status, file, updated, body) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)", job.nodeId(), job.jobId(), job.roomId(), job.status(), job.file(),
                    updated, job.body());
        }
    }

    /** The jobs matching each filter that is not null, most recently updated first, one page of them. */
    public List<NodeJob> jobs(String nodeId, String status, Long roomId, int limit, int offset) {
        StringBuilder sql = new StringBuilder("SELECT n.name AS node, j.node_id, j.job_id, j.room_id, j.status, j.file, "
                + "j.updated, j.body FROM cluster_job j LEFT JOIN cluster_node n ON n.node_id = j.node_id WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        // a filter's condition is only written when it is given: PostgreSQL cannot type a bare "? IS NULL"
        if (nodeId != null) {
            sql.append(" AND j.node_id = ?");
            args.add(nodeId);
        }
        if (status != null) {
            sql.append(" AND j.status = ?");
            args.add(status);
        }
        if (roomId != null) {
            sql.append(" AND j.room_id = ?");
            args.add(roomId);
        }
        sql.append(" ORDER BY j.updated DESC, j.node_id, j.job_id DESC LIMIT ? OFFSET ?");
        args.add(limit);
        args.add(offset);
        return JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, sql.toString(), args.toArray()))
                .stream().map(row -> new NodeJob((String) row.get("node"), new Job((String) row.get("node_id"),
                        longOf(row, "job_id"), nullableLong(row, "room_id"), (String) row.get("status"),
                        (String) row.get("file"), Instant.ofEpochMilli(longOf(row, "updated")), (String) row.get("body"))))
                .toList();
    }

    private static Node node(Map<String, Object> row) {
        return new Node((String) row.get("node_id"), (String) row.get("name"), ((Number) row.get("capacity")).intValue(),
                labels((String) row.get("labels")), (String) row.get("version"), (Boolean) row.get("connected"),
                Instant.ofEpochMilli(longOf(row, "first_seen")), Instant.ofEpochMilli(longOf(row, "last_seen")),
                longOf(row, "last_acked"), (String) row.get("heartbeat"), nullableLong(row, "free_disk"),
                row.get("load") instanceof Number n ? n.doubleValue() : null, ((Number) row.get("rooms")).intValue());
    }

    private static Room room(Map<String, Object> row) {
        Long placedAt = nullableLong(row, "placed_at");
        return new Room(longOf(row, "room_id"), (Boolean) row.get("auto_record"), labels((String) row.get("labels")),
                (String) row.get("node_id"), (String) row.get("node"), longOf(row, "epoch"),
                placedAt == null ? null : Instant.ofEpochMilli(placedAt), (String) row.get("unplaced_reason"),
                (String) row.get("view"), Instant.ofEpochMilli(longOf(row, "added")),
                Instant.ofEpochMilli(longOf(row, "updated")), (Boolean) row.get("removed"));
    }

    private static Replica replica(Map<String, Object> row) {
        Long placedAt = nullableLong(row, "placed_at");
        return new Replica(longOf(row, "room_id"), (String) row.get("node_id"), (String) row.get("node"),
                longOf(row, "epoch"), placedAt == null ? null : Instant.ofEpochMilli(placedAt),
                (String) row.get("unplaced_reason"));
    }

    private static Session session(Map<String, Object> row) {
        return new Session((String) row.get("node_id"), (String) row.get("session_id"), longOf(row, "room_id"),
                nullableLong(row, "started"), nullableLong(row, "ended"), (String) row.get("role"),
                (String) row.get("primary_node"), (String) row.get("reason"), nullableLong(row, "decided"),
                (Boolean) row.get("delivered"), (Boolean) row.get("uploaded"));
    }

    private static String joined(List<String> labels) {
        return String.join(",", labels);
    }

    private static List<String> labels(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(label -> !label.isEmpty()).toList();
    }

    private static long longOf(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    private static Long nullableLong(Map<String, Object> row, String column) {
        return row.get(column) instanceof Number n ? n.longValue() : null;
    }
}
