package io.nglive.cluster;

import static io.nglive.api.Answers.ok;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.nglive.api.ApiError;
import io.nglive.api.JobsApi;
import io.nglive.protocol.Reply;
import org.apache.camel.Header;

/**
 * A FAILED job retried from the central server ({@code POST /api/jobs/{id}/retry?node=}, routes/central/30-cluster):
 * only its node has the job, so the central server sends it {@code retryjob} and answers what the node answers.
 */
public final class JobRetry {

    private final ClusterStore store;
    private final NodeSessions sessions;

    public JobRetry(ClusterStore store, NodeSessions sessions) {
        this.store = store;
        this.sessions = sessions;
    }

    /** {@code node} is a node id or, when no id matches, a node name: job ids are numbered per node. */
    public Map<String, Object> retry(@Header("id") String id, @Header("node") String node) {
        long jobId = JobsApi.jobId(id);
        if (node == null || node.isBlank()) {
            throw new ApiError(400, JobsApi.BAD_ARGUMENT, "name the node of job " + jobId + ": POST /api/jobs/"
                    + jobId + "/retry?node=NAME or nodeId (each node numbers its own jobs)");
        }
        ClusterStore.Node target = node(node.trim());
        String name = target.name();
        if (!sessions.connected(target.nodeId())) {
            throw new ApiError(502, ClusterRooms.NODE_UNAVAILABLE, "node " + name + " is offline: job " + jobId
                    + " can be retried when the node is back");
        }
        Reply reply;
        try {
            reply = sessions.command(target.nodeId(), "retryjob",
                    JsonNodeFactory.instance.objectNode().put("id", jobId), null).join();
        } catch (CompletionException e) {
            throw unavailable(name, jobId, e.getCause());
        }
        if (!reply.ok()) {
            throw ClusterRooms.refusal(name, reply);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", jobId);
        data.put("node", name);
        data.put("nodeId", target.nodeId());
        data.put("answer", reply.data());
        return ok(data);
    }

    private ClusterStore.Node node(String node) {
        List<ClusterStore.Node> nodes = store.nodes();
        for (ClusterStore.Node n : nodes) {
            if (n.nodeId().equals(node)) {
                return n;
            }
        }
        List<ClusterStore.Node> named = nodes.stream().filter(n -> node.equals(n.name())).toList();
        if (named.isEmpty()) {
            throw new ApiError(404, 4044, "no node is called " + node); // as GET /api/jobs?node= answers
        }
        if (named.size() > 1) {
            throw new ApiError(400, JobsApi.BAD_ARGUMENT, named.size() + " nodes are called " + node
                    + ": name one by its nodeId");
        }
        return named.get(0);
    }

    /** No reply: the node may have had the command all the same, so its events tell whether the job runs again. */
    private ApiError unavailable(String node, long jobId, Throwable cause) {
        String why = cause instanceof TimeoutException
                ? "did not answer within " + sessions.commandTimeoutMillis() / 1000 + " s"
                : cause instanceof NodeSessions.NodeUnavailable ? cause.getMessage() : "could not be asked: " + cause;
        return new ApiError(502, ClusterRooms.NODE_UNAVAILABLE, "node " + node + " " + why + ": whether job " + jobId
                + " runs again shows in its events; if it does not, retry it when the node is back");
    }
}
