package io.nglive.pipeline;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

import io.nglive.events.EventLog;
import io.nglive.journal.JobJournal;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stage for the job on an exchange, the same way for every stage: a step already DONE in the journal is
 * skipped (its output is reused); otherwise the attempt is journalled, the stage's events are emitted (start,
 * throttled progress, end), and a failure is journalled and reported (logged only when a retry follows: the last
 * one is the job's) before it is thrown back to the route's error handler, which decides on redelivery. Each run is
 * counted and timed in {@link PipelineMetrics}. {@code retries} tells, for a failure, how many redeliveries the error
 * handler will make (as configured in 00-error-handling), so that the error event can say whether one follows.
 */
public final class StageRunner {

    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

    /** The stage's own work, given a progress listener; returns the output (a path or a URL). */
    @FunctionalInterface
    public interface Work {
        String run(Step step, ProgressListener progress) throws StageFailure;
    }

    /** The step being run: which job, which input, which attempt. */
    public record Step(long jobId, String input, int attempt) {
    }

    private final String stage;
    private final StageEvents names;
    private final StageSlots slots;
    private final JobJournal journal;
    private final EventLog events;
    private final Duration progressInterval;
    private final ToIntFunction<StageFailure> retries;
    private final PipelineMetrics.StageMeters meters;

    public StageRunner(String stage, StageEvents names, StageSlots slots, JobJournal journal, EventLog events,
                       Duration progressInterval, ToIntFunction<StageFailure> retries, PipelineMetrics metrics) {
        this.stage = stage;
        this.names = names;
        this.slots = slots;
        this.journal = journal;
        this.events = events;
        this.progressInterval = progressInterval;
        this.retries = retries;
        this.meters = metrics.stage(stage, slots);
    }

    /** Runs the stage on the exchange's current file; returns the output, also when the step was done before. */
    public String run(Exchange exchange, Map<String, Object> extraFields, Work work) throws StageFailure {
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        String input = exchange.getMessage().getHeader(JobHeaders.FILE, String.class);
        String step = stage + '\u0000' + input;
        if (!step.equals(exchange.getProperty(JobHeaders.STEP))) {
            // first attempt of this step: Camel counts redeliveries on from any counter left on the message, and
            // one left by an earlier stage is not ours
            exchange.setProperty(JobHeaders.STEP, step);
            exchange.getMessage().removeHeaders("CamelRedelivery*");
        }
        Optional<String> done = journal.completedOutput(jobId, stage, input);
        if (done.isPresent()) {
            return done.get();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("jobId", jobId);
        fields.put("roomId", exchange.getMessage().getHeader(JobHeaders.ROOM_ID));
        fields.put("file", exchange.getMessage().getHeader(JobHeaders.RECORDING));
        fields.putAll(extraFields);
        return slots.run(() -> {
            Optional<String> doneMeanwhile = journal.completedOutput(jobId, stage, input);
            if (doneMeanwhile.isPresent()) {
                return doneMeanwhile.get();
            }
            int attempt = journal.stepStarted(jobId, stage, input);
            exchange.setProperty(JobHeaders.STAGE, stage);
            exchange.setProperty(JobHeaders.STAGE_INPUT, input);
            exchange.setProperty(JobHeaders.ATTEMPT, attempt);
            events.record(names.started(), with(fields, "attempt", attempt));
            ThrottledProgress progress = new ThrottledProgress(progressInterval,
                    percent -> events.record(names.progress(), with(fields, "progress", percent)));
            String output;
            long started = System.nanoTime();
            try {
                output = work.run(new Step(jobId, input, attempt), progress);
            } catch (StageFailure failure) {
                meters.failed();
                journal.stepFailed(jobId, stage, input, failure.getMessage());
                int redelivery = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
                int allowed = retries.applyAsInt(failure);
                if (redelivery < allowed) {
                    // the last failure is the job's, logged once by Pipeline.failed
                    LOG.warn("job {} {} attempt {} failed, retry {} of {} follows: {}", jobId, stage, attempt,
                            redelivery + 1, allowed, failure.getMessage());
                    Map<String, Object> error = with(fields, "attempt", attempt);
                    error.put("error", failure.getMessage());
                    error.put("retrying", true);
                    events.record(names.error(), error);
                }
                throw failure;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            // the step and its event in one transaction: a crash between them would skip the step on resume and
            // never send the event
            events.record(names.ended(), with(fields, names == StageEvents.UPLOAD ? "url" : "output", output), null,
                    (c, seq) -> journal.stepCompleted(c, jobId, stage, input, output));
            meters.done(took);
            // from here a failure is no longer this stage's
            exchange.removeProperty(JobHeaders.STAGE);
            return output;
        });
    }

    /** Called on the failure path once no retry is left: the job is FAILED and the last error is reported. */
    public void exhausted(Exchange exchange, Throwable failure) {
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("jobId", jobId);
        error.put("roomId", exchange.getMessage().getHeader(JobHeaders.ROOM_ID));
        error.put("file", exchange.getMessage().getHeader(JobHeaders.RECORDING));
        error.put("attempt", exchange.getProperty(JobHeaders.ATTEMPT));
        error.put("error", failure.getMessage());
        error.put("retrying", false);
        // FAILED and the last error together, or neither
        events.record(names.error(), error, null, (c, seq) -> journal.jobFailed(c, jobId, failure.getMessage()));
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
