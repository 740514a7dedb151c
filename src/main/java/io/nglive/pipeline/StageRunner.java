package io.nglive.pipeline;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.nglive.events.EventLog;
import io.nglive.journal.JobJournal;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stage for the job on an exchange, the same way for every stage: a step already DONE in the journal is
 * skipped (its output is reused); otherwise the attempt is journalled, the stage's events are emitted (start,
 * throttled progress, end), and a failure is journalled before it is thrown back to the route's error handler, which
 * decides on redelivery (routes/00-error-handling, the only place that knows the retry counts). The error handler
 * reports an attempt that will be retried through {@link #retrying}, and the last one through {@link #exhausted}.
 * Each run is counted and timed in {@link PipelineMetrics}.
 */
public final class StageRunner {

    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

    /** The stage's own work, given a progress listener; returns the output (a path or a URL). */
    @FunctionalInterface
    public interface Work {
        String run(Step step, ProgressListener progress) throws StageFailure;
    }

    /**
     * The step being run: which job, its name in the journal, which input, which attempt; what the work puts in
     * {@code report} is added to the stage's ended event.
     */
    public record Step(long jobId, String name, String input, int attempt, Map<String, Object> report) {
    }

    /**
     * What to run: the step's name in the journal ({@code stage}, or {@code stage:target} when one stage runs once per
     * target), the input file, and the artifact the output becomes (null when the output is not a file of the job,
     * such as an upload's URL).
     */
    public record Run(String step, String input, String writes) {
    }

    private final String stage;
    private final StageEvents names;
    private final StageSlots slots;
    private final JobJournal journal;
    private final EventLog events;
    private final Duration progressInterval;
    private final PipelineMetrics.StageMeters meters;

    /**
     * The journal's name of a step of {@code stage} for {@code variant} (the artifact it writes, the target it sends
     * to): the stage's own name for its usual one, so that journals from before the variants stay valid, and
     * {@code stage:variant} for any other.
     */
    public static String step(String stage, String variant, String usual) {
        return variant.equals(usual) ? stage : stage + ':' + variant;
    }

    public StageRunner(String stage, StageEvents names, StageSlots slots, JobJournal journal, EventLog events,
                       Duration progressInterval, PipelineMetrics metrics) {
        this.stage = stage;
        this.names = names;
        this.slots = slots;
        this.journal = journal;
        this.events = events;
        this.progressInterval = progressInterval;
        this.meters = metrics.stage(stage, slots);
    }

    /**
     * Runs the stage for the exchange's job; returns the output, also when the step was done before. The artifact the
     * output becomes is recorded with the step's completion, and again when a done step is passed over (a resumed job
     * replays its stages, so "the video" is the newest video again at each point of the pipeline).
     */
    public String run(Exchange exchange, Run run, Map<String, Object> extraFields, Work work) throws StageFailure {
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        String input = run.input();
        String name = run.step();
        String step = name + '\u0000' + input;
        if (!step.equals(exchange.getProperty(JobHeaders.STEP))) {
            // first attempt of this step: Camel counts redeliveries on from any counter left on the message, and
            // one left by an earlier stage is not ours
            exchange.setProperty(JobHeaders.STEP, step);
            exchange.getMessage().removeHeaders("CamelRedelivery*");
        }
        Optional<String> done = journal.completedOutput(jobId, name, input);
        if (done.isPresent()) {
            if (run.writes() != null) {
                journal.artifact(jobId, artifact(run, done.get()));
            }
            return done.get();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("jobId", jobId);
        fields.put("roomId", exchange.getMessage().getHeader(JobHeaders.ROOM_ID));
        fields.put("file", exchange.getMessage().getHeader(JobHeaders.RECORDING));
        fields.putAll(extraFields);
        return slots.run(() -> {
            Optional<String> doneMeanwhile = journal.completedOutput(jobId, name, input);
            if (doneMeanwhile.isPresent()) {
                return doneMeanwhile.get();
            }
            int attempt = journal.stepStarted(jobId, name, input);
            exchange.setProperty(JobHeaders.STAGE, stage);
            exchange.setProperty(JobHeaders.ATTEMPT, attempt);
            events.record(names.started(), with(fields, "attempt", attempt));
            ThrottledProgress progress = new ThrottledProgress(progressInterval,
                    percent -> events.record(names.progress(), with(fields, "progress", percent)));
            String output;
            Map<String, Object> report = new LinkedHashMap<>();
            long started = System.nanoTime();
            try {
                output = work.run(new Step(jobId, name, input, attempt, report), progress);
            } catch (StageFailure failure) {
                meters.failed();
                journal.stepFailed(jobId, name, input, failure.getMessage());
                throw failure;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            // the step, its artifact and its event in one transaction: a crash between them would skip the step on
            // resume and never send the event
            Map<String, Object> ended = with(fields, names == StageEvents.UPLOAD ? "url" : "output", output);
            ended.putAll(report);
            events.record(names.ended(), ended, null,
                    (c, seq) -> {
                        if (run.writes() != null) {
                            journal.artifact(c, jobId, artifact(run, output));
                        }
                        return journal.stepCompleted(c, jobId, name, input, output);
                    });
            meters.done(took);
            // from here a failure is no longer this stage's
            exchange.removeProperty(JobHeaders.STAGE);
            return output;
        });
    }

    /**
     * Called by the error policy as an attempt of this stage failed and redelivery {@code retry} of {@code retries}
     * follows: the failure is logged with its numbers and reported with {@code retrying}. The last failure is the
     * job's, logged once by Pipeline.failed.
     */
    public void retrying(Exchange exchange, Throwable failure, int retry, int retries) {
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        Object attempt = exchange.getProperty(JobHeaders.ATTEMPT);
        LOG.warn("job {} {} attempt {} failed, retry {} of {} follows: {}", jobId, stage, attempt, retry, retries,
                failure.getMessage());
        Map<String, Object> error = lastError(exchange, failure, false);
        error.put("retrying", true);
        events.record(names.error(), error);
    }

    /** Called on the failure path once no retry is left: the job is FAILED and the last error is reported. */
    public void exhausted(Exchange exchange, Throwable failure) {
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        // FAILED and the last error together, or neither
        events.record(names.error(), lastError(exchange, failure, false), null,
                (c, seq) -> journal.jobFailed(c, jobId, failure.getMessage()));
    }

    /**
     * For a stage whose output the job can do without (subtitles): its failure is reported as the last one, with
     * {@code jobGoesOn}, the step stays FAILED in the journal, and the job goes on to its next stage.
     */
    public void withoutOutput(Exchange exchange, StageFailure failure) {
        events.record(names.error(), lastError(exchange, failure, true));
        exchange.removeProperty(JobHeaders.STAGE);
    }

    private static Map<String, Object> lastError(Exchange exchange, Throwable failure, boolean jobGoesOn) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("jobId", exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class));
        error.put("roomId", exchange.getMessage().getHeader(JobHeaders.ROOM_ID));
        error.put("file", exchange.getMessage().getHeader(JobHeaders.RECORDING));
        error.put("attempt", exchange.getProperty(JobHeaders.ATTEMPT));
        error.put("error", failure.getMessage());
        error.put("retrying", false);
        if (jobGoesOn) {
            error.put("jobGoesOn", true);
        }
        return error;
    }

    private JobJournal.Artifact artifact(Run run, String output) {
        return new JobJournal.Artifact(run.writes(), Artifacts.kind(run.writes()), output, run.step());
    }

    public String stage() {
        return stage;
    }

    public StageSlots slots() {
        return slots;
    }

    private static Map<String, Object> with(Map<String, Object> fields, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.put(key, value);
        return copy;
    }
}
