package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.UploadServer;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator reads about jobs: nglive_ figures on /observe/metrics, and one log line per job that ends. */
class JobLogAndMetricsIT {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aDoneJobAndItsWebhooksAreCountedAndTheJobLeavesOneLineAlsoAfterARouteReload() throws IOException {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).start()) {
            TestMedia.flv(Files.createDirectories(app.works().resolve("7001")), "a.flv", 1);
            String fileClosed = Webhooks.fileClosed(7001, "7001/a.flv");
            long jobId = app.json(app.webhook(fileClosed)).at("/data/jobId").asLong();
            assertThat(app.json(app.webhook(fileClosed)).at("/data/duplicate").asBoolean()).isTrue();
            assertThat(app.webhook("{\"EventType\": ").statusCode()).isEqualTo(400);
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(jobId).path("status").asText().equals("DONE")
                    && metric(app, "nglive_pipeline_jobs{state=\"running\"}") == 0);

            Path mp4 = app.out().resolve("7001/a.mp4");
            Path archived = app.archive().resolve("7001/a.mp4");
            String metrics = app.get("/observe/metrics").body();
            assertThat(metric(metrics, "nglive_jobs_total{status=\"DONE\"}")).isEqualTo(1);
            assertThat(metric(metrics, "nglive_jobs_total{status=\"FAILED\"}")).isZero();
            for (String stage : List.of("transcode", "upload")) {
                String label = "stage=\"" + stage + "\"";
                assertThat(metric(metrics, "nglive_stage_runs_total{outcome=\"done\"," + label + "}")).isEqualTo(1);
                assertThat(metric(metrics, "nglive_stage_runs_total{outcome=\"failed\"," + label + "}")).isZero();
                assertThat(metric(metrics, "nglive_stage_duration_seconds_count{" + label + "}")).isEqualTo(1);
                assertThat(metric(metrics, "nglive_stage_jobs{" + label + ",state=\"waiting\"}")).isZero();
            }
            assertThat(metric(metrics, "nglive_stage_duration_seconds_sum{stage=\"transcode\"}")).isPositive();
            assertThat(metric(metrics, "nglive_upload_bytes_total")).isEqualTo(Files.size(archived));
            assertThat(metric(metrics, "nglive_pipeline_jobs{state=\"queued\"}")).isZero();
            assertThat(metric(metrics, "nglive_webhooks_total{outcome=\"accepted\"}")).isEqualTo(1);
            assertThat(metric(metrics, "nglive_webhooks_total{outcome=\"duplicate\"}")).isEqualTo(1);
            assertThat(metric(metrics, "nglive_webhooks_total{outcome=\"rejected\"}")).isEqualTo(1);

            List<String> lines = linesOfJob(app, jobId);
            assertThat(lines).singleElement().asString().containsPattern("INFO .* job " + jobId + " DONE 7001/a.flv: "
                    + "transcode \\d+(\\.\\d)? m?s, upload \\d+(\\.\\d)? m?s, took \\d+(\\.\\d)? m?s -> ")
                    .endsWith(" -> " + mp4.toRealPath() + ", " + archived.toRealPath());

            // Camel resets its own route meters when a route file is reloaded; nglive's are the beans' and stay
            app.editRoute("50-upload.camel.yaml", "# 6. The upload stage", "# 6. The upload stage, edited");
            Awaitility.await().atMost(PATIENCE).until(() -> app.log().contains("Resetting Micrometer Registry"));
            String reloaded = app.get("/observe/metrics").body();
            assertThat(metric(reloaded, "nglive_jobs_total{status=\"DONE\"}")).isEqualTo(1);
            assertThat(metric(reloaded, "nglive_stage_duration_seconds_count{stage=\"upload\"}")).isEqualTo(1);
            assertThat(metric(reloaded, "nglive_webhooks_total{outcome=\"rejected\"}")).isEqualTo(1);
            assertThat(metric(reloaded, "nglive_upload_bytes_total")).isEqualTo(Files.size(archived));
        }
    }

    @Test
    void aJobWhoseUploadIsRefusedLeavesOneWarningPerRetryAndOneFailureLine() throws IOException {
        try (UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("target")));
             NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                     .uploadTo(target.url())
                     .set("nglive.transcode.mode", "NONE")
                     .set("nglive.upload.retries", "2")
                     .start()) {
            target.respondWith(507);
            TestMedia.flv(Files.createDirectories(app.works().resolve("7002")), "full.flv", 1);

            long jobId = app.json(app.webhook(Webhooks.fileClosed(7002, "7002/full.flv"))).at("/data/jobId").asLong();
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(jobId).path("status").asText().equals("FAILED"));
            Awaitility.await().atMost(PATIENCE)
                    .until(() -> linesOfJob(app, jobId).stream().anyMatch(l -> l.contains(" FAILED ")));

            List<String> lines = linesOfJob(app, jobId);
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).contains("WARN ", " upload attempt 1 failed, retry 1 of 2 follows: ");
            assertThat(lines.get(1)).contains("WARN ", " upload attempt 2 failed, retry 2 of 2 follows: ");
            assertThat(lines.get(2)).contains("WARN ").containsPattern("job " + jobId + " FAILED 7002/full.flv in "
                    + "upload \\(attempt 3\\), took \\d+(\\.\\d)? m?s: .*(?i:insufficient storage)");
            assertThat(app.log()).as("Camel's own retry lines, which name no job").doesNotContain("Failed delivery");

            String metrics = app.get("/observe/metrics").body();
            assertThat(metric(metrics, "nglive_jobs_total{status=\"FAILED\"}")).isEqualTo(1);
            assertThat(metric(metrics, "nglive_jobs_total{status=\"DONE\"}")).isZero();
            assertThat(metric(metrics, "nglive_stage_runs_total{outcome=\"failed\",stage=\"upload\"}")).isEqualTo(3);
            assertThat(metric(metrics, "nglive_stage_duration_seconds_count{stage=\"upload\"}")).isZero();
            assertThat(metric(metrics, "nglive_upload_bytes_total")).isZero();
        }
    }

    /** The process log's lines about the job, and only those ("job 1 " is not "job 12 "). */
    static List<String> linesOfJob(NgliveProcess app, long jobId) {
        return app.log().lines().filter(l -> l.contains(" job " + jobId + " ")).toList();
    }

    static double metric(NgliveProcess app, String series) {
        return metric(app.get("/observe/metrics").body(), series);
    }

    /** The value of one series in a Prometheus text scrape, e.g. {@code nglive_jobs_total{status="DONE"}}. */
    static double metric(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError(series + " is not in /observe/metrics:\n" + scrape));
    }
}
