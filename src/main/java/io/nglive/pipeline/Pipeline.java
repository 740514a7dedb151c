package io.nglive.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.nglive.journal.JobJournal;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal side of the pipeline route: a job is claimed before its stages run and marked DONE after them; the
 * failure path marks it FAILED; either end is one log line ({@link JobLine}) and a count; and a periodic sweep brings
 * back every job that is unfinished in the journal but neither queued nor running here, at start (after a crash) and
 * later (a worker that died, a queue that was lost).
 */
public final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    /** The SEDA queue the pipeline route consumes (see routes/30-pipeline.camel.yaml). */
    static final String QUEUE = "seda:jobs";

    private final JobJournal journal;
    private final FileRoots roots;
    private final boolean deleteLocal;
    private final List<StageRunner> stages;
    private final CamelContext camel;
    private final PipelineMetrics metrics;
    private final ReplicaGate gate;
    /** The jobs this process runs, each with the exchange that owns it. */
    private final Map<Long, String> active = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    /** {@code deleteLocal}: a DONE job's stage outputs (under the out path) that went to a target are deleted. */
    public Pipeline(JobJournal journal, FileRoots roots, boolean deleteLocal, List<StageRunner> stages,
                    CamelContext camel, PipelineMetrics metrics, ReplicaGate gate) {
        this.journal = journal;
        this.roots = roots;
        this.deleteLocal = deleteLocal;
        this.stages = stages;
        this.camel = camel;
        this.metrics = metrics;
        this.gate = gate;
        metrics.pipeline(() -> queued().size(), active::size);
    }

    /** Claims the job in the body; a job that is not PENDING any more (done, or running elsewhere) is skipped. */
    public void start(Exchange exchange) {
        long jobId = exchange.getMessage().getBody(Long.class);
        String owner = exchange.getExchangeId();
        // owned before the claim, so that the sweep never takes a job that is being claimed for one it forgot
        if (stopping || active.putIfAbsent(jobId, owner) != null) {
            LOG.debug("job {} is running already, or nglive is stopping; skipped", jobId);
            exchange.setRouteStop(true);
            return;
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                active.remove(jobId, owner);
            }
        });
        if (!journal.claim(jobId)) {
            LOG.debug("job {} is not pending any more; skipped", jobId);
            exchange.setRouteStop(true);
            return;
        }
        exchange.setProperty(JobHeaders.OWNED_JOB, jobId);
        exchange.setProperty(JobHeaders.CLAIMED, System.nanoTime());
        Map<String, Object> job = journal.find(jobId).orElseThrow();
        String recording = (String) job.get("file");
        Path file = roots.works().resolve(recording);
        journal.artifact(jobId, new JobJournal.Artifact(Artifacts.RECORDING, Artifacts.KIND_VIDEO, file.toString(),
                "recorder"));
        danmakuOf(file).ifPresent(xml -> journal.artifact(jobId, new JobJournal.Artifact(Artifacts.DANMAKU,
                Artifacts.KIND_DANMAKU, xml.toString(), "recorder")));
        Message message = exchange.getMessage();
        message.setHeader(JobHeaders.JOB_ID, jobId);
        message.setHeader(JobHeaders.ROOM_ID, job.get("roomId"));
        message.setHeader(JobHeaders.RECORDING, recording);
        message.setHeader(JobHeaders.TITLE, job.get("title"));
        message.setHeader(JobHeaders.SIZE, file.toFile().length());
    }

    /** The recorder's danmaku file of a recording: the same name with {@code .xml}, beside it, if it is there. */
    static Optional<Path> danmakuOf(Path recording) {
        String name = recording.getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path xml = recording.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".xml");
        return Files.isRegularFile(xml) ? Optional.of(xml) : Optional.empty();
    }

    /** The job went through every stage: DONE (a job the replica gate stopped does not come here). */
    public void finish(Exchange exchange) {
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        gate.jobDone(jobId);
        metrics.jobDone();
        Map<String, Object> job = journal.find(jobId).orElseThrow();
        if (deleteLocal) {
            deleteUploadedOutputs(job);
        }
        LOG.info(JobLine.done(job, took(exchange)));
    }

    /** The job's stage outputs that went to a target; recordings and their danmaku (under the works path) stay. */
    @SuppressWarnings("unchecked")
    private void deleteUploadedOutputs(Map<String, Object> job) {
        for (Map<String, Object> artifact : (List<Map<String, Object>>) job.get("artifacts")) {
            Path file = Path.of((String) artifact.get("path"));
            if (file.startsWith(roots.out()) && !((List<?>) artifact.get("uploads")).isEmpty()) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("job {}: uploaded, but cannot delete the local copy {}: {}", job.get("id"), file,
                            e.getMessage());
                }
            }
        }
    }

    /**
     * The dead-letter path: no retry is left. A stage stopped by shutdown is not a failure: the job stays
     * unfinished and resumes on the next start.
     */
    public void failed(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Long jobId = exchange.getProperty(JobHeaders.OWNED_JOB, Long.class);
        if (jobId == null) {
            LOG.warn("a job failed before it was claimed: {}", failure == null ? "unknown reason" : failure.toString());
            return;
        }
        if (failure instanceof StageInterrupted || stopping || camel.isStopping()) {
            LOG.info("job {} interrupted ({}); it resumes from this stage later",
                    jobId, failure == null ? "stopping" : failure.getMessage());
            return;
        }
        String stage = exchange.getProperty(JobHeaders.STAGE, String.class);
        Optional<StageRunner> runner = stages.stream().filter(s -> s.stage().equals(stage)).findFirst();
        Throwable reason = failure == null ? new IllegalStateException("unknown failure") : failure;
        String message = reason.getMessage() == null ? reason.toString() : reason.getMessage();
        if (runner.isPresent()) {
            runner.get().exhausted(exchange, reason);
        } else {
            journal.jobFailed(jobId, message);
        }
        // after the FAILED status, not with it: that transaction holds the stage's error event already
        gate.jobFailed(jobId);
        metrics.jobFailed();
        // the attempt property is the failed stage's; a failure outside a stage has none
        Integer attempt = runner.isPresent() ? exchange.getProperty(JobHeaders.ATTEMPT, Integer.class) : null;
        String file = exchange.getMessage().getHeader(JobHeaders.RECORDING, String.class);
        LOG.warn(JobLine.failed(jobId, file, stage, attempt, took(exchange), message));
    }

    /**
     * The error policy's {@code onExceptionOccurred} (routes/00-error-handling): an attempt of a stage failed. When
     * the policy will redeliver (its counter, just incremented, is within its maximum), the stage reports the retry;
     * otherwise {@link #failed} does, once no retry is left.
     */
    public void attemptFailed(Exchange exchange) {
        String stage = exchange.getProperty(JobHeaders.STAGE, String.class);
        Integer retry = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Integer retries = exchange.getMessage().getHeader(Exchange.REDELIVERY_MAX_COUNTER, Integer.class);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (stage == null || retry == null || retries == null || retry > retries || failure == null
                || failure instanceof StageInterrupted || stopping || camel.isStopping()) {
            return;
        }
        stages.stream().filter(s -> s.stage().equals(stage)).findFirst()
                .ifPresent(runner -> runner.retrying(exchange, failure, retry, retries));
    }

    private static Duration took(Exchange exchange) {
        return Duration.ofNanos(System.nanoTime() - exchange.getProperty(JobHeaders.CLAIMED, Long.class));
    }

    /** Unfinished jobs to hand to the pipeline: pending ones not queued yet, and running ones nobody here runs. */
    public List<Long> sweep() {
        // jobs left waiting for a role when a crash came between a room's removal and their resume
        gate.resumeUnreplicated();
        Set<Long> queued = queued();
        List<Long> due = new ArrayList<>();
        for (long id : journal.unfinished()) {
            if (!active.containsKey(id) && !queued.contains(id)) {
                due.add(id);
            }
        }
        if (!due.isEmpty()) {
            journal.release(due);
            LOG.info("resuming {} unfinished job(s) from the journal: {}", due.size(), due);
        }
        return due;
    }

    private Set<Long> queued() {
        Set<Long> ids = new HashSet<>();
        // every seda:jobs endpoint, whatever its options, shares this one queue
        for (Exchange e : camel.getEndpoint(QUEUE, SedaEndpoint.class).getQueue()) {
            Long id = e.getMessage().getBody(Long.class);
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    public Map<String, Object> load() {
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("pipeline", Map.of("queued", queued().size(), "running", active.size()));
        for (StageRunner s : stages) {
            load.put(s.stage(), s.slots().load());
        }
        return load;
    }

    /**
     * nglive is stopping: no job is started any more and every stage run, in progress or waiting for a slot, is
     * interrupted, so that the stop does not wait for a long transcode. The jobs stay unfinished in the journal.
     */
    public void stop() {
        stopping = true;
        stages.forEach(s -> s.slots().close());
    }
}
