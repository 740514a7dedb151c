package io.nglive.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nglive.events.EventLog;
import io.nglive.protocol.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who uploads each session of a room recorded twice, on the central server: the nodes' session events decide it
 * ({@link UploadRoles}, in the transaction that stores the event), a lost node hands its sessions over, and each role
 * is sent to its node as {@code uploadrole} until the node has taken it. The decisions are journalled in
 * {@code cluster_session}.
 */
final class SessionUploads {

    private static final Logger LOG = LoggerFactory.getLogger(SessionUploads.class);
    /** Node events that may decide who uploads a session of a room recorded twice. */
    private static final Set<String> SESSION_EVENTS = Set.of("SessionStarted", "SessionEnded", "SessionUploaded",
            "SessionNotUploaded");
    /** How far back a session's decision looks for the other node's sessions (node times). */
    private static final Duration WINDOW = Duration.ofDays(2);
    /** Roles a connected node has not taken are sent again this often. */
    static final Duration ROLES_AGAIN_EVERY = Duration.ofSeconds(10);

    private final ClusterStore store;
    private final EventLog events;
    private final NodeSessions sessions;
    private final ObjectMapper json;
    /** Where the nodes' answers are handled (the central's coordinator). */
    private final Executor answers;
    private final Function<String, String> nodeName;
    private final Predicate<String> lost;
    /**
     * Held while roles are read and decided (a node's session event, a node lost), so that two nodes ending the same
     * session at once cannot both be made primary. Only the leader writes (its term fences the others), so a lock in
     * this process is enough.
     */
    private final Object lock = new Object();
    private Instant toldAgain = Instant.now();

    SessionUploads(ClusterStore store, EventLog events, NodeSessions sessions, ObjectMapper json, Executor answers,
                   Function<String, String> nodeName, Predicate<String> lost) {
        this.store = store;
        this.events = events;
        this.sessions = sessions;
        this.json = json;
        this.answers = answers;
        this.nodeName = nodeName;
        this.lost = lost;
    }

    /** Whether the node's event may decide roles: a session event of a room recorded twice. */
    boolean decides(Event event) {
        return SESSION_EVENTS.contains(event.type()) && event.body().path("roomId").canConvertToLong()
                && store.replica(event.body().get("roomId").asLong()).isPresent();
    }

    /** Runs {@code work} (the storing of a session event that {@link #decides}) under the roles' lock. */
    <T> T locked(Supplier<T> work) {
        synchronized (lock) {
            return work.get();
        }
    }

    /**
     * In the transaction that stores a node's session event of a room recorded twice: the session as the node reported
     * it, and the upload roles this decides ({@link UploadRoles}), written before the event is acknowledged.
     */
    List<UploadRoles.Change> decide(Connection c, String nodeId, Event event) throws SQLException {
        JsonNode body = event.body();
        String sessionId = body.path("sessionId").asText("");
        if (sessionId.isEmpty()) {
            return List.of();
        }
        long roomId = body.get("roomId").asLong();
        long time = nodeTime(body);
        List<UploadRoles.Change> changes;
        switch (event.type()) {
            case "SessionStarted" -> {
                ClusterStore.sessionEvent(c, nodeId, sessionId, roomId, time, null);
                return List.of();
            }
            case "SessionEnded" -> {
                ClusterStore.Session ended = ClusterStore.sessionEvent(c, nodeId, sessionId, roomId, null, time);
                changes = UploadRoles.ended(ended, ClusterStore.sessionsOf(c, roomId, time - WINDOW.toMillis())
                        .stream().filter(other -> !other.nodeId().equals(nodeId)).toList(), lost);
            }
            default -> {
                Optional<ClusterStore.Session> primary = ClusterStore.session(c, nodeId, sessionId);
                if (primary.isEmpty()) {
                    return List.of();
                }
                long since = Optional.ofNullable(primary.get().ended()).orElse(time) - WINDOW.toMillis();
                if (event.type().equals("SessionUploaded")) {
                    ClusterStore.uploaded(c, nodeId, sessionId);
                    changes = UploadRoles.uploaded(primary.get(), ClusterStore.sessionsOf(c, roomId, since));
                } else {
                    changes = UploadRoles.notUploaded(primary.get(), ClusterStore.sessionsOf(c, roomId, since),
                            body.path("reason").asText("no reason given"));
                }
            }
        }
        long now = System.currentTimeMillis();
        for (UploadRoles.Change change : changes) {
            ClusterStore.role(c, change, now);
        }
        return changes;
    }

    /** The event's time as the node gave it, in epoch milliseconds; now when it gave none that can be read. */
    private static long nodeTime(JsonNode body) {
        try {
            return OffsetDateTime.parse(body.path("time").asText()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return System.currentTimeMillis();
        }
    }

    /** The node was declared lost: the sessions it owed an upload go to the other node's recording. */
    void handOver(String nodeId) {
        List<UploadRoles.Change> changes = locked(() -> store.inTransaction(c -> {
            List<ClusterStore.Session> owed = ClusterStore.uploadsOwed(c, nodeId);
            List<ClusterStore.Session> roomSessions = new ArrayList<>();
            long since = System.currentTimeMillis() - WINDOW.toMillis();
            for (long roomId : owed.stream().map(ClusterStore.Session::roomId).distinct().toList()) {
                roomSessions.addAll(ClusterStore.sessionsOf(c, roomId, since));
            }
            List<UploadRoles.Change> decided = UploadRoles.lost(nodeId, owed, roomSessions);
            long now = System.currentTimeMillis();
            for (UploadRoles.Change change : decided) {
                ClusterStore.role(c, change, now);
            }
            return decided;
        }));
        tell(changes);
    }

    /**
     * Each new role is sent to its node (and again until the node answers: {@link #tellAgain}); a new primary is an
     * event.
     */
    void tell(List<UploadRoles.Change> changes) {
        for (UploadRoles.Change change : changes) {
            if (change.told()) {
                sendRole(change.nodeId(), change.sessionId(), change.roomId(), change.role(), change.primaryNode());
            }
        }
        for (UploadRoles.Change change : changes) {
            if (change.primary()) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("roomId", change.roomId());
                fields.put("sessionId", change.sessionId());
                fields.put("nodeId", change.nodeId());
                fields.put("nodeName", nodeName.apply(change.nodeId()));
                fields.put("reason", change.reason());
                events.record("ReplicaPrimary", fields);
                LOG.info("room {}: node {} uploads session {} ({})", change.roomId(), nodeName.apply(change.nodeId()),
                        change.sessionId(), change.reason());
            } else if (!change.told()) {
                LOG.warn("room {}: node {} does not upload session {} ({})", change.roomId(),
                        nodeName.apply(change.nodeId()), change.sessionId(), change.reason());
            }
        }
    }

    /**
     * Every {@link #ROLES_AGAIN_EVERY} (the central's one-second watch asks): the roles not taken yet by connected
     * nodes, sent again (a node busy or slow to answer, a lost reply).
     */
    void tellAgainWhenDue(Instant now) {
        if (Duration.between(toldAgain, now).compareTo(ROLES_AGAIN_EVERY) < 0) {
            return;
        }
        toldAgain = now;
        for (ClusterStore.Session session : store.undelivered()) {
            if (sessions.connected(session.nodeId())) {
                sendRole(session.nodeId(), session.sessionId(), session.roomId(), session.role(),
                        session.primaryNode());
            }
        }
    }

    /** The roles {@code nodeId} has not taken, sent again (it said hello). */
    void tellAgain(String nodeId) {
        store.undelivered(nodeId).forEach(session -> sendRole(nodeId, session.sessionId(), session.roomId(),
                session.role(), session.primaryNode()));
    }

    private void sendRole(String nodeId, String sessionId, long roomId, String role, String primaryNode) {
        ObjectNode args = json.createObjectNode().put("roomid", roomId).put("session", sessionId).put("role", role)
                .put("primary", nodeName.apply(primaryNode));
        sessions.command(nodeId, "uploadrole", args, null).whenCompleteAsync((reply, failure) -> {
            if (failure == null && reply.ok()) {
                store.delivered(nodeId, sessionId, role);
            } else {
                LOG.warn("room {}: node {} did not take its role {} for session {} ({}); sent again in {} s",
                        roomId, nodeName.apply(nodeId), role, sessionId,
                        failure != null ? failure.getMessage() : reply.code() + " " + reply.message(),
                        ROLES_AGAIN_EVERY.toSeconds());
            }
        }, answers);
    }
}
