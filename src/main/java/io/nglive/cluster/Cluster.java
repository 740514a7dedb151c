package io.nglive.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nglive.central.CentralCommands;
import io.nglive.events.EventLog;
import io.nglive.journal.JournalException;
import io.nglive.protocol.Event;
import io.nglive.protocol.Hello;
import io.nglive.protocol.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The central server's decisions: which node records which room. Nodes join and leave through {@link NodeSessions};
 * their events are stored in the central's outbox; every placement is decided on one thread (the coordinator), written
 * under the room's epoch, then sent to the node as a command. The database holds the cluster's desired state, so a
 * restart of the central server only has to wait for its nodes to come back.
 */
public final class Cluster {

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {
    };
    /** Node events that say something about a room's live state, and what they say. */
    private static final Set<String> VIEW_FIELDS = Set.of("title", "name", "areaNameParent", "areaNameChild");
    /** Heartbeats come every 5 s from each node: they are written to the database in one transaction this often. */
    private static final Duration BEATS_WRITTEN_EVERY = Duration.ofSeconds(5);
    private static final int BEATS_PER_TRANSACTION = 50;
    /** A node that did not answer allroom, or did not know yet what its recorder does, is asked again after this. */
    private static final Duration ALLROOM_AGAIN_AFTER = Duration.ofSeconds(10);
    /** Unplaced rooms are tried again at least this often, even when no node came or went. */
    private static final Duration PLACED_AT_LEAST_EVERY = Duration.ofSeconds(30);

    private final ClusterStore store;
    private final EventLog events;
    private final NodeSessions sessions;
    private final Duration nodeTimeout;
    private final ReplicaSpread spread;
    private final ObjectMapper json;
    private final ScheduledExecutorService coordinator;
    private final Instant started = Instant.now();
    /** Nodes declared lost, until they say hello again. */
    private final Set<String> lost = ConcurrentHashMap.newKeySet();
    /** Lost nodes whose uploads owed are still to be handed over (kept until that is written). */
    private final Set<String> handOverDue = ConcurrentHashMap.newKeySet();
    /** Nodes whose rooms are managed in their recorder (webhook-only): they take no rooms. */
    private final Set<String> roomsManagedElsewhere = ConcurrentHashMap.newKeySet();
    /**
     * Connected nodes whose rooms were read (allroom) since their hello: only these take rooms, so that a webhook-only
     * node is not given one before it has said so, nor a node whose recorder's rooms are not known yet.
     */
    private final Set<String> reconciled = ConcurrentHashMap.newKeySet();
    /** Each node's pending second reading of its rooms ({@link #askAgainLater}). */
    private final Map<String, ScheduledFuture<?>> askAgain = new ConcurrentHashMap<>();
    /** Nodes in the session of their first hello: a room their recorder had before they joined is adopted. */
    private final Set<String> firstSession = ConcurrentHashMap.newKeySet();
    /** Rooms a node refused to add, and the nodes that refused, until they reconnect. */
    private final Map<Long, Set<String>> refusals = new ConcurrentHashMap<>();
    /** Each node's latest heartbeat not yet written: written together every {@link #BEATS_WRITTEN_EVERY}. */
    private final Map<String, ClusterStore.Beat> beats = new ConcurrentHashMap<>();
    /** Nodes' names by id, as their hellos gave them (the events and the log name nodes often). */
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final DatabaseOutage outage = new DatabaseOutage(Clock.systemUTC());
    /** Who uploads each session of a room recorded twice. */
    private final SessionUploads uploads;
    /** Something changed that may let an unplaced room fit (set from any thread, read on the coordinator). */
    private volatile boolean placementDue = true;
    private Instant beatsWritten = Instant.EPOCH;
    private Instant placedAll = Instant.EPOCH;

    public Cluster(ClusterStore store, EventLog events, NodeSessions sessions, Duration nodeTimeout,
                   ReplicaSpread spread, ObjectMapper json, ScheduledExecutorService coordinator) {
        this.store = store;
        this.events = events;
        this.sessions = sessions;
        this.nodeTimeout = nodeTimeout;
        this.spread = spread;
        this.uploads = new SessionUploads(store, events, sessions, json, coordinator, this::nodeName, lost::contains);
        this.json = json;
        this.coordinator = coordinator;
        sessions.handTo(this);
    }

    // ---- what the nodes say (on the node's own worker, in the order it said it)

    void joined(Hello hello) {
        boolean first = store.hello(hello.nodeId(), hello.node(), Math.max(0, hello.capacity()), hello.labels(),
                hello.version());
        lost.remove(hello.nodeId());
        reconciled.remove(hello.nodeId());
        names.put(hello.nodeId(), hello.node());
        placementDue = true;
        if (first) {
            firstSession.add(hello.nodeId());
        }
        refusals.values().forEach(nodes -> nodes.remove(hello.nodeId()));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("nodeId", hello.nodeId());
        fields.put("nodeName", hello.node());
        fields.put("version", hello.version());
        fields.put("capacity", hello.capacity());
        fields.put("labels", hello.labels());
        fields.put("firstJoin", first);
        events.record("NodeJoined", fields);
        LOG.info("node {} ({}) joined{}; it acknowledged up to seq {}", hello.node(), hello.nodeId(),
                first ? " for the first time" : "", hello.lastAcked());
        coordinator.execute(() -> reconcile(hello.nodeId()));
    }

    void disconnected(String nodeId, String name) {
        // its last heartbeat first: the node's silence is counted from the last_seen it writes
        ClusterStore.Beat last = beats.get(nodeId);
        JournalException unwritten = null;
        try {
            if (last != null) {
                store.heartbeats(List.of(last));
                beats.remove(nodeId, last);
            }
        } catch (JournalException e) {
            unwritten = e;
        }
        if (sessions.connected(nodeId)) {
            // it dialled again before this close was handled: the newer connection is the node
            return;
        }
        firstSession.remove(nodeId);
        reconciled.remove(nodeId);
        Optional.ofNullable(askAgain.remove(nodeId)).ifPresent(later -> later.cancel(false));
        try {
            store.disconnected(nodeId);
        } catch (JournalException e) {
            unwritten = e;
        }
        if (unwritten != null) {
            // the watch writes the heartbeat later, and the disconnection when it finds the node lost
            LOG.warn("node {} ({}) disconnected; not written yet ({})", name, nodeId, unwritten.getMessage());
            return;
        }
        LOG.info("node {} ({}) disconnected; its rooms stay for {} unless it comes back", name, nodeId, nodeTimeout);
    }

    void heartbeat(String nodeId, Event heartbeat) {
        JsonNode body = heartbeat.body();
        Double load = body.path("cpu").path("percent").isNumber() ? body.path("cpu").path("percent").asDouble() : null;
        Long free = body.path("disk").path("free").canConvertToLong() ? body.path("disk").path("free").asLong() : null;
        beats.put(nodeId, new ClusterStore.Beat(nodeId, load, free, body.toString(), Instant.now()));
    }

    /**
     * The heartbeats received since the last write, a few nodes per transaction (a long one would hold up the nodes'
     * event transactions on the same rows). A write that fails leaves its beats and the rest to the next one, unless
     * newer came, and throws.
     */
    private void writeBeats() {
        List<ClusterStore.Beat> due = new ArrayList<>();
        for (String nodeId : List.copyOf(beats.keySet())) {
            ClusterStore.Beat beat = beats.remove(nodeId);
            if (beat != null) {
                due.add(beat);
            }
        }
        for (int from = 0; from < due.size(); from += BEATS_PER_TRANSACTION) {
            List<ClusterStore.Beat> chunk = due.subList(from, Math.min(due.size(), from + BEATS_PER_TRANSACTION));
            try {
                store.heartbeats(chunk);
            } catch (JournalException e) {
                due.subList(from, due.size()).forEach(beat -> beats.putIfAbsent(beat.nodeId(), beat));
                throw e;
            }
        }
    }

    /** Stores a node's event (once, however often it is sent), with its job, before it is acknowledged. */
    void eventFrom(String nodeId, String name, Event event) {
        Map<String, Object> fields = json.convertValue(event.body(), FIELDS);
        fields.remove("type");
        fields.remove("seq");
        Object time = fields.remove("time");
        fields.remove("node");
        fields.put("nodeId", nodeId);
        fields.put("nodeSeq", event.seq());
        fields.put("nodeTime", time);
        ClusterStore.Job job = NodeJobs.from(nodeId, event);
        // only a session event of a room recorded twice decides upload roles, under their lock; the others go on
        boolean decides = uploads.decides(event);
        EventLog.InTransaction<List<UploadRoles.Change>> stored = (c, seq) -> {
            ClusterStore.eventStored(c, nodeId, event.seq());
            if (job != null) {
                ClusterStore.jobReported(c, job);
            }
            return decides ? uploads.decide(c, nodeId, event) : List.of();
        };
        EventLog.Recorded<List<UploadRoles.Change>> recorded = decides
                ? uploads.locked(() -> events.recordFor(name, event.type(), fields, nodeId + ":" + event.seq(), stored))
                : events.recordFor(name, event.type(), fields, nodeId + ":" + event.seq(), stored);
        if (!recorded.duplicate()) {
            uploads.tell(recorded.extra());
            roomEvent(nodeId, event);
            if (event.type().equals("RoomAdded") && "recorder".equals(event.body().path("source").asText())) {
                // the node took a room from its recorder (it syncs after its hello): adopted or given up as at hello
                coordinator.execute(() -> reconcile(nodeId));
            }
        }
    }

    /** A recorder event about a room updates the room's view; a session's end lets a released room go. */
    private void roomEvent(String nodeId, Event event) {
        JsonNode room = event.body().get("roomId");
        if (room == null || !room.canConvertToLong()) {
            return;
        }
        long roomId = room.asLong();
        Boolean recording = switch (event.type()) {
            case "SessionStarted", "FileOpening" -> true;
            case "SessionEnded" -> false;
            default -> null;
        };
        Boolean streaming = switch (event.type()) {
            case "StreamStarted" -> true;
            case "StreamEnded" -> false;
            default -> null;
        };
        if (recording == null && streaming == null) {
            return;
        }
        store.room(roomId).filter(r -> nodeId.equals(r.nodeId())).ifPresent(r -> {
            ObjectNode view = view(r);
            if (recording != null) {
                view.put("recording", recording);
            }
            if (event.type().equals("SessionStarted")) {
                view.set("recordingSince", event.body().get("time"));
            } else if (Boolean.FALSE.equals(recording)) {
                view.putNull("recordingSince");
            }
            if (streaming != null) {
                view.put("streaming", streaming);
            }
            VIEW_FIELDS.forEach(field -> {
                if (event.body().hasNonNull(field)) {
                    view.set(field, event.body().get(field));
                }
            });
            view.put("updated", Instant.now().toString());
            store.viewed(roomId, nodeId, view.toString());
        });
        if (Boolean.FALSE.equals(recording)) {
            coordinator.execute(() -> releaseAfterSession(nodeId, roomId));
        }
    }

    // ---- decisions (on the coordinator)

    /**
     * Every second (routes/central/10-nodes): silent nodes are lost, and rooms without a live node are placed. What it
     * reads every second is small: the nodes' presence, and the rooms to place (none, most of the time).
     */
    public void watch() {
        onCoordinator(() -> {
            Instant now = Instant.now();
            try {
                if (Duration.between(beatsWritten, now).compareTo(BEATS_WRITTEN_EVERY) >= 0) {
                    writeBeats();
                    beatsWritten = now;
                }
                for (ClusterStore.Presence node : store.presences()) {
                    names.putIfAbsent(node.nodeId(), node.name());
                    findLost(node);
                }
                for (String nodeId : List.copyOf(handOverDue)) {
                    if (lost.contains(nodeId)) {
                        uploads.handOver(nodeId);
                    }
                    handOverDue.remove(nodeId);
                }
                if (placementDue || Duration.between(placedAll, now).compareTo(PLACED_AT_LEAST_EVERY) >= 0) {
                    placeAll();
                }
                uploads.tellAgainWhenDue(now);
                outage.passed();
            } catch (JournalException e) {
                // the database is away (restarting, unreachable): said once, and everything is tried again next second
                outage.failed(e);
            }
            return null;
        });
    }

    private void findLost(ClusterStore.Presence presence) {
        Optional<Long> silent = sessions.silentMillis(presence.nodeId());
        if (silent.isPresent()) {
            if (silent.get() > nodeTimeout.toMillis()) {
                sessions.drop(presence.nodeId(), "silent for " + silent.get() + " ms");
            }
            return;
        }
        if (lost.contains(presence.nodeId()) || !silentTooLong(presence)) {
            return;
        }
        ClusterStore.Node node = store.node(presence.nodeId()).orElseThrow();
        lost.add(node.nodeId());
        placementDue = true;
        handOverDue.add(node.nodeId());
        if (node.connected() || node.rooms() > 0) {
            store.disconnected(node.nodeId());
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("nodeId", node.nodeId());
            fields.put("nodeName", node.name());
            fields.put("rooms", node.rooms());
            fields.put("lastSeen", node.lastSeen() == null ? null : node.lastSeen().toString());
            events.record("NodeLost", fields);
            LOG.warn("node {} ({}) is lost: silent for more than {}; its {} rooms are placed elsewhere", node.name(),
                    node.nodeId(), nodeTimeout, node.rooms());
        }
    }

    /**
     * A connected node takes rooms once its own were read; a silent one keeps its rooms until it is declared lost.
     */
    private Node.Presence presence(String nodeId) {
        if (sessions.connected(nodeId)) {
            if (roomsManagedElsewhere.contains(nodeId)) {
                return Node.Presence.WEBHOOK_ONLY;
            }
            // joining: it keeps its rooms, and gets new ones once its allroom was answered
            return reconciled.contains(nodeId) ? Node.Presence.CONNECTED : Node.Presence.DISCONNECTED;
        }
        // lost only once findLost said so (NodeLost): the placement never sees a loss that was not announced
        return lost.contains(nodeId) ? Node.Presence.LOST : Node.Presence.DISCONNECTED;
    }

    /** No connection, and silent since its last word (or this start) for longer than the node timeout. */
    private boolean silentTooLong(ClusterStore.Presence node) {
        Instant heard = node.lastSeen() == null || node.lastSeen().isBefore(started) ? started : node.lastSeen();
        ClusterStore.Beat unwritten = beats.get(node.nodeId());
        if (unwritten != null && unwritten.heard().isAfter(heard)) {
            heard = unwritten.heard();
        }
        return Duration.between(heard, Instant.now()).compareTo(nodeTimeout) > 0;
    }

    /** Every node, as the placement sees it. */
    private List<Node> placementNodes() {
        return store.nodes().stream().map(this::placementNode).toList();
    }

    /** The nodes named, as the placement sees them (those never seen left out). */
    private List<Node> placementNodes(Set<String> nodeIds) {
        return nodeIds.stream().map(store::node).flatMap(Optional::stream).map(this::placementNode).toList();
    }

    private Node placementNode(ClusterStore.Node node) {
        return new Node(node.nodeId(), node.name(), presence(node.nodeId()), node.capacity(),
                Set.copyOf(node.labels()), node.rooms(), node.freeDisk(), node.load());
    }

    private static Room placementRoom(ClusterStore.Room room) {
        return new Room(room.roomId(), Set.copyOf(room.labels()), room.nodeId(), room.epoch());
    }

    /** Places every room that has no live node; a room that fits nowhere keeps the reason. */
    private void placeAll() {
        placementDue = false;
        placedAll = Instant.now();
        place(store.placeable(Set.copyOf(lost)));
        placeSecondCopies();
    }

    /**
     * Places the second node of each room recorded twice that has none, or whose second node is lost: a connected
     * node with the room's labels, apart from the room's node and the nodes that share its spread label.
     */
    private void placeSecondCopies() {
        List<ClusterStore.Replica> due = store.replicasToPlace(Set.copyOf(lost));
        // the nodes read once, and again only after a placement changed their counts
        List<Node> nodes = due.isEmpty() ? List.of() : placementNodes();
        for (ClusterStore.Replica replica : due) {
            ClusterStore.Room room = store.room(replica.roomId()).orElse(null);
            if (room == null || room.removed()) {
                continue;
            }
            Set<String> together = room.nodeId() == null ? Set.of() : spread.together(room.nodeId(), nodes);
            Set<String> apart = new HashSet<>(together);
            apart.addAll(refusals.getOrDefault(room.roomId(), Set.of()));
            Room second = new Room(room.roomId(), Set.copyOf(room.labels()), replica.nodeId(), room.epoch());
            PlacementPlan plan = Placement.place(nodes.stream().filter(n -> !apart.contains(n.nodeId())).toList(),
                    List.of(second));
            for (Assignment assignment : plan.assignments()) {
                OptionalLong epoch = store.placeReplica(room.roomId(), assignment.toNodeId(), room.epoch());
                if (epoch.isEmpty()) {
                    continue;
                }
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("roomId", room.roomId());
                if (replica.nodeId() != null) {
                    fields.put("fromNodeId", replica.nodeId());
                    fields.put("fromNodeName", nodeName(replica.nodeId()));
                }
                fields.put("nodeId", assignment.toNodeId());
                fields.put("nodeName", nodeName(assignment.toNodeId()));
                fields.put("epoch", epoch.getAsLong());
                fields.put("reason", replica.nodeId() == null ? "placed" : "its node was lost");
                events.record("ReplicaPlaced", fields);
                LOG.info("room {}: its second recording placed on node {} (epoch {})", room.roomId(),
                        nodeName(assignment.toNodeId()), epoch.getAsLong());
                addOnNode(room.roomId(), assignment.toNodeId(), epoch.getAsLong());
                nodes = placementNodes();
            }
            for (Unplaced unplaced : plan.unplaced()) {
                String reason = room.nodeId() == null ? unplaced.reason() : apartFrom(together,
                        "the room is on node " + nodeName(room.nodeId()), unplaced.reason());
                if (store.unplaceReplica(room.roomId(), reason)) {
                    replicaUnplaced(room.roomId(), reason);
                }
            }
        }
    }

    /** Places those of {@code candidates} that have no live node (a new room alone, or the rooms to place). */
    private void place(List<ClusterStore.Room> candidates) {
        if (candidates.isEmpty()) {
            return;
        }
        List<Node> nodes = placementNodes();
        Map<Long, ClusterStore.Room> rooms = new LinkedHashMap<>();
        candidates.forEach(room -> rooms.put(room.roomId(), room));
        Map<Long, String> secondNodes = new HashMap<>();
        store.replicas().stream().filter(r -> r.nodeId() != null && rooms.containsKey(r.roomId()))
                .forEach(r -> secondNodes.put(r.roomId(), r.nodeId()));
        List<Room> free = new ArrayList<>();
        Map<Room, Set<String>> restricted = new LinkedHashMap<>();
        for (ClusterStore.Room room : rooms.values()) {
            // a node that refused the room is not asked again before it reconnects; a room recorded twice does not
            // go where its second recording is, nor to a node that shares its spread label
            Set<String> apart = new HashSet<>(refusals.getOrDefault(room.roomId(), Set.of()));
            Optional.ofNullable(secondNodes.get(room.roomId())).ifPresent(second ->
                    apart.addAll(spread.together(second, nodes)));
            if (apart.isEmpty()) {
                free.add(placementRoom(room));
            } else {
                restricted.put(placementRoom(room), apart);
            }
        }
        List<PlacementPlan> plans = new ArrayList<>();
        plans.add(Placement.place(nodes, free));
        restricted.forEach((room, apart) -> plans.add(Placement.place(
                nodes.stream().filter(n -> !apart.contains(n.nodeId())).toList(), List.of(room))));
        for (PlacementPlan plan : plans) {
            plan.assignments().forEach(a -> assign(a, a.moved() ? "its node was lost" : "placed"));
            for (Unplaced u : plan.unplaced()) {
                ClusterStore.Room room = rooms.get(u.roomId());
                String second = secondNodes.get(u.roomId());
                String reason = second == null ? u.reason() : apartFrom(spread.together(second, nodes),
                        "its second recording is on node " + nodeName(second), u.reason());
                if (room != null && (room.nodeId() != null || !reason.equals(room.unplacedReason()))) {
                    unplace(room, reason);
                }
            }
        }
    }

    private void replicaUnplaced(long roomId, String reason) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("roomId", roomId);
        fields.put("reason", reason);
        events.record("ReplicaUnplaced", fields);
        LOG.warn("room {}: its second recording is not placed: {}", roomId, reason);
    }

    /**
     * Why a room recorded twice fits nowhere, when the placement left nodes out to keep its two recordings apart:
     * "apart from node nas-a (the room is on node nas-a; ...): no node connected".
     */
    private String apartFrom(Set<String> apart, String why, String reason) {
        return "apart from node(s) " + apart.stream().map(this::nodeName).sorted().collect(Collectors.joining(", "))
                + " (" + why + (apart.size() > 1 ? ", and those share " + spread.shown() : "") + "): " + reason;
    }

    private void unplace(ClusterStore.Room room, String reason) {
        if (store.unplace(room.roomId(), reason, room.epoch()).isPresent()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("roomId", room.roomId());
            fields.put("reason", reason);
            events.record("RoomUnplaced", fields);
            LOG.warn("room {} is not placed: {}", room.roomId(), reason);
        }
    }

    /** Writes the placement under the room's epoch, then tells the node; a lost race changes nothing. */
    private Optional<Long> assign(Assignment assignment, String why) {
        OptionalLong epoch = store.place(assignment.roomId(), assignment.toNodeId(), assignment.epoch() - 1);
        if (epoch.isEmpty()) {
            return Optional.empty();
        }
        String node = nodeName(assignment.toNodeId());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("roomId", assignment.roomId());
        if (assignment.moved()) {
            fields.put("fromNodeId", assignment.fromNodeId());
            fields.put("fromNodeName", nodeName(assignment.fromNodeId()));
        }
        fields.put("nodeId", assignment.toNodeId());
        fields.put("nodeName", node);
        fields.put("epoch", epoch.getAsLong());
        fields.put("reason", why);
        events.record(assignment.moved() ? "RoomMoved" : "RoomPlaced", fields);
        LOG.info("room {} {} node {} (epoch {}): {}", assignment.roomId(), assignment.moved() ? "moved to" : "placed on",
                node, epoch.getAsLong(), why);
        addOnNode(assignment.roomId(), assignment.toNodeId(), epoch.getAsLong());
        return Optional.of(epoch.getAsLong());
    }

    /** Sends addroom; a node that refuses it gets the room taken back, and is not asked again until it reconnects. */
    private void addOnNode(long roomId, String nodeId, long epoch) {
        boolean autoRecord = store.room(roomId).map(ClusterStore.Room::autoRecord).orElse(true);
        ObjectNode args = json.createObjectNode().put("roomid", roomId).put("autoRecord", autoRecord);
        if (store.replica(roomId).isPresent()) {
            // sent only to a room recorded twice: a node too old to know the argument refuses the room (4002) rather
            // than upload every session a second time
            args.put("replicas", 2);
        }
        sessions.command(nodeId, "addroom", args, epoch).whenCompleteAsync((reply, failure) -> {
            if (failure != null) {
                // the node is gone or slow: it reconciles its rooms when it says hello again
                LOG.warn("room {}: node {} did not take addroom: {}", roomId, nodeName(nodeId), failure.getMessage());
            } else if (reply.code() >= 5000) {
                // busy (5030) or failing for now: not a refusal, the placement stays and addroom is sent again
                LOG.warn("room {}: node {} could not take addroom now ({} {}); sent again in {} s", roomId,
                        nodeName(nodeId), reply.code(), reply.message(), ALLROOM_AGAIN_AFTER.toSeconds());
                coordinator.schedule(() -> addAgain(roomId, nodeId), ALLROOM_AGAIN_AFTER.toMillis(),
                        TimeUnit.MILLISECONDS);
            } else if (!reply.ok() && reply.code() != 4032 && reply.code() != CentralCommands.STALE_EPOCH) {
                // 4032: it has the room already; 4096: a later placement's command reached it first
                refusals.computeIfAbsent(roomId, id -> ConcurrentHashMap.newKeySet()).add(nodeId);
                placementDue = true;
                String refused = "node " + nodeName(nodeId) + " refused it: " + reply.message() + " (" + reply.code()
                        + ")";
                // the room's epoch may have moved on since (its second placement takes the same counter): what
                // counts is that the room is still on the node that refused it
                store.room(roomId).filter(r -> nodeId.equals(r.nodeId()) && r.epoch() >= epoch)
                        .ifPresent(r -> unplace(r, refused));
                store.replica(roomId).filter(r -> nodeId.equals(r.nodeId())).ifPresent(r -> {
                    if (store.unplaceReplica(roomId, refused)) {
                        replicaUnplaced(roomId, refused);
                    }
                });
            }
        }, coordinator);
    }

    /** addroom again, at the room's epoch now, if the room (or its second recording) is still on the node. */
    private void addAgain(long roomId, String nodeId) {
        Optional<ClusterStore.Room> room = store.room(roomId).filter(r -> !r.removed());
        boolean placed = room.isPresent() && (nodeId.equals(room.get().nodeId())
                || store.replica(roomId).map(r -> nodeId.equals(r.nodeId())).orElse(false));
        if (placed && sessions.connected(nodeId)) {
            addOnNode(roomId, nodeId, room.get().epoch());
        }
    }

    /** A node said hello: its recorder's rooms are brought in line with the placement (docs/protocol.md). */
    private void reconcile(String nodeId) {
        sessions.command(nodeId, "allroom", null, null).whenCompleteAsync((reply, failure) -> {
            if (failure != null || !reply.ok() && reply.code() != 4093) {
                // it takes no rooms before they are read: asked again while it stays connected
                LOG.warn("node {}: cannot read its rooms ({}); asking again in {} s", nodeName(nodeId),
                        failure != null ? failure.getMessage() : reply.code() + " " + reply.message(),
                        ALLROOM_AGAIN_AFTER.toSeconds());
                askAgainLater(nodeId);
                return;
            }
            if (sessions.connected(nodeId)) {
                reconciled.add(nodeId);
                placementDue = true;
            }
            if (reply.code() == 4093) {
                roomsManagedElsewhere.add(nodeId);
                LOG.info("node {} manages its rooms in its recorder (webhook-only): it takes no rooms",
                        nodeName(nodeId));
                return;
            }
            roomsManagedElsewhere.remove(nodeId);
            if (reply.data() == null || !reply.data().isArray()) {
                LOG.warn("node {} answered allroom without its rooms: {} {}", nodeName(nodeId), reply.code(),
                        reply.message());
                return;
            }
            reconcile(nodeId, firstSession.contains(nodeId), reply.data());
        }, coordinator);
    }

    /**
     * Whether a room in a node's allroom may be recording: it says so, or it is not synced (the node has not heard
     * from its recorder about it: just started, or its recorder is away). Such a room is given up only after its
     * session, and the node is asked again until it knows.
     */
    private static boolean mayBeRecording(JsonNode room) {
        return room.path("recording").asBoolean(false) || !room.path("synced").asBoolean(true);
    }

    /** Reads the node's rooms again after a while; one such request per node at a time, none after it leaves. */
    private void askAgainLater(String nodeId) {
        askAgain.compute(nodeId, (id, pending) -> pending != null && !pending.isDone() ? pending
                : coordinator.schedule(() -> {
                    askAgain.remove(id);
                    if (sessions.connected(id)) {
                        reconcile(id);
                    }
                }, ALLROOM_AGAIN_AFTER.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void reconcile(String nodeId, boolean firstJoin, JsonNode held) {
        List<Handover.HeldRoom> holding = new ArrayList<>();
        Map<Long, JsonNode> views = new HashMap<>();
        boolean unsure = false;
        for (JsonNode room : held) {
            long roomId = room.path("roomId").asLong();
            unsure |= !room.path("synced").asBoolean(true);
            holding.add(new Handover.HeldRoom(roomId, mayBeRecording(room)));
            views.put(roomId, room);
        }
        if (unsure) {
            askAgainLater(nodeId);
        }
        // what this node holds or should hold, and the nodes those rooms are on: not every room and node
        Map<Long, ClusterStore.Room> rooms = new HashMap<>();
        store.roomsOf(nodeId).forEach(r -> rooms.put(r.roomId(), r));
        // the rooms whose second recording is this node's: to the handover, placed here at the room's epoch now (the
        // node may have seen a later one than its placement's, through a command sent to both nodes)
        Set<Long> seconds = new HashSet<>();
        Set<Long> recordedTwice = new HashSet<>();
        for (ClusterStore.Replica replica : store.replicas()) {
            recordedTwice.add(replica.roomId());
            if (nodeId.equals(replica.nodeId())) {
                seconds.add(replica.roomId());
            }
        }
        for (Long roomId : seconds) {
            store.room(roomId).filter(r -> !nodeId.equals(r.nodeId())).ifPresent(r -> rooms.put(roomId, r));
        }
        for (Long roomId : views.keySet()) {
            if (!rooms.containsKey(roomId)) {
                store.room(roomId).ifPresent(r -> rooms.put(roomId, r));
            }
        }
        rooms.values().removeIf(ClusterStore.Room::removed);
        Set<String> nodeIds = new HashSet<>();
        nodeIds.add(nodeId);
        rooms.values().stream().map(ClusterStore.Room::nodeId).filter(Objects::nonNull).forEach(nodeIds::add);
        List<Node> nodes = placementNodes(nodeIds);
        Node node = nodes.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst().orElse(null);
        if (node == null) {
            return;
        }
        List<Room> relevant = rooms.values().stream().map(r -> seconds.contains(r.roomId())
                && !nodeId.equals(r.nodeId()) ? new Room(r.roomId(), Set.copyOf(r.labels()), nodeId, r.epoch())
                : placementRoom(r)).toList();
        for (Handover.Step step : Handover.reconcile(node, firstJoin, holding, relevant, nodes)) {
            ClusterStore.Room room = rooms.get(step.roomId());
            JsonNode view = views.get(step.roomId());
            switch (step.decision()) {
                case KEEP -> {
                    store.viewed(step.roomId(), nodeId, nodeView(view).toString());
                    autoRecordDrift(nodeId, room, view);
                    if (recordedTwice.contains(step.roomId())) {
                        // the node learns (again) that the room is recorded twice: its answer is 4032, already added
                        addOnNode(step.roomId(), nodeId, step.epoch());
                    }
                }
                case ADD -> addOnNode(step.roomId(), nodeId, step.epoch());
                case ADOPT -> adopt(nodeId, step, room, view);
                case RELEASE_AFTER_SESSION -> {
                    store.addRelease(step.roomId(), nodeId, step.epoch());
                    LOG.info("node {} keeps room {} until its session ends: {}", nodeName(nodeId), step.roomId(),
                            step.reason());
                }
                // a room the cluster lacks has no epoch (0): its removal carries none
                case REMOVE_NOW -> removeFromNode(step.roomId(), nodeId, step.epoch() == 0 ? null : step.epoch(),
                        step.reason());
                default -> throw new IllegalStateException("unknown decision " + step.decision());
            }
        }
        // roles of its sessions it has not taken yet
        uploads.tellAgain(nodeId);
        // a release whose session ended while the node was away
        for (ClusterStore.Release release : store.releases(nodeId)) {
            JsonNode view = views.get(release.roomId());
            if (view == null || !mayBeRecording(view)) {
                releaseAfterSession(nodeId, release.roomId());
            }
        }
        placeAll();
    }

    /**
     * A room the node keeps or adopts whose autoRecord differs from the cluster's (changed while the node was away,
     * or the node could not apply it then): the cluster's is sent again. Not while the node has not heard from its
     * recorder about the room (it could not apply it; the node is asked for its rooms again until it has).
     */
    private void autoRecordDrift(String nodeId, ClusterStore.Room room, JsonNode view) {
        if (room == null || !nodeId.equals(room.nodeId()) || view == null || !view.path("synced").asBoolean(true)
                || !view.path("autoRecord").isBoolean() || view.path("autoRecord").asBoolean() == room.autoRecord()) {
            return;
        }
        forwardAutoRecord(room).whenCompleteAsync((reply, failure) -> {
            if (failure == null && reply.ok()) {
                LOG.info("room {}: node {} records it {}automatically now, as the cluster says", room.roomId(),
                        nodeName(nodeId), room.autoRecord() ? "" : "not ");
            } else {
                LOG.warn("room {}: node {} did not take autorecord {} ({}); sent again when it next reports its rooms",
                        room.roomId(), nodeName(nodeId), room.autoRecord(),
                        failure != null ? failure.getMessage() : reply.code() + " " + reply.message());
            }
        }, coordinator);
    }

    private void adopt(String nodeId, Handover.Step step, ClusterStore.Room room, JsonNode view) {
        long expected;
        if (room == null) {
            store.addRoom(step.roomId(), view == null || view.path("autoRecord").asBoolean(true), List.of());
            // a room removed from the cluster earlier comes back at its epoch
            expected = store.room(step.roomId()).map(ClusterStore.Room::epoch).orElse(0L);
        } else {
            expected = room.epoch();
        }
        OptionalLong epoch = store.place(step.roomId(), nodeId, expected);
        if (epoch.isPresent()) {
            store.viewed(step.roomId(), nodeId, nodeView(view).toString());
            if (room != null) {
                // a room the cluster had: its autoRecord, not the recorder's
                autoRecordDrift(nodeId, store.room(step.roomId()).orElse(null), view);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("roomId", step.roomId());
            fields.put("nodeId", nodeId);
            fields.put("nodeName", nodeName(nodeId));
            fields.put("epoch", epoch.getAsLong());
            fields.put("reason", step.reason());
            events.record(room == null || room.nodeId() == null ? "RoomPlaced" : "RoomMoved", fields);
            LOG.info("room {} adopted by node {} (epoch {}): {}", step.roomId(), nodeName(nodeId),
                    epoch.getAsLong(), step.reason());
        }
    }

    private void releaseAfterSession(String nodeId, long roomId) {
        store.releases(nodeId).stream().filter(r -> r.roomId() == roomId).findFirst().ifPresent(release ->
                removeFromNode(roomId, nodeId, release.epoch(), "its session ended and the room is placed elsewhere"));
    }

    /** Sends removeroom with the room's epoch now ({@code null} for a room the cluster lacks). */
    private void removeFromNode(long roomId, String nodeId, Long epoch, String why) {
        ObjectNode args = json.createObjectNode().put("roomid", roomId);
        sessions.command(nodeId, "removeroom", args, epoch).whenCompleteAsync((reply, failure) -> {
            if (failure == null && reply.code() == CentralCommands.STALE_EPOCH) {
                // the node holds the room at a later placement (it came back to it): nothing to give up
                store.removeRelease(roomId, nodeId);
                LOG.info("room {} stays on node {}: {}", roomId, nodeName(nodeId), reply.message());
            } else if (failure == null && (reply.ok() || reply.code() == 4042)) {
                store.removeRelease(roomId, nodeId);
                store.removalApplied(roomId, nodeId);
                store.replicaRemovalApplied(roomId, nodeId);
                LOG.info("room {} removed from node {}: {}", roomId, nodeName(nodeId), why);
            } else {
                LOG.warn("room {} could not be removed from node {} ({}); tried again on its next hello", roomId,
                        nodeName(nodeId), failure != null ? failure.getMessage() : reply.code() + " " + reply.message());
            }
        }, coordinator);
    }

    // ---- what the API asks (ClusterRooms), each decided on the coordinator

    /** Adds a room to the cluster and places it at once; empty when it is there already. */
    Optional<ClusterStore.Room> add(long roomId, boolean autoRecord, List<String> labels, int replicas) {
        return onCoordinator(() -> {
            if (!store.addRoom(roomId, autoRecord, labels, replicas)) {
                return Optional.empty();
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("roomId", roomId);
            fields.put("autoRecord", autoRecord);
            fields.put("labels", labels);
            fields.put("replicas", replicas);
            events.record("RoomAdded", fields);
            refusals.remove(roomId);
            // the new room alone: every other room already has its node or its reason
            place(store.room(roomId).stream().toList());
            placeSecondCopies();
            return store.room(roomId);
        });
    }

    /** Removes a room from the cluster; its node is told to drop it (when it is away, on its next hello). */
    Optional<ClusterStore.Room> remove(long roomId) {
        return onCoordinator(() -> {
            Optional<ClusterStore.Room> room = store.room(roomId).filter(r -> !r.removed());
            if (room.isEmpty()) {
                return room;
            }
            ClusterStore.Removal removal = store.removeRoom(roomId);
            events.record("RoomRemoved", Map.of("roomId", roomId));
            store.replica(roomId).ifPresent(second -> {
                if (second.nodeId() == null) {
                    store.replicaRemovalApplied(roomId, null);
                } else if (sessions.connected(second.nodeId())) {
                    removeFromNode(roomId, second.nodeId(), room.get().epoch(), "removed from the cluster");
                }
            });
            if (removal == ClusterStore.Removal.PENDING_ON_NODE && sessions.connected(room.get().nodeId())) {
                boolean recording = view(room.get()).path("recording").asBoolean(false);
                removeFromNode(roomId, room.get().nodeId(), room.get().epoch(), recording
                        ? "removed from the cluster (its recording in progress is cut)" : "removed from the cluster");
            }
            return room;
        });
    }

    /** Sets the room's autoRecord in the cluster and records {@code RoomUpdated}; empty when there is no such room. */
    Optional<ClusterStore.Room> autoRecord(long roomId, boolean autoRecord) {
        return onCoordinator(() -> {
            if (!store.autoRecord(roomId, autoRecord)) {
                return Optional.empty();
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("roomId", roomId);
            fields.put("autoRecord", autoRecord);
            events.record("RoomUpdated", fields);
            return store.room(roomId);
        });
    }

    /** The operator's move; the old node keeps a recording in progress until its session ends. */
    ManualMove.Outcome move(long roomId, String target) {
        return onCoordinator(() -> {
            ClusterStore.Room room = store.room(roomId).filter(r -> !r.removed()).orElseThrow();
            List<Node> nodes = placementNodes();
            ManualMove.Outcome outcome = ManualMove.decide(placementRoom(room), target, nodes);
            if (outcome.refused()) {
                return outcome;
            }
            String to = outcome.assignment().toNodeId();
            Optional<String> second = store.replica(roomId).map(ClusterStore.Replica::nodeId);
            if (second.isPresent() && spread.together(second.get(), nodes).contains(to)) {
                return new ManualMove.Outcome(null, "node " + nodeName(to) + " is where the room's second recording "
                        + "is, or shares " + spread.shown() + " with it");
            }
            if (assign(outcome.assignment(), "moved by the operator").isEmpty()) {
                return new ManualMove.Outcome(null, "the room's placement changed meanwhile: try again");
            }
            String old = room.nodeId();
            if (old != null && sessions.connected(old)) {
                if (Handover.giveUp(view(room).path("recording").asBoolean(false))
                        == Handover.Decision.RELEASE_AFTER_SESSION) {
                    store.addRelease(roomId, old, outcome.assignment().epoch());
                } else {
                    removeFromNode(roomId, old, outcome.assignment().epoch(), "moved by the operator");
                }
            }
            return outcome;
        });
    }

    /** A room command (startrecording, stoprecording, split) forwarded to the room's node, with its epoch. */
    CompletableFuture<Reply> forward(ClusterStore.Room room, String command) {
        ObjectNode args = json.createObjectNode().put("roomid", room.roomId());
        alsoToSecond(room, command, args);
        return sessions.command(room.nodeId(), command, args, room.epoch());
    }

    /** A room recorded twice: its second node is sent the command too; the answer is the room's node's. */
    private void alsoToSecond(ClusterStore.Room room, String command, ObjectNode args) {
        store.replica(room.roomId()).filter(r -> r.nodeId() != null && sessions.connected(r.nodeId())).ifPresent(r ->
                sessions.command(r.nodeId(), command, args, room.epoch()).whenComplete((reply, failure) -> {
                    if (failure != null || !reply.ok()) {
                        LOG.warn("room {}: the second node {} did not take {} ({})", room.roomId(), nodeName(r.nodeId()),
                                command, failure != null ? failure.getMessage() : reply.code() + " " + reply.message());
                    }
                }));
    }

    /** The room's autoRecord, as the cluster has it, sent to the room's node with its epoch. */
    CompletableFuture<Reply> forwardAutoRecord(ClusterStore.Room room) {
        ObjectNode args = json.createObjectNode().put("roomid", room.roomId()).put("autoRecord", room.autoRecord());
        alsoToSecond(room, "autorecord", args);
        return sessions.command(room.nodeId(), "autorecord", args, room.epoch());
    }

    boolean connected(String nodeId) {
        return nodeId != null && sessions.connected(nodeId);
    }

    /** A known node's state for the API: connected, joining (its rooms not read yet), webhook-only, disconnected or lost. */
    String state(String nodeId) {
        Node.Presence presence = presence(nodeId);
        if (presence == Node.Presence.DISCONNECTED && sessions.connected(nodeId)) {
            return "joining";
        }
        return presence.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The room's view as its node last reported it: {} when none. */
    ObjectNode view(ClusterStore.Room room) {
        return object(json, room.view());
    }

    /** A stored JSON object (a view, a heartbeat, a job's last event): {} when there is none or it cannot be read. */
    static ObjectNode object(ObjectMapper json, String text) {
        try {
            return text != null && json.readTree(text) instanceof ObjectNode object ? object : json.createObjectNode();
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }

    private ObjectNode nodeView(JsonNode allroom) {
        ObjectNode view = json.createObjectNode();
        if (allroom != null) {
            for (String field : List.of("recording", "recordingSince", "streaming", "title", "name", "areaNameParent",
                    "areaNameChild", "shortId", "synced")) {
                if (allroom.has(field)) {
                    view.set(field, allroom.get(field));
                }
            }
        }
        view.put("updated", Instant.now().toString());
        return view;
    }

    private String nodeName(String nodeId) {
        return nodeId == null ? null : names.computeIfAbsent(nodeId,
                id -> store.node(id).map(ClusterStore.Node::name).orElse(id));
    }

    private <T> T onCoordinator(Callable<T> decision) {
        try {
            return coordinator.submit(decision).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the central server is busy: no decision within 30 s");
        }
    }
}
