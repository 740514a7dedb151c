package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.UploadServer;
import io.nglive.testing.Webhooks;
import io.nglive.transcode.MediaProbe;
import org.assertj.core.data.Offset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nglive killed in the middle of a transcode loses nothing: the job finishes after a restart, uploaded once. */
class CrashIT {

    @TempDir
    Path dir;

    @Test
    void killedMidTranscodeTheJobFinishesAfterRestartWithExactlyOneUpload() throws Exception {
        Path appDir = dir.resolve("app");
        try (UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("target")))) {
            long jobId;
            List<ProcessHandle> orphans;
            try (NgliveProcess app = new NgliveProcess(appDir)
                    .set("nglive.transcode.mode", "CRF")
                    .set("nglive.transcode.preset", "medium")
                    .uploadTo(target.url())
                    .start();
                 EventClient events = app.events(0)) {
                TestMedia.flv(Files.createDirectories(app.works().resolve("4001")), "long take.flv", 20);
                jobId = app.json(app.webhook(Webhooks.fileClosed(4001, "4001/long take.flv"))).at("/data/jobId").asLong();
                events.awaitType("IsTranscode", Duration.ofSeconds(30));
                orphans = app.ffmpegChildren();
                assertThat(orphans).as("ffmpeg running when nglive dies").isNotEmpty();

                app.kill();
                assertThat(orphans.get(0).isAlive()).as("ffmpeg outlives a crashed nglive").isTrue();
            }

            try (NgliveProcess restarted = new NgliveProcess(appDir).start()) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> orphans.stream().noneMatch(ProcessHandle::isAlive));
                Awaitility.await().atMost(Duration.ofSeconds(120))
                        .until(() -> restarted.job(jobId).path("status").asText().equals("DONE"));

                assertThat(target.puts("4001/long take.mp4")).isEqualTo(1);
                assertThat(target.totalPuts()).isEqualTo(1);
                MediaProbe.Info uploaded = new MediaProbe("ffprobe").probe(target.root().resolve("4001/long take.mp4"));
                assertThat(uploaded.durationSeconds()).isCloseTo(20.0, Offset.offset(0.2));
                assertThat(uploaded.videoCodec()).contains("h264");
                assertThat(FailureAndRetryIT.filesUnder(restarted.out()))
                        .extracting(p -> p.getFileName().toString()).containsExactly("long take.mp4");
            }
        }
    }

    @Test
    void sigtermMidTranscodeExitsCleanlyWithNoFfmpegLeftAndTheJobsResumeOnTheNextStart() throws Exception {
        Path appDir = dir.resolve("app");
        List<Long> jobIds = new java.util.ArrayList<>();
        try (NgliveProcess app = new NgliveProcess(appDir)
                .set("nglive.transcode.mode", "CRF")
                .set("nglive.transcode.preset", "medium")
                .start();
             EventClient events = app.events(0)) {
            Path room = Files.createDirectories(app.works().resolve("4002"));
            for (int i = 0; i < 3; i++) {
                TestMedia.flv(room, "stopped " + i + ".flv", 20);
                jobIds.add(app.json(app.webhook(Webhooks.fileClosed(4002, "4002/stopped " + i + ".flv")))
                        .at("/data/jobId").asLong());
            }
            events.awaitType("IsTranscode", Duration.ofSeconds(30));
            List<ProcessHandle> ffmpeg = app.ffmpegChildren();
            assertThat(ffmpeg).hasSize(1);

            long stopping = System.nanoTime();
            assertThat(app.stop()).as("exit code after SIGTERM").isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("stop time, with two jobs waiting for the slot")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(ffmpeg).noneMatch(ProcessHandle::isAlive);
            assertThat(app.handle().descendants().toList()).as("no child started while stopping").isEmpty();
            assertThat(FailureAndRetryIT.filesUnder(app.out())).as("no partial output").isEmpty();
            assertThat(events.all()).filteredOn(e -> e.path("type").asText().equals("TranscodeStarted")).hasSize(1);
        }
        try (NgliveProcess restarted = new NgliveProcess(appDir).start()) {
            for (long jobId : jobIds) {
                Awaitility.await().atMost(Duration.ofSeconds(120))
                        .until(() -> restarted.job(jobId).path("status").asText().equals("DONE"));
            }
            assertThat(FailureAndRetryIT.filesUnder(restarted.archive())).hasSize(3);
        }
    }
}
