package io.nglive.upload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.nglive.journal.JobJournal;
import io.nglive.pipeline.Artifacts;
import io.nglive.pipeline.FileRoots;
import io.nglive.pipeline.JobHeaders;
import io.nglive.pipeline.PipelineMetrics;
import io.nglive.pipeline.StageFailure;
import io.nglive.pipeline.StageInterrupted;
import io.nglive.pipeline.StageRunner;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload stage: sends one artifact of the job to one named target, under its path relative to the works path (a
 * recording, its danmaku) or the out path (a stage's output). Each (artifact, target) is its own step in the journal
 * ({@code upload} for the default target, {@code upload:<target>} for a named one), so one file can go to several
 * targets and each arrival is remembered. An attempt after the first asks the target first whether the file is
 * already there whole: an upload that arrived just before nglive was killed, before its completion was journalled,
 * is not sent a second time.
 */
public final class Uploader {

    private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);

    private final StageRunner runner;
    private final Map<String, UploadTarget> targets;
    private final JobJournal journal;
    private final FileRoots roots;
    private final PipelineMetrics metrics;

    /** {@code targets} by name, {@value UploadSettings#DEFAULT} among them. */
    public Uploader(StageRunner runner, Map<String, UploadTarget> targets, JobJournal journal, FileRoots roots,
                    PipelineMetrics metrics) {
        this.runner = runner;
        this.targets = Map.copyOf(targets);
        this.journal = journal;
        this.roots = roots;
        this.metrics = metrics;
    }

    /**
     * Uploads the job's artifact {@code artifact} ({@code video}: its newest video) to the target {@code target}
     * (empty: the default one). A job without that artifact (no danmaku was recorded) passes the step over.
     *
     * @throws IllegalArgumentException when no target has that name: a mistake in the pipeline, not retried
     */
    public void upload(Exchange exchange, String artifact, String target) throws StageFailure {
        String name = Artifacts.name(artifact);
        String to = target == null || target.isBlank() ? UploadSettings.DEFAULT : target.trim().toLowerCase(Locale.ROOT);
        UploadTarget destination = targets.get(to);
        if (destination == null) {
            throw new IllegalArgumentException("the pipeline uploads to a target named '" + target + "', which is not "
                    + "set: the targets are " + targets.keySet().stream().sorted().toList() + " (a target is set with "
                    + UploadSettings.TARGETS + "<name>.type)");
        }
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        Optional<JobJournal.Artifact> found = Artifacts.find(journal, jobId, name);
        if (found.isEmpty()) {
            LOG.debug("job {} has no '{}'; its upload to the target {} is passed over", jobId, name, to);
            return;
        }
        Path file = Path.of(found.get().path());
        String relative = roots.relative(file);
        String step = StageRunner.step(runner.stage(), to, UploadSettings.DEFAULT);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("input", relative);
        fields.put("artifact", found.get().name());
        fields.put("target", to);
        runner.run(exchange, new StageRunner.Run(step, file.toString(), null), fields, (attempt, progress) -> {
            if (!Files.isRegularFile(file)) {
                throw new UploadFailed("the file to upload does not exist: " + file);
            }
            try {
                if (attempt.attempt() > 1) {
                    Optional<String> there = destination.alreadyThere(file, relative);
                    if (there.isPresent()) {
                        LOG.info("{} is already on the target {} whole, from an earlier attempt: not sent again",
                                relative, to);
                        progress.progress(100);
                        return there.get();
                    }
                }
                String uploaded = destination.upload(file, relative, progress);
                metrics.uploaded(file.toFile().length());
                return uploaded;
            } catch (UploadFailed failed) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new StageInterrupted("upload of " + relative + " interrupted by shutdown");
                }
                throw failed;
            }
        });
    }
}
