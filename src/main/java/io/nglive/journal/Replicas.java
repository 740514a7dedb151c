package io.nglive.journal;

import static io.nglive.journal.JournalAccess.query;
import static io.nglive.journal.JournalAccess.transaction;
import static io.nglive.journal.JournalAccess.update;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * Rooms the central server records on two nodes (addroom with {@code replicas: 2}) and, for each of their sessions,
 * which node uploads it (uploadrole): what the node was told, kept in its database so that a restart knows it too.
 */
public final class Replicas {

    /** This node uploads the session. */
    public static final String PRIMARY = "primary";
    /** The other node uploads the session; this one keeps its files. */
    public static final String STANDBY = "standby";
    /** The other node has uploaded the session. */
    public static final String UPLOADED = "uploaded";
    public static final List<String> ROLES = List.of(PRIMARY, STANDBY, UPLOADED);

    /** A session's role, and the name of the node that uploads it (null when the central server gave none). */
    public record Role(String role, String primary) {
    }

    /** A job's session: its room, whether the room is recorded twice, and the role given to the session, if any. */
    public record Session(long roomId, String sessionId, boolean replicated, Optional<Role> role) {
    }

    /** What a role changed: how many jobs, and those that go on in the pipeline. */
    public record Applied(int jobs, List<Long> resumed) {
    }

    private final DataSource dataSource;
    private final JobJournal journal;

    public Replicas(DataSource dataSource, JobJournal journal) {
        this.dataSource = dataSource;
        this.journal = journal;
    }

    /** Remembers that the room is recorded twice, or forgets it. */
    public void replicated(long roomId, boolean replicated) {
        transaction(dataSource, c -> replicated
                ? update(c, "MERGE INTO replica_room USING (VALUES (CAST(? AS BIGINT))) AS v (room_id) "
                        + "ON replica_room.room_id = v.room_id WHEN NOT MATCHED THEN INSERT VALUES (v.room_id)", roomId)
                : forget(c, roomId));
    }

    /** Forgets that the room is recorded twice, in the caller's transaction (the room's removal). */
    public static int forget(Connection c, long roomId) throws SQLException {
        return update(c, "DELETE FROM replica_room WHERE room_id = ?", roomId);
    }

    /** The session of a job that has one (the recorder said which), with what is known of its replicas. */
    public Optional<Session> session(long jobId) {
        return transaction(dataSource, c -> query(c, "SELECT job.room_id, job.session_id, "
                + "replica_room.room_id AS replicated, replica_session.role, replica_session.primary_node FROM job "
                + "LEFT JOIN replica_room ON replica_room.room_id = job.room_id "
                + "LEFT JOIN replica_session ON replica_session.session_id = job.session_id "
                + "WHERE job.id = ? AND job.session_id IS NOT NULL AND job.room_id IS NOT NULL", jobId)
                .stream().findFirst().map(row -> new Session(((Number) row.get("room_id")).longValue(),
                        (String) row.get("session_id"), row.get("replicated") != null,
                        Optional.ofNullable((String) row.get("role"))
                                .map(role -> new Role(role, (String) row.get("primary_node"))))));
    }

    /**
     * Stores the session's role (replacing the one before) and applies it to the session's jobs that wait for one:
     * {@code primary} makes WAITING and STANDBY jobs PENDING and {@code standby} makes WAITING ones STANDBY, in one
     * transaction; {@code uploaded} moves none here (the caller makes each DONE with its event).
     */
    public Applied apply(long roomId, String sessionId, Role role) {
        return transaction(dataSource, c -> {
            update(c, "MERGE INTO replica_session USING (VALUES (CAST(? AS VARCHAR(128)), CAST(? AS BIGINT), "
                    + "CAST(? AS VARCHAR(16)), CAST(? AS VARCHAR(200)), CAST(? AS VARCHAR(40)))) "
                    + "AS v (session_id, room_id, role, primary_node, updated) "
                    + "ON replica_session.session_id = v.session_id WHEN MATCHED THEN UPDATE SET "
                    + "room_id = v.room_id, role = v.role, primary_node = v.primary_node, updated = v.updated "
                    + "WHEN NOT MATCHED THEN INSERT (session_id, room_id, role, primary_node, updated) "
                    + "VALUES (v.session_id, v.room_id, v.role, v.primary_node, v.updated)",
                    sessionId, roomId, role.role(), role.primary(), OffsetDateTime.now().toString());
            List<Long> resumed = new ArrayList<>();
            int changed = 0;
            for (Map.Entry<Long, String> job : journal.session(c, sessionId).entrySet()) {
                String to = next(role.role(), job.getValue());
                if (to == null || journal.move(c, job.getKey(), job.getValue(), to) == 0) {
                    continue;
                }
                changed++;
                if (to.equals(JobJournal.PENDING)) {
                    resumed.add(job.getKey());
                }
            }
            return new Applied(changed, resumed);
        });
    }

    /**
     * The jobs that wait for a role although their room is not recorded twice any more (addroom without
     * {@code replicas: 2}, or the room's removal) become PENDING, in one transaction; returns them, by id, with their
     * files. Nobody would give them a role now. STANDBY jobs stay: the other node uploads their session.
     */
    public Map<Long, String> resumeUnreplicated() {
        return transaction(dataSource, c -> {
            Map<Long, String> resumed = new LinkedHashMap<>();
            for (Map<String, Object> row : query(c, "SELECT id, file FROM job WHERE status = ? AND NOT EXISTS "
                    + "(SELECT 1 FROM replica_room WHERE replica_room.room_id = job.room_id) ORDER BY id",
                    JobJournal.WAITING)) {
                long id = ((Number) row.get("id")).longValue();
                if (journal.move(c, id, JobJournal.WAITING, JobJournal.PENDING) == 1) {
                    resumed.put(id, (String) row.get("file"));
                }
            }
            return resumed;
        });
    }

    /** Whether this node reported that it cannot upload the session (SessionNotUploaded). */
    public boolean reportedNotUploaded(String sessionId) {
        return transaction(dataSource, c -> !query(c, "SELECT 1 FROM replica_session WHERE session_id = ? "
                + "AND not_uploaded IS NOT NULL", sessionId).isEmpty());
    }

    /** Marks the session reported not uploaded, in the caller's transaction (with its event). */
    public int notUploaded(Connection c, String sessionId) throws SQLException {
        return update(c, "UPDATE replica_session SET not_uploaded = ? WHERE session_id = ?",
                OffsetDateTime.now().toString(), sessionId);
    }

    /** The status a role gives a job that waits for one; null when the job stays as it is. */
    private static String next(String role, String status) {
        boolean waiting = status.equals(JobJournal.WAITING);
        if (!waiting && !status.equals(JobJournal.STANDBY)) {
            return null;
        }
        return switch (role) {
            case PRIMARY -> JobJournal.PENDING;
            case STANDBY -> waiting ? JobJournal.STANDBY : null;
            // each made DONE with its own event (ReplicaGate.uploadedElsewhere), so that the central server hears it
            default -> null;
        };
    }
}
