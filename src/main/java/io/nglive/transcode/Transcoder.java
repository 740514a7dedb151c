package io.nglive.transcode;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

import io.nglive.journal.JobJournal;
import io.nglive.pipeline.Artifacts;
import io.nglive.pipeline.FileRoots;
import io.nglive.pipeline.JobHeaders;
import io.nglive.pipeline.StageFailure;
import io.nglive.pipeline.StageRunner;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transcode stage: the job's current file becomes {@code out-path/<same relative path>.mp4}. ffmpeg writes a
 * hidden {@code .part} file next to it, renamed only once ffmpeg succeeded, so a file with the final name is always
 * whole (and {@link Mp4Check} must find its structure whole, since ffmpeg can exit 0 on a full disk); a failed or
 * interrupted run leaves no part behind. The input is never modified. A full disk is an {@link OutOfSpace}, which is
 * retried far longer.
 */
public final class Transcoder {

    private static final Logger LOG = LoggerFactory.getLogger(Transcoder.class);

    private final StageRunner runner;
    private final TranscodeSettings settings;
    private final JobJournal journal;
    private final FileRoots roots;
    private final boolean burn;

    /** {@code burn}: whether {@link #burn} burns subtitles in ({@code nglive.danmaku.burn}). */
    public Transcoder(StageRunner runner, TranscodeSettings settings, JobJournal journal, FileRoots roots, boolean burn) {
        this.runner = runner;
        this.settings = settings;
        this.journal = journal;
        this.roots = roots;
        this.burn = burn;
    }

    /**
     * Transcodes the job's artifact {@code reads} into the artifact {@code writes}, in {@code mode} (empty: the
     * setting's). The output is {@code out-path/<the input's relative path>.mp4}; an artifact written under another
     * name than {@code mp4} puts its name before the extension, so that two transcodes of one job do not meet.
     */
    public void transcode(Exchange exchange, String reads, String mode, String writes) throws StageFailure {
        TranscodeSettings run = mode == null || mode.isBlank() ? settings : settings.withMode(mode);
        if (run.mode() == TranscodeMode.NONE) {
            return;
        }
        String output = Artifacts.name(writes);
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        Optional<JobJournal.Artifact> source = Artifacts.find(journal, jobId, Artifacts.name(reads));
        if (source.isEmpty()) {
            LOG.debug("job {} has no '{}' to transcode; the transcode to '{}' is passed over", jobId, reads, output);
            return;
        }
        String step = StageRunner.step(runner.stage(), output, Artifacts.MP4);
        ffmpeg(exchange, step, Path.of(source.get().path()), output, run, null,
                Map.of("mode", run.mode().name()));
    }

    /**
     * With {@code nglive.danmaku.burn}: the job's artifact {@code reads} (a video) with the subtitles {@code subtitles}
     * burnt in, re-encoded with the transcode settings (in CRF when the mode is COPY or NONE, which cannot filter), as
     * the artifact {@code writes}: {@code out-path/<relative path>.<writes>.mp4}. A job without subtitles (no danmaku)
     * passes it over.
     */
    public void burn(Exchange exchange, String reads, String subtitles, String writes) throws StageFailure {
        if (!burn) {
            return;
        }
        String output = Artifacts.name(writes);
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        Optional<JobJournal.Artifact> video = Artifacts.find(journal, jobId, Artifacts.name(reads));
        Optional<JobJournal.Artifact> ass = Artifacts.find(journal, jobId, Artifacts.name(subtitles));
        if (video.isEmpty() || ass.isEmpty()) {
            LOG.debug("job {} has no '{}' or no '{}'; nothing burnt", jobId, reads, subtitles);
            return;
        }
        TranscodeSettings run = settings.mode() == TranscodeMode.COPY || settings.mode() == TranscodeMode.NONE
                ? settings.withMode(TranscodeMode.CRF.name()) : settings;
        Path assFile = Path.of(ass.get().path());
        ffmpeg(exchange, StageRunner.step("burn", output, Artifacts.BURNT), Path.of(video.get().path()), output, run,
                assFile, Map.of("mode", run.mode().name(), "subtitles", roots.relative(assFile)));
    }

    /** One ffmpeg run of a step: {@code input} to the artifact {@code output}, with {@code subtitles} burnt in if not null. */
    private void ffmpeg(Exchange exchange, String step, Path input, String output, TranscodeSettings run,
                        Path subtitles, Map<String, Object> fields) throws StageFailure {
        Path out = roots.output(input, output, Artifacts.MP4, ".mp4");
        runner.run(exchange, new StageRunner.Run(step, input.toString(), output), fields, (work, progress) -> {
            if (!Files.isRegularFile(input)) {
                throw new TranscodeFailed("the recording does not exist: " + input);
            }
            if (subtitles != null && !Files.isRegularFile(subtitles)) {
                throw new TranscodeFailed("the subtitles to burn in do not exist: " + subtitles);
            }
            if (out.equals(input)) {
                throw new TranscodeFailed("the output would overwrite the input: " + input);
            }
            Path part = out.resolveSibling("." + out.getFileName() + ".part");
            try {
                Files.createDirectories(out.getParent());
                Files.deleteIfExists(part);
                FfmpegProcess ffmpeg = FfmpegProcess.forTranscode(run, input, part, subtitles, 0, progress).start();
                try {
                    journal.stepProcess(work.jobId(), work.name(), work.input(), ffmpeg.pid());
                } catch (RuntimeException e) {
                    ffmpeg.kill();
                    throw e;
                }
                try {
                    ffmpeg.await();
                } finally {
                    // the pid is free for reuse from now on: a later start must not take it for our ffmpeg
                    journal.stepProcess(work.jobId(), work.name(), work.input(), null);
                }
                Mp4Check.verify(part);
                move(part, out);
                return out.toString();
            } catch (OutOfSpace e) {
                throw outOfSpace(out, e.getMessage(), e);
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains(FfmpegProcess.NO_SPACE)) {
                    throw outOfSpace(out, e.getMessage(), e);
                }
                throw new TranscodeFailed("cannot write " + out + ": " + e.getMessage(), e);
            } finally {
                deleteQuietly(part);
            }
        });
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

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover part is overwritten by the next attempt
        }
    }
}
