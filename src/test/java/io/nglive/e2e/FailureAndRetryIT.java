package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.UploadServer;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Self-healing: retries with backoff, FAILED with the reason when they run out, and retry through the API. */
class FailureAndRetryIT {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void corruptRecordingFailsAfterTheConfiguredRetriesAndSucceedsOnRetryOnceFixed() throws IOException {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                .set("nglive.transcode.retries", "1").start();
             EventClient events = app.events(0)) {
            Path roomDir = Files.createDirectories(app.works().resolve("2001"));
            Path corrupt = TestMedia.corruptFlv(roomDir, "broken.flv");
            byte[] original = Files.readAllBytes(corrupt);

            long jobId = app.json(app.webhook(Webhooks.fileClosed(2001, "2001/broken.flv"))).at("/data/jobId").asLong();
            JsonNode last = events.await(e -> isEvent(e, "TranscodeError", jobId) && !e.path("retrying").asBoolean(), PATIENCE);

            List<JsonNode> errors = events.all().stream().filter(e -> isEvent(e, "TranscodeError", jobId)).toList();
            assertThat(errors).extracting(e -> e.path("attempt").asInt()).containsExactly(1, 2);
            assertThat(errors).extracting(e -> e.path("retrying").asBoolean()).containsExactly(true, false);
            assertThat(last.path("error").asText()).contains("ffmpeg exited with code");
            JsonNode job = app.job(jobId);
            assertThat(job.path("status").asText()).isEqualTo("FAILED");
            assertThat(job.path("stage").asText()).isEqualTo("transcode");
            assertThat(job.path("attempts").asInt()).isEqualTo(2);
            assertThat(job.path("error").asText()).isEqualTo(last.path("error").asText());
            assertThat(Files.readAllBytes(corrupt)).as("the original is kept as it was").isEqualTo(original);
            assertThat(filesUnder(app.out())).as("no partial output left").isEmpty();

            Path fixed = TestMedia.flv(Files.createDirectories(dir.resolve("fixed")), "broken.flv", 2);
            Files.move(fixed, corrupt, StandardCopyOption.REPLACE_EXISTING);
            assertThat(app.post("/api/jobs/" + jobId + "/retry", "").statusCode()).isEqualTo(200);

            events.await(e -> isEvent(e, "UpEnded", jobId), PATIENCE);
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(jobId).path("status").asText().equals("DONE"));
            assertThat(app.archive().resolve("2001/broken.mp4")).isRegularFile();
        }
    }

    @Test
    void uploadThatRunsOutOfRetriesKeepsTheFileAndResumesWithoutTranscodingAgain() throws IOException {
        try (UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("target")));
             NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                     .uploadTo(target.url())
                     .set("nglive.upload.retries", "2")
                     .start();
             EventClient events = app.events(0)) {
            target.respondWith(507);
            TestMedia.flv(Files.createDirectories(app.works().resolve("2003")), "full.flv", 2);

            long jobId = app.json(app.webhook(Webhooks.fileClosed(2003, "2003/full.flv"))).at("/data/jobId").asLong();
            JsonNode last = events.await(e -> isEvent(e, "UpError", jobId) && !e.path("retrying").asBoolean(), PATIENCE);

            assertThat(last.path("attempt").asInt()).isEqualTo(3);
            assertThat(last.path("error").asText()).containsIgnoringCase("insufficient storage");
            assertThat(app.job(jobId).path("status").asText()).isEqualTo("FAILED");
            assertThat(app.out().resolve("2003/full.mp4")).as("the local file is kept").isRegularFile();

            target.healthy();
            assertThat(app.post("/api/jobs/" + jobId + "/retry", "").statusCode()).isEqualTo(200);
            events.await(e -> isEvent(e, "UpEnded", jobId), PATIENCE);

            assertThat(events.typesOfJob(jobId).stream().filter("TranscodeStarted"::equals).count())
                    .as("the finished transcode is not redone").isEqualTo(1);
            assertThat(target.puts("2003/full.mp4")).isEqualTo(1);
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(jobId).path("status").asText().equals("DONE"));
            assertThat(app.post("/api/jobs/" + jobId + "/retry", "").statusCode()).as("a DONE job").isEqualTo(409);
        }
    }

    @Test
    void retriesOfOneStageDoNotUseUpTheRetriesOfTheNext() throws IOException {
        NgliveProcess configured = new NgliveProcess(dir.resolve("app")).uploadOriginalAndMp4();
        try (UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("target")));
             NgliveProcess app = configured
                     .uploadTo(target.url())
                     .set("nglive.upload.retries", "3")
                     .set("nglive.transcode.retries", "1")
                     .start();
             EventClient events = app.events(0)) {
            target.respondWith(503);
            TestMedia.corruptFlv(Files.createDirectories(app.works().resolve("2004")), "odd.flv");

            long jobId = app.json(app.webhook(Webhooks.fileClosed(2004, "2004/odd.flv"))).at("/data/jobId").asLong();
            events.await(e -> isEvent(e, "UpError", jobId) && e.path("attempt").asInt() == 2, PATIENCE);
            target.healthy();
            JsonNode last = events.await(e -> isEvent(e, "TranscodeError", jobId) && !e.path("retrying").asBoolean(),
                    PATIENCE);

            List<JsonNode> transcodeErrors = events.all().stream().filter(e -> isEvent(e, "TranscodeError", jobId)).toList();
            assertThat(transcodeErrors).extracting(e -> e.path("attempt").asInt()).containsExactly(1, 2);
            assertThat(last.path("attempt").asInt()).isEqualTo(2);
            assertThat(target.puts("2004/odd.flv")).isEqualTo(1);
        }
    }

    static boolean isEvent(JsonNode event, String type, long jobId) {
        return event.path("type").asText().equals(type) && event.path("jobId").asLong() == jobId;
    }

    static List<Path> filesUnder(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
