package io.nglive.pipeline;

import java.time.Duration;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nglive.journal.JobJournal;

/**
 * The pipeline's figures on /observe/metrics: jobs ended, stage runs and their time, jobs queued and in each stage,
 * bytes uploaded. Registered once by the beans, not by routes, so a route reload does not reset them.
 */
public final class PipelineMetrics {

    /** One stage's meters, held by its {@link StageRunner}. */
    record StageMeters(Counter doneRuns, Counter failedRuns, Timer duration) {

        void done(Duration took) {
            doneRuns.increment();
            duration.record(took);
        }

        void failed() {
            failedRuns.increment();
        }
    }

    private static final String STAGE_JOBS = "stage runs waiting for a slot, or running in one";
    private static final String PIPELINE_JOBS = "jobs queued for a pipeline worker, or running in one";

    private final MeterRegistry registry;
    private final Counter jobsDone;
    private final Counter jobsFailed;
    private final Counter uploadedBytes;

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.jobsDone = jobs(JobJournal.DONE);
        this.jobsFailed = jobs(JobJournal.FAILED);
        this.uploadedBytes = Counter.builder("nglive.upload").baseUnit("bytes")
                .description("bytes delivered to the upload target").register(registry);
    }

    void jobDone() {
        jobsDone.increment();
    }

    void jobFailed() {
        jobsFailed.increment();
    }

    public void uploaded(long bytes) {
        uploadedBytes.increment(bytes);
    }

    /** The meters of a stage, and gauges of its slots: runs waiting for a slot and runs in one. */
    StageMeters stage(String stage, StageSlots slots) {
        gauge("nglive.stage.jobs", STAGE_JOBS, slots::waiting, "stage", stage, "state", "waiting");
        gauge("nglive.stage.jobs", STAGE_JOBS, slots::running, "stage", stage, "state", "running");
        return new StageMeters(runs(stage, "done"), runs(stage, "failed"),
                Timer.builder("nglive.stage.duration").description("time of each stage run that succeeded")
                        .tag("stage", stage).register(registry));
    }

    /** Gauges of the pipeline: job ids queued for a pipeline worker, jobs a worker runs. */
    void pipeline(IntSupplier queued, IntSupplier running) {
        gauge("nglive.pipeline.jobs", PIPELINE_JOBS, queued, "state", "queued");
        gauge("nglive.pipeline.jobs", PIPELINE_JOBS, running, "state", "running");
    }

    private Counter jobs(String status) {
        return Counter.builder("nglive.jobs").description("jobs that ended, by final status").tag("status", status)
                .register(registry);
    }

    private Counter runs(String stage, String outcome) {
        return Counter.builder("nglive.stage.runs").description("stage runs (attempts), by outcome")
                .tags("stage", stage, "outcome", outcome).register(registry);
    }

    private void gauge(String name, String description, IntSupplier value, String... tags) {
        // read at each scrape; held strongly, or Micrometer would let the supplier be collected and report NaN
        Gauge.builder(name, value::getAsInt).description(description).tags(tags).strongReference(true)
                .register(registry);
    }
}
