package io.nglive.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The pipeline's meters as /observe/metrics shows them: Prometheus names and labels, gauges read at the scrape. */
class PipelineMetricsTest {

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final PipelineMetrics metrics = new PipelineMetrics(registry);

    @Test
    void countersAndTimersHaveTheirPrometheusNames() {
        PipelineMetrics.StageMeters transcode = metrics.stage("transcode", new StageSlots("transcode", 1));
        transcode.done(Duration.ofMillis(2500));
        transcode.failed();
        metrics.jobDone();
        metrics.uploaded(1234);

        assertThat(registry.scrape()).contains(
                "nglive_jobs_total{status=\"DONE\"} 1.0",
                "nglive_jobs_total{status=\"FAILED\"} 0.0",
                "nglive_stage_runs_total{outcome=\"done\",stage=\"transcode\"} 1.0",
                "nglive_stage_runs_total{outcome=\"failed\",stage=\"transcode\"} 1.0",
                "nglive_stage_duration_seconds_count{stage=\"transcode\"} 1",
                "nglive_stage_duration_seconds_sum{stage=\"transcode\"} 2.5",
                "nglive_upload_bytes_total 1234.0");
    }

    @Test
    void gaugesReadTheSlotsAndThePipelineAtEachScrape() throws Exception {
        StageSlots slots = new StageSlots("upload", 1);
        metrics.stage("upload", slots);
        metrics.pipeline(() -> 3, () -> 1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> running = threads.submit(() -> slots.run(() -> {
                try {
                    return release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new StageInterrupted("the test ended");
                }
            }));
            // the first job must hold the slot before the second asks for it, or the second may run first and leave
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> registry.scrape().contains(
                    "nglive_stage_jobs{stage=\"upload\",state=\"running\"} 1.0"));
            Future<?> waiting = threads.submit(() -> slots.run(() -> true));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> registry.scrape().contains(
                    "nglive_stage_jobs{stage=\"upload\",state=\"waiting\"} 1.0"));

            assertThat(registry.scrape()).contains(
                    "nglive_stage_jobs{stage=\"upload\",state=\"running\"} 1.0",
                    "nglive_pipeline_jobs{state=\"queued\"} 3.0",
                    "nglive_pipeline_jobs{state=\"running\"} 1.0");
            release.countDown();
            running.get(10, TimeUnit.SECONDS);
            waiting.get(10, TimeUnit.SECONDS);
            assertThat(registry.scrape()).contains("nglive_stage_jobs{stage=\"upload\",state=\"running\"} 0.0",
                    "nglive_stage_jobs{stage=\"upload\",state=\"waiting\"} 0.0");
        } finally {
            threads.shutdownNow();
        }
    }
}
