package io.nglive.cluster;

import static io.nglive.api.Answers.ok;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.api.ApiError;
import io.nglive.api.Page;
import io.nglive.api.RoomsApi;
import org.apache.camel.Header;

/** The cluster's nodes and their jobs (routes/central/30-cluster): {@code GET /api/nodes}, {@code GET /api/jobs}. */
public final class ClusterApi {

    private final Cluster cluster;
    private final ClusterStore store;
    private final ObjectMapper json;

    public ClusterApi(Cluster cluster, ClusterStore store, ObjectMapper json) {
        this.cluster = cluster;
        this.store = store;
        this.json = json;
    }

    public Map<String, Object> nodes() {
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (ClusterStore.Node node : store.nodes()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("nodeId", node.nodeId());
            view.put("name", node.name());
            view.put("connected", cluster.connected(node.nodeId()));
            view.put("state", cluster.state(node.nodeId()));
            view.put("firstSeen", node.firstSeen() == null ? null : node.firstSeen().toString());
            view.put("lastSeen", node.lastSeen() == null ? null : node.lastSeen().toString());
            view.put("rooms", node.rooms());
            view.put("capacity", node.capacity());
            view.put("labels", node.labels());
            view.put("version", node.version());
            view.put("lastAcked", node.lastAcked());
            JsonNode beat = Cluster.object(json, node.heartbeat());
            for (String field : List.of("cpu", "memory", "disk", "queues")) {
                view.put(field, beat.hasNonNull(field) ? json.convertValue(beat.get(field), Object.class) : null);
            }
            nodes.add(view);
        }
        return ok(nodes);
    }

    /** Every node's jobs, newest first; {@code node} (name or id), {@code status}, {@code roomid}, a {@link Page}. */
    public Map<String, Object> jobs(@Header("node") String node, @Header("status") String status,
                                    @Header("roomid") String roomId, @Header("limit") String limit,
                                    @Header("offset") String offset) {
        String nodeId = null;
        if (node != null && !node.isBlank()) {
            nodeId = store.nodes().stream().filter(n -> n.nodeId().equals(node) || n.name().equals(node))
                    .map(ClusterStore.Node::nodeId).findFirst()
                    .orElseThrow(() -> new ApiError(404, 4044, "no node is called " + node));
        }
        Long room = roomId == null || roomId.isBlank() ? null : RoomsApi.roomId(roomId);
        Page page = Page.of(limit, offset);
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (ClusterStore.NodeJob job : store.jobs(nodeId, status == null || status.isBlank() ? null
                : status.trim().toUpperCase(Locale.ROOT), room, page.limit(), page.offset())) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("node", job.node());
            view.put("nodeId", job.job().nodeId());
            view.put("id", job.job().jobId());
            view.put("roomId", job.job().roomId());
            view.put("status", job.job().status());
            view.put("file", job.job().file());
            view.put("updated", job.job().updated() == null ? null : job.job().updated().toString());
            view.put("last", json.convertValue(Cluster.object(json, job.job().body()), Object.class));
            jobs.add(view);
        }
        return ok(jobs);
    }
}
