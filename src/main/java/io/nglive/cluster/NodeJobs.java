package io.nglive.cluster;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nglive.protocol.Event;

/**
 * A node's job as its pipeline events report it: a job appears on the central server when its first stage starts
 * (the node's FileClosed names no job), runs while a stage runs, is DONE after its upload and FAILED when a stage's
 * last attempt failed.
 */
final class NodeJobs {

    /**
     * A room recorded twice: a job held before its uploads (WAITING, STANDBY), or done because the other node uploaded
     * its session.
     */
    private static final Map<String, String> HELD = Map.of("UploadWaiting", "WAITING", "UploadStandby", "STANDBY",
            "UploadedElsewhere", "DONE");

    private NodeJobs() {
    }

    /** The job an event reports, or null when it reports none. */
    static ClusterStore.Job from(String nodeId, Event event) {
        JsonNode body = event.body();
        if (!body.path("jobId").canConvertToLong()) {
            return null;
        }
        String type = event.type();
        String stage;
        String status;
        if (HELD.containsKey(type)) {
            stage = "replica-gate";
            status = HELD.get(type);
        } else {
            if (type.startsWith("Transcode") || type.equals("IsTranscode")) {
                stage = "transcode";
            } else if (type.startsWith("Up") || type.equals("IsUp")) {
                stage = "upload";
            } else {
                return null;
            }
            if (type.endsWith("Error")) {
                status = body.path("retrying").asBoolean(false) ? "RUNNING" : "FAILED";
            } else {
                status = type.equals("UpEnded") ? "DONE" : "RUNNING";
            }
        }
        ObjectNode job = body.deepCopy();
        job.put("status", status);
        job.put("stage", stage);
        job.put("event", type);
        return new ClusterStore.Job(nodeId, body.get("jobId").asLong(),
                body.path("roomId").canConvertToLong() ? body.get("roomId").asLong() : null, status,
                body.path("file").asText(null), Instant.now(), job.toString());
    }
}
