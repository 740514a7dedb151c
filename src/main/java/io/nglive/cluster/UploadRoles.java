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

    /** Two nodes' clocks and webhooks differ by a few seconds: sessions this close are taken to overlap. */
    static final Duration SLACK = Duration.ofSeconds(10);
    /** A session whose start was not reported (it began before the room was recorded twice) reaches back this far. */
    static final Duration UNKNOWN_START = Duration.ofHours(12);

    /** A session's new role; {@code primaryNode} is the node id of the session's primary (its own when primary). */
    public record Change(String nodeId, String sessionId, long roomId, String role, String primaryNode, String reason) {

        public boolean primary() {
            return PRIMARY.equals(role);
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
        Optional<ClusterStore.Session> primary = same.stream().filter(o -> PRIMARY.equals(o.role())).findFirst();
        if (primary.isEmpty()) {
            return List.of(change(ended, PRIMARY, ended.nodeId(), "the first node to end the session"));
        }
        ClusterStore.Session first = primary.get();
        if (first.uploaded()) {
            return List.of(change(ended, UPLOADED, first.nodeId(), "the primary has uploaded the session"));
        }
        if (!lost.test(first.nodeId())) {
            return List.of(change(ended, STANDBY, first.nodeId(), "the other node ended the session first"));
        }
        String why = "the primary was lost before it uploaded the session";
        return List.of(change(ended, PRIMARY, ended.nodeId(), why), change(first, STANDBY, ended.nodeId(), why));
    }

    /** {@code primary} reported its session uploaded: the standby sessions it was primary for are uploaded. */
    public static List<Change> uploaded(ClusterStore.Session primary, List<ClusterStore.Session> others) {
        if (!PRIMARY.equals(primary.role())) {
            return List.of();
        }
        return others.stream().filter(o -> STANDBY.equals(o.role()) && primary.nodeId().equals(o.primaryNode())
                && overlap(primary, o)).map(o -> change(o, UPLOADED, primary.nodeId(),
                "the primary has uploaded the session")).toList();
    }

    /**
     * {@code lostNode} was declared lost: each of its sessions it is primary for and has not uploaded goes to the other
     * node's ended session, if there is one (a session still recording decides when it ends, in {@link #ended}).
     */
    public static List<Change> lost(String lostNode, List<ClusterStore.Session> owed,
            List<ClusterStore.Session> roomSessions) {
        List<Change> changes = new ArrayList<>();
        String why = "the primary was lost before it uploaded the session";
        for (ClusterStore.Session session : owed) {
            roomSessions.stream()
                    .filter(o -> o.roomId() == session.roomId() && !o.nodeId().equals(lostNode) && o.ended() != null
                            && STANDBY.equals(o.role()) && overlap(session, o))
                    .findFirst()
                    .ifPresent(heir -> {
                        changes.add(change(heir, PRIMARY, heir.nodeId(), why));
                        changes.add(change(session, STANDBY, heir.nodeId(), why));
                    });
        }
        return changes;
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
