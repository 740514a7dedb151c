package io.nglive.transcode;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import io.nglive.journal.JobJournal;
import io.nglive.pipeline.FileRoots;
import io.nglive.pipeline.JobHeaders;
import io.nglive.pipeline.StageFailure;
import io.nglive.pipeline.StageRunner;
import org.apache.camel.Exchange;

/**
 * The transcode stage: the job's current file becomes {@code out-path/<same relative path>.mp4}. ffmpeg writes a
 * hidden {@code .part} file next to it, renamed only once ffmpeg succeeded, so a file with the final name is always
 * whole (and {@link Mp4Check} must find its structure whole, since ffmpeg can exit 0 on a full disk); a failed or
 * interrupted run leaves no part behind. The input is never modified. A full disk is an {@link OutOfSpace}, which is
 * retried far longer.
 */
public final class Transcoder {

    private final StageRunner runner;
    private final TranscodeSettings settings;
    private final JobJournal journal;
    private final FileRoots roots;

    public Transcoder(StageRunner runner, TranscodeSettings settings, JobJournal journal, FileRoots roots) {
        this.runner = runner;
        this.settings = settings;
        this.journal = journal;
        this.roots = roots;
    }

    public void transcode(Exchange exchange) throws StageFailure {
        if (settings.mode() == TranscodeMode.NONE) {
            return;
        }
        Path input = Path.of(exchange.getMessage().getHeader(JobHeaders.FILE, String.class));
        Path output = outputFor(input);
        String done = runner.run(exchange, Map.of("mode", settings.mode().name()), (step, progress) -> {
            if (!Files.isRegularFile(input)) {
                throw new TranscodeFailed("the recording does not exist: " + input);
            }
            if (output.equals(input)) {
                throw new TranscodeFailed("the output would overwrite the input: " + input);
            }
            Path part = output.resolveSibling("." + output.getFileName() + ".part");
            try {
                Files.createDirectories(output.getParent());
                Files.deleteIfExists(part);
                FfmpegProcess ffmpeg = FfmpegProcess.forTranscode(settings, input, part, 0, progress).start();
                try {
                    journal.stepProcess(step.jobId(), runner.stage(), step.input(), ffmpeg.pid());
                } catch (RuntimeException e) {
                    ffmpeg.kill();
                    throw e;
                }
                try {
                    ffmpeg.await();
                } finally {
                    // the pid is free for reuse from now on: a later start must not take it for our ffmpeg
                    journal.stepProcess(step.jobId(), runner.stage(), step.input(), null);
                }
                Mp4Check.verify(part);
                move(part, output);
                return output.toString();
            } catch (OutOfSpace e) {
                throw outOfSpace(output, e.getMessage(), e);
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains(FfmpegProcess.NO_SPACE)) {
                    throw outOfSpace(output, e.getMessage(), e);
                }
                throw new TranscodeFailed("cannot write " + output + ": " + e.getMessage(), e);
            } finally {
                deleteQuietly(part);
            }
        });
        exchange.getMessage().setHeader(JobHeaders.FILE, done);
    }

    private static OutOfSpace outOfSpace(Path output, String reason, Throwable cause) {
        String free;
        try {
            free = Files.getFileStore(output.getParent()).getUsableSpace() / (1024 * 1024) + " MiB free";
        } catch (IOException e) {
            free = "free space unknown";
        }
        return new OutOfSpace("no space left on the device of " + output.getParent() + " (" + free + "); the part "
                + "written is removed and the recording kept: " + reason, cause);
    }

    /** {@code out-path} + the file's path relative to the works path (or the out path), with {@code .mp4}. */
    Path outputFor(Path input) {
        String relative = roots.relative(input);
        int dot = relative.lastIndexOf('.');
        String base = dot > relative.lastIndexOf('/') ? relative.substring(0, dot) : relative;
        return roots.out().resolve(base + ".mp4");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover part is overwritten by the next attempt
        }
    }
}
