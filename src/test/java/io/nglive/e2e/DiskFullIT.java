package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Tmpfs;
import io.nglive.testing.Webhooks;
import io.nglive.transcode.MediaProbe;
import org.assertj.core.data.Offset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full out-path while transcoding, on a real file system that fills up (a small tmpfs; needs root, as in CI):
 * the error names the cause, no partial output is left or uploaded, the recording is untouched, and the job goes
 * on by itself once space is freed.
 */
class DiskFullIT {

    @TempDir
    Path dir;

    private Path mountPoint;

    @Test
    void fullOutPathFailsTheAttemptWithTheCauseKeepsTheRecordingAndTheJobFinishesOnceSpaceReturns() throws Exception {
        Path appDir = dir.resolve("app");
        mountPoint = Files.createDirectories(appDir.resolve("out"));
        Tmpfs.mount(mountPoint, "256k");
        try (NgliveProcess app = new NgliveProcess(appDir)
                .set("nglive.transcode.mode", "COPY")
                .set("nglive.transcode.space-retry-delay", "500ms")
                .set("nglive.transcode.space-retry-max-delay", "1s")
                .start();
             EventClient events = app.events(0)) {
            Path recording = TestMedia.flv(Files.createDirectories(app.works().resolve("5001")), "满了 \"disk\" full.flv", 20);
            assertThat(Files.size(recording)).as("the recording must not fit").isGreaterThan(1024 * 1024);
            String hash = UploadFaultsIT.sha256(recording);
            long jobId = app.json(app.webhook(Webhooks.fileClosed(5001, "5001/满了 \"disk\" full.flv"))).at("/data/jobId").asLong();

            JsonNode error = events.await(e -> e.path("type").asText().equals("TranscodeError"), Duration.ofSeconds(30));
            assertThat(error.path("error").asText()).contains("no space left on the device of " + mountPoint)
                    .contains("No space left on device");
            assertThat(error.path("retrying").asBoolean()).isTrue();
            events.await(e -> e.path("type").asText().equals("TranscodeError") && e.path("attempt").asInt() >= 3,
                    Duration.ofSeconds(30));
            assertThat(app.job(jobId).path("status").asText()).isNotEqualTo("FAILED").isNotEqualTo("DONE");
            assertThat(FailureAndRetryIT.filesUnder(app.archive())).as("nothing uploaded").isEmpty();
            assertThat(UploadFaultsIT.sha256(recording)).as("the recording is untouched").isEqualTo(hash);

            Tmpfs.resize(mountPoint, "64m");
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> app.job(jobId).path("status").asText().equals("DONE"));

            assertThat(FailureAndRetryIT.filesUnder(mountPoint)).as("no part left behind")
                    .extracting(p -> p.getFileName().toString()).containsExactly("满了 \"disk\" full.mp4");
            Path uploaded = app.archive().resolve("5001/满了 \"disk\" full.mp4");
            assertThat(FailureAndRetryIT.filesUnder(app.archive())).containsExactly(uploaded);
            MediaProbe.Info info = new MediaProbe("ffprobe").probe(uploaded);
            assertThat(info.durationSeconds()).isCloseTo(20.0, Offset.offset(0.2));
            assertThat(info.videoCodec()).contains("h264");
            assertThat(events.typesOfJob(jobId)).containsOnlyOnce("TranscodeEnded", "UpEnded");
            assertThat(UploadFaultsIT.sha256(recording)).isEqualTo(hash);
        }
    }

    @Test
    void sigtermWhileTheJobWaitsForSpaceStopsAtOnceAndTheJobResumesOnTheNextStart() throws Exception {
        Path appDir = dir.resolve("app");
        mountPoint = Files.createDirectories(appDir.resolve("out"));
        Tmpfs.mount(mountPoint, "256k");
        long jobId;
        try (NgliveProcess app = new NgliveProcess(appDir)
                .set("nglive.transcode.mode", "COPY")
                .set("nglive.transcode.space-retry-delay", "10m")
                .start();
             EventClient events = app.events(0)) {
            TestMedia.flv(Files.createDirectories(app.works().resolve("5002")), "waiting.flv", 20);
            jobId = app.json(app.webhook(Webhooks.fileClosed(5002, "5002/waiting.flv"))).at("/data/jobId").asLong();
            events.await(e -> e.path("type").asText().equals("TranscodeError"), Duration.ofSeconds(30));

            long stopping = System.nanoTime();
            assertThat(app.stop()).as("exit code after SIGTERM").isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("stop time, with a 10-minute retry pending")
                    .isLessThan(Duration.ofSeconds(10));
        }
        Tmpfs.resize(mountPoint, "64m");
        try (NgliveProcess restarted = new NgliveProcess(appDir).start()) {
            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> restarted.job(jobId).path("status").asText().equals("DONE"));
            assertThat(FailureAndRetryIT.filesUnder(restarted.archive())).hasSize(1);
        }
    }

    @AfterEach
    void unmount() throws Exception {
        if (mountPoint != null) {
            Tmpfs.unmount(mountPoint);
        }
    }
}
