package io.nglive.transcode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;

import io.nglive.journal.JobJournal;
import io.nglive.pipeline.Artifacts;
import io.nglive.pipeline.FileRoots;
import io.nglive.pipeline.JobHeaders;
import io.nglive.pipeline.ProgressListener;
import io.nglive.pipeline.StageFailure;
import io.nglive.pipeline.StageRunner;
import org.apache.camel.Exchange;

/**
 * The cover stage: one picture of the job's video as a JPEG, {@code out-path/<relative path>.jpg}, taken at a time
 * given in seconds or as a share of the video's length ({@code 10%}, so that it is past the first black frames of a
 * stream). Like any artifact it can then be uploaded ({@code kamelet:upload?artifact=cover}). A failure does not fail
 * the job: the video goes on without a cover.
 */
public final class CoverStage {

    private final StageRunner runner;
    private final TranscodeSettings settings;
    private final JobJournal journal;
    private final FileRoots roots;

    public CoverStage(StageRunner runner, TranscodeSettings settings, JobJournal journal, FileRoots roots) {
        this.runner = runner;
        this.settings = settings;
        this.journal = journal;
        this.roots = roots;
    }

    /** The picture of the job's artifact {@code reads} at {@code at} ({@code 12} seconds, or {@code 10%}) as {@code writes}. */
    public void cover(Exchange exchange, String reads, String at, String writes) throws StageFailure {
        String output = Artifacts.name(writes);
        At time = At.parse(at);
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        Optional<JobJournal.Artifact> video = Artifacts.find(journal, jobId, Artifacts.name(reads));
        if (video.isEmpty()) {
            return;
        }
        Path input = Path.of(video.get().path());
        Path jpeg = roots.output(input, output, Artifacts.COVER, ".jpg");
        String step = StageRunner.step(runner.stage(), output, Artifacts.COVER);
        try {
            runner.run(exchange, new StageRunner.Run(step, input.toString(), output),
                    Map.of("input", roots.relative(input), "at", at), (work, progress) -> {
                        Path part = jpeg.resolveSibling("." + jpeg.getFileName() + ".part");
                        try {
                            Files.createDirectories(jpeg.getParent());
                            double seconds = time.seconds(() -> new MediaProbe(settings.ffprobe()).durationSeconds(input));
                            new FfmpegProcess(TranscodeCommand.cover(settings.ffmpeg(), input, seconds, part), 1,
                                    ProgressListener.NONE, settings.timeout()).start().await();
                            if (!Files.isRegularFile(part) || Files.size(part) == 0) {
                                throw new TranscodeFailed("no picture at " + at + " in " + roots.relative(input)
                                        + " (past its end?)");
                            }
                            Transcoder.move(part, jpeg);
                            progress.progress(100);
                            return jpeg.toString();
                        } catch (IOException e) {
                            throw new TranscodeFailed("cannot write " + jpeg + ": " + e.getMessage(), e);
                        } finally {
                            Transcoder.deleteQuietly(part);
                        }
                    });
        } catch (TranscodeFailed failed) {
            // a cover is a bonus: the job goes on without it
            runner.withoutOutput(exchange, failed);
        }
    }

    /** When to take the picture: seconds from the start, or a share of the length. */
    record At(double value, boolean share) {

        /** @throws IllegalArgumentException naming the expected forms */
        static At parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            boolean share = t.endsWith("%");
            try {
                double value = Double.parseDouble(share ? t.substring(0, t.length() - 1).trim() : t);
                if (value >= 0 && (!share || value <= 100) && Double.isFinite(value)) {
                    return new At(share ? value / 100 : value, share);
                }
            } catch (NumberFormatException e) {
                // named below
            }
            throw new IllegalArgumentException("the cover's time '" + text + "' is neither seconds (12, 1.5) nor a"
                    + " share of the video (10%)");
        }

        double seconds(DoubleSupplier duration) {
            return share ? value * duration.getAsDouble() : value;
        }
    }
}
