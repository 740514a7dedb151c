package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /ws?since=N replays what a subscriber missed; route files edited while running are reloaded. */
class ReplayAndReloadIT {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void subscriberThatReconnectsWithItsLastSeqMissesNothing() {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).set("nglive.transcode.mode", "NONE").start()) {
            long lastSeen;
            try (EventClient first = app.events(-1)) {
                long seq = app.json(app.webhook(Webhooks.sessionEnded(5001))).at("/data/seq").asLong();
                lastSeen = first.await(e -> e.path("seq").asLong() == seq, PATIENCE).path("seq").asLong();
            }
            List<Long> missed = List.of(
                    app.json(app.webhook(Webhooks.sessionEnded(5002))).at("/data/seq").asLong(),
                    app.json(app.webhook(Webhooks.sessionEnded(5003))).at("/data/seq").asLong());

            try (EventClient again = app.events(lastSeen)) {
                again.await(e -> e.path("seq").asLong() == missed.get(1), PATIENCE);
                List<JsonNode> replayed = again.stored();
                assertThat(replayed).extracting(e -> e.path("seq").asLong()).startsWith(missed.get(0), missed.get(1));
                assertThat(replayed).extracting(e -> e.path("roomId").asLong()).startsWith(5002L, 5003L);
                assertThat(replayed.get(0).path("node").asText()).isEqualTo("test-node");
                assertThat(replayed.get(0).path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*(Z|[+-]\\d\\d:\\d\\d)");
            }
            EventClient leaving = app.events(-1);
            leaving.awaitType("heartbeat", PATIENCE);
            leaving.close();
            try (EventClient live = app.events(-1)) {
                JsonNode heartbeat = live.await(e -> e.path("type").asText().equals("heartbeat")
                        && e.path("subscribers").asInt() == 1, PATIENCE);
                assertThat(heartbeat.path("cpu").path("cores").asInt()).isPositive();
                assertThat(heartbeat.path("memory").path("total").asLong()).isPositive();
                assertThat(heartbeat.path("disk").path("free").asLong()).isPositive();
                assertThat(heartbeat.path("queues").has("transcode")).isTrue();
                assertThat(heartbeat.has("rooms")).isTrue();
                assertThat(heartbeat.path("version").asText()).isNotBlank();
            }
        }
    }

    @Test
    void pipelineEditedWhileRunningIsReloadedAndUploadsTheOriginalFlv() throws IOException {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).start()) {
            // a pipeline as written before stages had parameters: direct:upload is the video to the default target
            app.editRoute("30-pipeline.camel.yaml", "        - to: kamelet:transcode\n        - to: kamelet:danmaku\n"
                    + "        - to: kamelet:burn\n        - to: kamelet:replica-gate\n        - to: kamelet:upload\n",
                    "        - to: kamelet:replica-gate\n        - to: direct:upload\n");
            Awaitility.await().atMost(PATIENCE).until(() -> app.log().contains("recording-pipeline")
                    && app.log().toLowerCase().contains("reloaded"));

            TestMedia.flv(Files.createDirectories(app.works().resolve("5004")), "raw.flv", 1);
            long jobId = app.json(app.webhook(Webhooks.fileClosed(5004, "5004/raw.flv"))).at("/data/jobId").asLong();
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(jobId).path("status").asText().equals("DONE"));

            assertThat(app.archive().resolve("5004/raw.flv")).hasSameBinaryContentAs(app.works().resolve("5004/raw.flv"));
            assertThat(app.out().resolve("5004/raw.mp4")).doesNotExist();
        }
    }

    @Test
    void pipelineThatUploadsBothTheOriginalAndTheMp4() throws IOException {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).uploadOriginalAndMp4().start();
             EventClient events = app.events(0)) {
            TestMedia.flv(Files.createDirectories(app.works().resolve("5005")), "both.flv", 1);
            long jobId = app.json(app.webhook(Webhooks.fileClosed(5005, "5005/both.flv"))).at("/data/jobId").asLong();
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(jobId).path("status").asText().equals("DONE"));

            assertThat(app.archive().resolve("5005/both.flv")).isRegularFile();
            assertThat(app.archive().resolve("5005/both.mp4")).isRegularFile();
            assertThat(PipelineIT.collapse(events.typesOfJob(jobId))).containsExactly("UpStarted", "IsUp", "UpEnded",
                    "TranscodeStarted", "IsTranscode", "TranscodeEnded", "UpStarted", "IsUp", "UpEnded");
            assertThat(app.job(jobId).path("outputs")).hasSize(3);
        }
    }
}
