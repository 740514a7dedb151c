package io.nglive.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Who uploads a live session of a room recorded by two nodes. Each node's recorder has its own SessionId; the sessions
 * of the two nodes that overlap in time are the same live session. The first node whose session ends is its primary
 * and runs the upload stages; the other is standby, and is told {@code uploaded} once the primary has. A primary lost
 * before it reported the session uploaded hands the role to the other node.
 */
public final class UploadRoles {

    public static final String PRIMARY = "primary";
    public static final String STANDBY = "standby";
    public static final String UPLOADED = "uploaded";
    /** The primary could not upload its session: kept by the central only, the node is not told. */
    public static final String FAILED = "failed";

    private static final String FIRST = "the first node to end the session";
    private static final String OTHER_FIRST = "the other node ended the session first";
    private static final String LOST = "the primary was lost before it uploaded the session";
    private static final String UPLOADED_BY_PRIMARY = "the primary has uploaded the session";

    /** Two nodes' clocks and webhooks differ by a few seconds: sessions this close are taken to overlap. */
    static final Duration SLACK = Duration.ofSeconds(10);
    /** A session whose start was not reported (it began before the room was recorded twice) reaches back this far. */
    static final Duration UNKNOWN_START = Duration.ofHours(12);

    /** A session's new role; {@code primaryNode} is the node id of the session's primary (its own when primary). */
    public record Change(String nodeId, String sessionId, long roomId, String role, String primaryNode, String reason) {

        public boolean primary() {
            return PRIMARY.equals(role);
        }

        /** Whether the node is told this role ({@code uploadrole}); a failed session's node already knows. */
        public boolean told() {
            return !FAILED.equals(role);
        }
    }

    private UploadRoles() {
    }

    /**
     * {@code ended}'s session ended: its role, and the other node's when it takes over from a lost primary.
     * {@code others}: the room's sessions on other nodes; {@code lost}: whether a node was declared lost.
     */
    public static List<Change> ended(ClusterStore.Session ended, List<ClusterStore.Session> others,
            Predicate<String> lost) {
        if (ended.role() != null) {
            return List.of();
        }
        List<ClusterStore.Session> same = others.stream().filter(o -> overlap(ended, o)).toList();
        List<ClusterStore.Session> primaries = same.stream().filter(o -> PRIMARY.equals(o.role())).toList();
        if (primaries.isEmpty()) {
            return List.of(change(ended, PRIMARY, ended.nodeId(), FIRST));
        }
        Optional<ClusterStore.Session> owing = primaries.stream().filter(p -> !p.uploaded()).findFirst();
        if (owing.isPresent() && !lost.test(owing.get().nodeId())) {
            return List.of(change(ended, STANDBY, owing.get().nodeId(), OTHER_FIRST));
        }
        if (owing.isPresent()) {
            return List.of(change(ended, PRIMARY, ended.nodeId(), LOST),
                    change(owing.get(), STANDBY, ended.nodeId(), LOST));
        }
        // every primary uploaded its part; a recording of the other node's that has not ended may hold the rest
        String uploader = primaries.get(0).nodeId();
        List<ClusterStore.Session> unfinished = same.stream().filter(o -> o.role() == null && o.ended() == null)
                .toList();
        if (unfinished.stream().anyMatch(o -> !lost.test(o.nodeId()))) {
            return List.of(change(ended, STANDBY, uploader, "part of the session is uploaded; the rest waits for the "
                    + "other node's recording to end"));
        }
        if (!unfinished.isEmpty()) {
            return List.of(change(ended, PRIMARY, ended.nodeId(), LOST));
        }
        return List.of(change(ended, UPLOADED, uploader, UPLOADED_BY_PRIMARY));
    }

    /**
     * {@code primary} reported its session uploaded: each standby session it covers is uploaded once every session of
     * the other nodes that overlaps it is an uploaded primary ({@code roomSessions}: the room's, every node's).
     */
    public static List<Change> uploaded(ClusterStore.Session primary, List<ClusterStore.Session> roomSessions) {
        if (!PRIMARY.equals(primary.role())) {
            return List.of();
        }
        List<Change> changes = new ArrayList<>();
        for (ClusterStore.Session standby : roomSessions) {
            if (!STANDBY.equals(standby.role()) || standby.nodeId().equals(primary.nodeId())
                    || !overlap(primary, standby)) {
                continue;
            }
            boolean covered = roomSessions.stream()
                    .filter(o -> !o.nodeId().equals(standby.nodeId()) && overlap(standby, o))
                    .allMatch(o -> PRIMARY.equals(o.role()) && (o.uploaded() || same(o, primary)));
            if (covered) {
                changes.add(change(standby, UPLOADED, primary.nodeId(), UPLOADED_BY_PRIMARY));
            }
        }
        return changes;
    }

    /**
     * {@code lostNode} was declared lost: each of its sessions it owes ({@code owed}: primary and not uploaded, or not
     * ended) goes to the other node's ended standby session, if there is one (a session still recording decides when
     * it ends, in {@link #ended}).
     */
    public static List<Change> lost(String lostNode, List<ClusterStore.Session> owed,
            List<ClusterStore.Session> roomSessions) {
        List<Change> changes = new ArrayList<>();
        for (ClusterStore.Session session : owed) {
            heir(session, roomSessions).ifPresent(heir -> {
                changes.add(change(heir, PRIMARY, heir.nodeId(), LOST));
                changes.add(change(session, STANDBY, heir.nodeId(), LOST));
            });
        }
        return changes;
    }

    /**
     * The primary reported that it cannot upload its session (no recording of it, a job failed for good): the
     * session is {@code failed} (the node is not told: it knows) and the other node's ended standby session, if there
     * is one, uploads it; a session still recording is primary when it ends ({@link #ended} passes over a failed one).
     */
    public static List<Change> notUploaded(ClusterStore.Session primary, List<ClusterStore.Session> roomSessions,
            String reason) {
        if (!PRIMARY.equals(primary.role()) || primary.uploaded()) {
            return List.of();
        }
        String why = "the primary could not upload the session: " + reason;
        List<Change> changes = new ArrayList<>();
        changes.add(change(primary, FAILED, null, why));
        heir(primary, roomSessions).ifPresent(heir -> changes.add(change(heir, PRIMARY, heir.nodeId(), why)));
        return changes;
    }

    /** The other node's ended standby session of the same broadcast, which can upload it. */
    private static Optional<ClusterStore.Session> heir(ClusterStore.Session session,
            List<ClusterStore.Session> roomSessions) {
        return roomSessions.stream().filter(o -> o.roomId() == session.roomId()
                && !o.nodeId().equals(session.nodeId()) && o.ended() != null && STANDBY.equals(o.role())
                && overlap(session, o)).findFirst();
    }

    private static boolean same(ClusterStore.Session a, ClusterStore.Session b) {
        return a.nodeId().equals(b.nodeId()) && a.sessionId().equals(b.sessionId());
    }

    /** Whether two sessions (node times, in epoch milliseconds) overlap, one still recording reaching to now. */
    static boolean overlap(ClusterStore.Session a, ClusterStore.Session b) {
        long slack = SLACK.toMillis();
        return start(a) <= end(b) + slack && start(b) <= end(a) + slack;
    }

    private static long end(ClusterStore.Session s) {
        return s.ended() != null ? s.ended() : Long.MAX_VALUE - SLACK.toMillis();
    }

    private static long start(ClusterStore.Session s) {
        if (s.started() != null) {
            return s.started();
        }
        return s.ended() != null ? s.ended() - UNKNOWN_START.toMillis() : Long.MIN_VALUE;
    }

    private static Change change(ClusterStore.Session session, String role, String primaryNode, String reason) {
        return new Change(session.nodeId(), session.sessionId(), session.roomId(), role, primaryNode, reason);
    }
}
