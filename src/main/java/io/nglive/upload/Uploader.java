package io.nglive.upload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

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
 * The upload stage: sends the job's current file to the configured target under its path relative to the works
 * path (a recording) or the out path (a transcode output). With {@code nglive.upload.delete-local}, a transcode
 * output is deleted once its upload is verified and journalled; recordings themselves are always kept. An attempt
 * after the first asks the target first whether the file is already there whole: an upload that arrived just
 * before nglive was killed, before its completion was journalled, is not sent a second time.
 */
public final class Uploader {

    private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);

    private final StageRunner runner;
    private final UploadTarget target;
    private final FileRoots roots;
    private final boolean deleteLocal;
    private final PipelineMetrics metrics;

    public Uploader(StageRunner runner, UploadTarget target, FileRoots roots, boolean deleteLocal,
                    PipelineMetrics metrics) {
        this.runner = runner;
        this.target = target;
        this.roots = roots;
        this.deleteLocal = deleteLocal;
        this.metrics = metrics;
    }

    public void upload(Exchange exchange) throws StageFailure {
        Path file = Path.of(exchange.getMessage().getHeader(JobHeaders.FILE, String.class));
        String relative = roots.relative(file);
        runner.run(exchange, Map.of("input", relative), (step, progress) -> {
            if (!Files.isRegularFile(file)) {
                throw new UploadFailed("the file to upload does not exist: " + file);
            }
            try {
                if (step.attempt() > 1) {
                    Optional<String> there = target.alreadyThere(file, relative);
                    if (there.isPresent()) {
                        LOG.info("{} is already on the target whole, from an earlier attempt: not sent again", relative);
                        progress.progress(100);
                        return there.get();
                    }
                }
                String uploaded = target.upload(file, relative, progress);
                metrics.uploaded(file.toFile().length());
                return uploaded;
            } catch (UploadFailed failed) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new StageInterrupted("upload of " + relative + " interrupted by shutdown");
                }
                throw failed;
            }
        });
        if (deleteLocal && file.startsWith(roots.out())) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("uploaded, but cannot delete the local copy {}: {}", file, e.getMessage());
            }
        }
    }
}
