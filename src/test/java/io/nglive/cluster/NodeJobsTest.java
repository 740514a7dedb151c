package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.protocol.Event;
import io.nglive.protocol.Frames;
import org.junit.jupiter.api.Test;

class NodeJobsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ClusterStore.Job job(String type, String extra) {
        return NodeJobs.from("node-1", (Event) Frames.read("{\"type\":\"" + type + "\",\"seq\":4,\"jobId\":7,"
                + "\"roomId\":23058,\"file\":\"a/b.flv\"" + extra + "}"));
    }

    @Test
    void aStageThatStartsOrEndsLeavesTheJobRunning() {
        assertThat(job("TranscodeStarted", "").status()).isEqualTo("RUNNING");
        assertThat(job("TranscodeEnded", "").status()).isEqualTo("RUNNING");
        assertThat(job("IsUp", ",\"progress\":40").status()).isEqualTo("RUNNING");
    }

    @Test
    void theUploadEndsTheJobAndALastFailedAttemptFailsIt() throws Exception {
        ClusterStore.Job done = job("UpEnded", "");
        assertThat(done.status()).isEqualTo("DONE");
        assertThat(done.jobId()).isEqualTo(7);
        assertThat(done.roomId()).isEqualTo(23058);
        assertThat(JSON.readTree(done.body()).path("stage").asText()).isEqualTo("upload");

        assertThat(job("UpError", ",\"retrying\":true").status()).isEqualTo("RUNNING");
        assertThat(job("TranscodeError", ",\"retrying\":false").status()).isEqualTo("FAILED");
    }

    @Test
    void aJobOfARoomRecordedTwiceIsHeldOrDoneAtTheReplicaGate() throws Exception {
        assertThat(job("UploadWaiting", ",\"sessionId\":\"s\"").status()).isEqualTo("WAITING");
        assertThat(job("UploadStandby", ",\"primary\":\"nas-b\"").status()).isEqualTo("STANDBY");
        ClusterStore.Job elsewhere = job("UploadedElsewhere", ",\"primary\":\"nas-b\"");
        assertThat(elsewhere.status()).isEqualTo("DONE");
        assertThat(JSON.readTree(elsewhere.body()).path("stage").asText()).isEqualTo("replica-gate");
        assertThat(NodeJobs.from("node-1", (Event) Frames.read("{\"type\":\"SessionUploaded\",\"seq\":9,"
                + "\"roomId\":1,\"sessionId\":\"s\",\"jobs\":2}"))).isNull();
    }

    @Test
    void eventsThatNameNoJobReportNone() {
        assertThat(NodeJobs.from("node-1", (Event) Frames.read("{\"type\":\"FileClosed\",\"seq\":1,\"roomId\":1}")))
                .isNull();
        assertThat(job("SessionEnded", "")).isNull();
    }
}
