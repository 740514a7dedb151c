package io.nglive.cluster;

import static io.nglive.api.Answers.ok;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.SettingsReader;
import io.nglive.api.ApiError;
import io.nglive.api.RoomRequest;
import io.nglive.api.RoomsApi;
import io.nglive.protocol.Reply;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * The cluster's room API (routes/central/20-rooms): the node's room API, same paths, envelope and codes, over the
 * cluster's desired state, with each room's node and that node's last view of it.
 */
public final class ClusterRooms {

    /** The room is on no node, so there is nobody to forward the action to. */
    public static final int NOT_PLACED = 4094;
    /** A manual move the placement rules refuse (the reason says which). */
    public static final int MOVE_REFUSED = 4095;
    /** The room's node is not connected, or did not answer in time. */
    public static final int NODE_UNAVAILABLE = 5021;

    /** How many of a room's latest sessions its view lists (both nodes' together). */
    private static final int SESSIONS_SHOWN = 20;

    private static final Map<String, String> ACTIONS = Map.of("start", "startrecording", "stop", "stoprecording",
            "split", "split");

    private final Cluster cluster;
    private final ClusterStore store;
    private final ObjectMapper json;

    public ClusterRooms(Cluster cluster, ClusterStore store, ObjectMapper json) {
        this.cluster = cluster;
        this.store = store;
        this.json = json;
    }

    public Map<String, Object> list() {
        List<Map<String, Object>> rooms = new ArrayList<>();
        Map<Long, ClusterStore.Replica> seconds = new HashMap<>();
        store.replicas().forEach(r -> seconds.put(r.roomId(), r));
        store.rooms().forEach(room -> rooms.add(view(room, Optional.ofNullable(seconds.get(room.roomId())))));
        return ok(rooms);
    }

    /** The room; one recorded twice also lists its latest sessions on each node, and who uploads each. */
    public Map<String, Object> get(@Header("roomid") String roomId) {
        Map<String, Object> view = view(room(RoomsApi.roomId(roomId)));
        if (Integer.valueOf(2).equals(view.get("replicas"))) {
            List<Map<String, Object>> sessions = new ArrayList<>();
            for (ClusterStore.Session s : store.sessions((Long) view.get("roomId"), SESSIONS_SHOWN)) {
                Map<String, Object> session = new LinkedHashMap<>();
                session.put("nodeId", s.nodeId());
                session.put("node", store.node(s.nodeId()).map(ClusterStore.Node::name).orElse(s.nodeId()));
                session.put("sessionId", s.sessionId());
                session.put("started", s.started() == null ? null : Instant.ofEpochMilli(s.started()).toString());
                session.put("ended", s.ended() == null ? null : Instant.ofEpochMilli(s.ended()).toString());
                session.put("role", s.role());
                session.put("primary", UploadRoles.PRIMARY.equals(s.role()));
                session.put("primaryNodeId", s.primaryNode());
                session.put("reason", s.reason());
                session.put("uploaded", s.uploaded());
                session.put("delivered", s.delivered());
                sessions.add(session);
            }
            view.put("sessions", sessions);
        }
        return ok(view);
    }

    /**
     * {@code ?roomid=N} or {@code {"roomId":N,"autoRecord":true,"labels":["site-a"],"replicas":2}}: added, then placed
     * (on two nodes when {@code replicas} is 2).
     */
    public Map<String, Object> add(@Header("roomid") String roomId, @Header("replicas") String replicas,
                                   @Body String body) {
        RoomRequest request = RoomRequest.parse(body);
        if (roomId == null && request.roomId() == null) {
            throw new ApiError(400, RoomsApi.BAD_ROOM_ID, "the body names no room: give roomId (or RoomId, roomid)");
        }
        long id = RoomsApi.roomId(roomId != null ? roomId : request.roomId());
        if (roomId != null && request.roomId() != null && RoomsApi.roomId(request.roomId()) != id) {
            throw new ApiError(400, RoomsApi.BAD_ROOM_ID, "the path names room " + id + " and the body room "
                    + request.roomId());
        }
        List<String> labels = labels(body);
        int copies = replicas(replicas, body);
        ClusterStore.Room room = cluster.add(id, request.autoRecord() == null || request.autoRecord(), labels, copies)
                .orElseThrow(() -> new ApiError(409, RoomsApi.ALREADY_ADDED, "room " + id + " is already added"));
        return ok(view(room));
    }

    public Map<String, Object> remove(@Header("roomid") String roomId) {
        long id = RoomsApi.roomId(roomId);
        ClusterStore.Room room = cluster.remove(id).orElseThrow(() -> notFound(id));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("roomId", id);
        data.put("node", room.node());
        data.put("nodeId", room.nodeId());
        return ok(data);
    }

    /** start, stop and split go to the room's node and answer what it answers. */
    public Map<String, Object> action(@Header("roomid") String roomId, @Header("action") String action) {
        String command = ACTIONS.get(action);
        if (command == null) {
            throw new ApiError(400, 4002, "unknown room action '" + action + "' (expected one of "
                    + List.of("start", "stop", "split") + ")");
        }
        ClusterStore.Room room = room(RoomsApi.roomId(roomId));
        if (room.nodeId() == null) {
            throw new ApiError(409, NOT_PLACED, "room " + room.roomId() + " is not placed on any node"
                    + (room.unplacedReason() == null ? "" : ": " + room.unplacedReason()));
        }
        Reply reply;
        try {
            reply = cluster.forward(room, command).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ApiError(502, NODE_UNAVAILABLE, unanswered(room, e));
        }
        if (!reply.ok()) {
            throw refusal(room.node(), reply);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("roomId", room.roomId());
        data.put("node", room.node());
        data.put("answer", reply.data());
        return ok(data);
    }

    /** A node's refusal keeps its code and reason, with the HTTP status its own API would have answered. */
    static ApiError refusal(String node, Reply reply) {
        int status = reply.code() / 10;
        return new ApiError(status >= 400 && status < 600 ? status : 502, reply.code(),
                "node " + node + ": " + reply.message());
    }

    /**
     * {@code {"autoRecord": false}}: stored in the cluster (its truth, sent with every addroom), then sent to the room's
     * node. The answer says whether the node applied it ({@code applied}) and if not why ({@code applyError}); a node
     * that did not is sent it again when it next reports its rooms.
     */
    public Map<String, Object> autoRecord(@Header("roomid") String roomId, @Header("autoRecord") String parameter,
                                          @Body String body) {
        long id = RoomsApi.roomId(roomId);
        boolean autoRecord = RoomRequest.autoRecordChange(parameter, body);
        ClusterStore.Room room = cluster.autoRecord(id, autoRecord).orElseThrow(() -> notFound(id));
        String notApplied;
        if (room.nodeId() == null) {
            notApplied = "the room is not placed on any node: its node gets it with the room";
        } else if (!cluster.connected(room.nodeId())) {
            notApplied = "node " + room.node() + " is not connected: sent when it is back";
        } else {
            notApplied = nodeRefusal(room);
        }
        Map<String, Object> view = view(room);
        view.put("applied", notApplied == null);
        view.put("applyError", notApplied);
        return ok(view);
    }

    /** Sends the room's autoRecord to its node; null when the node applied it, else why not. */
    private String nodeRefusal(ClusterStore.Room room) {
        try {
            Reply reply = cluster.forwardAutoRecord(room).get(15, TimeUnit.SECONDS);
            return reply.ok() ? null : "node " + room.node() + ": " + reply.message() + " (" + reply.code()
                    + "); sent again when it next reports its rooms";
        } catch (Exception e) {
            return unanswered(room, e) + "; sent again when it next reports its rooms";
        }
    }

    /** Why a room's node gave no reply to a command: gone (its session says why), or silent. */
    private static String unanswered(ClusterStore.Room room, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof CompletionException || e instanceof ExecutionException ? e.getCause() : e;
        return "node " + room.node() + " " + (cause instanceof NodeSessions.NodeUnavailable ? cause.getMessage()
                : "did not answer: " + cause);
    }

    /** {@code {"node": NAME or ID}}: the operator's move. */
    public Map<String, Object> move(@Header("roomid") String roomId, @Body String body) {
        long id = RoomsApi.roomId(roomId);
        room(id);
        String target;
        try {
            JsonNode request = json.readTree(body == null || body.isBlank() ? "{}" : body);
            target = request.path("node").asText("");
        } catch (Exception e) {
            throw new ApiError(400, 4000, "expected a JSON body such as {\"node\": \"nas-2\"}");
        }
        if (target.isBlank()) {
            throw new ApiError(400, 4002, "the body names no node: {\"node\": NAME or nodeId}");
        }
        ManualMove.Outcome outcome = cluster.move(id, target);
        if (outcome.refused()) {
            throw new ApiError(409, MOVE_REFUSED, outcome.refusal());
        }
        return ok(view(room(id)));
    }

    private ClusterStore.Room room(long id) {
        return store.room(id).filter(r -> !r.removed()).orElseThrow(() -> notFound(id));
    }

    private static ApiError notFound(long id) {
        return new ApiError(404, RoomsApi.ROOM_NOT_FOUND, "room " + id + " is not in the list");
    }

    private Map<String, Object> view(ClusterStore.Room room) {
        return view(room, store.replica(room.roomId()));
    }

    /** The room as the API shows it; {@code second}: its second placement, when it is recorded twice. */
    private Map<String, Object> view(ClusterStore.Room room, Optional<ClusterStore.Replica> second) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("roomId", room.roomId());
        view.put("autoRecord", room.autoRecord());
        view.put("labels", room.labels());
        view.put("node", room.node());
        view.put("nodeId", room.nodeId());
        view.put("nodeConnected", cluster.connected(room.nodeId()));
        view.put("epoch", room.epoch());
        view.put("placedAt", room.placedAt() == null ? null : room.placedAt().toString());
        view.put("unplacedReason", room.unplacedReason());
        view.put("replicas", second.isPresent() ? 2 : 1);
        view.put("replica", second.map(r -> {
            Map<String, Object> replica = new LinkedHashMap<>();
            replica.put("node", r.node());
            replica.put("nodeId", r.nodeId());
            replica.put("nodeConnected", cluster.connected(r.nodeId()));
            replica.put("epoch", r.epoch());
            replica.put("placedAt", r.placedAt() == null ? null : r.placedAt().toString());
            replica.put("unplacedReason", r.unplacedReason());
            return replica;
        }).orElse(null));
        // the node that uploads the room's latest session (both nodes record it), for the list and the dashboard
        view.put("uploader", second.flatMap(r -> store.sessions(room.roomId(), 4).stream()
                .filter(s -> UploadRoles.PRIMARY.equals(s.role())).findFirst()).map(s -> {
                    Map<String, Object> uploader = new LinkedHashMap<>();
                    uploader.put("node", store.node(s.nodeId()).map(ClusterStore.Node::name).orElse(s.nodeId()));
                    uploader.put("nodeId", s.nodeId());
                    uploader.put("sessionId", s.sessionId());
                    uploader.put("uploaded", s.uploaded());
                    return uploader;
                }).orElse(null));
        JsonNode seen = cluster.view(room);
        for (String field : List.of("recording", "recordingSince", "streaming", "title", "name", "areaNameParent",
                "areaNameChild")) {
            view.put(field, seen.hasNonNull(field) ? json.convertValue(seen.get(field), Object.class) : null);
        }
        view.put("viewUpdated", seen.path("updated").asText(null));
        view.put("added", room.added() == null ? null : room.added().toString());
        return view;
    }

    /** How many nodes record the room: {@code ?replicas=2} or {@code "replicas": 2} in the body; 1 when neither. */
    private int replicas(String parameter, String body) {
        if (parameter != null || body == null || body.isBlank()) {
            return RoomRequest.replicas(parameter);
        }
        JsonNode value;
        try {
            value = json.readTree(body).path("replicas");
        } catch (Exception e) {
            return 1; // RoomRequest.parse already refused a body that is not JSON
        }
        return RoomRequest.replicas(value.isMissingNode() || value.isNull() ? null : value.asText());
    }

    /** A room's required labels: {@code "labels": ["a","b"]} or {@code "labels": "a,b"} in the body. */
    private List<String> labels(String body) {
        if (body == null || body.isBlank()) {
            return List.of();
        }
        JsonNode labels;
        try {
            labels = json.readTree(body).path("labels");
        } catch (Exception e) {
            return List.of(); // RoomRequest.parse already refused a body that is not JSON
        }
        List<String> out = new ArrayList<>();
        if (labels.isArray()) {
            labels.forEach(label -> out.add(label.asText().trim()));
        } else if (labels.isTextual()) {
            for (String label : labels.asText().split("[,\\s]+")) {
                out.add(label.trim());
            }
        } else if (!labels.isMissingNode() && !labels.isNull()) {
            throw new ApiError(400, 4002, "labels must be a list such as [\"site-a\"] or a text such as \"site-a,gpu\"");
        }
        out.removeIf(String::isEmpty);
        for (String label : out) {
            if (!SettingsReader.isLabel(label)) {
                throw new ApiError(400, 4002, "'" + label + "' is not a label (letters, digits, '.', '_', ':' and '-')");
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(out));
    }
}
