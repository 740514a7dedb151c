package io.nglive.danmaku;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.nglive.journal.JobJournal;
import io.nglive.pipeline.Artifacts;
import io.nglive.pipeline.FileRoots;
import io.nglive.pipeline.JobHeaders;
import io.nglive.pipeline.StageFailure;
import io.nglive.pipeline.StageRunner;
import io.nglive.transcode.MediaProbe;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The danmaku stage: the recorder's comment file (the job's {@code danmaku} artifact) becomes ASS subtitles at
 * {@code out-path/<the recording's relative path>.ass}, laid out for the size of the job's video (ffprobe; 1920×1080
 * when it cannot tell). A job without a danmaku file passes the stage over. A file cut short by a crash of the
 * recorder is converted up to its last whole comment; a file that is not danmaku at all fails the stage, which is
 * not retried (the same file would fail the same way), and the job goes on without subtitles.
 */
public final class DanmakuStage {

    private static final Logger LOG = LoggerFactory.getLogger(DanmakuStage.class);
    private static final MediaProbe.Size FALLBACK = new MediaProbe.Size(1920, 1080);

    private final StageRunner runner;
    private final DanmakuSettings settings;
    private final MediaProbe probe;
    private final JobJournal journal;
    private final FileRoots roots;

    public DanmakuStage(StageRunner runner, DanmakuSettings settings, MediaProbe probe, JobJournal journal,
                        FileRoots roots) {
        this.runner = runner;
        this.settings = settings;
        this.probe = probe;
        this.journal = journal;
        this.roots = roots;
    }

    /** Converts the job's artifact {@code reads} into the artifact {@code writes} (an ASS file). */
    public void convert(Exchange exchange, String reads, String writes) throws StageFailure {
        if (!settings.ass()) {
            return;
        }
        String output = Artifacts.name(writes);
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        Optional<JobJournal.Artifact> source = Artifacts.find(journal, jobId, Artifacts.name(reads));
        if (source.isEmpty()) {
            LOG.debug("job {} has no '{}'; no subtitles", jobId, reads);
            return;
        }
        Path xml = Path.of(source.get().path());
        Path ass = roots.output(xml, output, Artifacts.ASS, ".ass");
        String step = StageRunner.step(runner.stage(), output, Artifacts.ASS);
        try {
            convert(exchange, new StageRunner.Run(step, xml.toString(), output), xml, ass, jobId);
        } catch (DanmakuFailed failed) {
            // the comments are a bonus: the video goes on to its archive (and the XML with it)
            runner.withoutOutput(exchange, failed);
        }
    }

    private void convert(Exchange exchange, StageRunner.Run run, Path xml, Path ass, long jobId) throws StageFailure {
        runner.run(exchange, run, Map.of("input", roots.relative(xml)),
                (work, progress) -> {
                    MediaProbe.Size size = videoSize(jobId);
                    try {
                        Files.createDirectories(ass.getParent());
                        DanmakuAss.Summary summary = DanmakuAss.convert(xml, ass,
                                settings.options(size.width(), size.height()));
                        progress.progress(100);
                        work.report().put("comments", summary.written());
                        Map<String, Integer> dropped = new TreeMap<>();
                        summary.dropped().forEach((why, count) -> dropped.put(why.name(), count));
                        work.report().put("dropped", dropped);
                        work.report().put("truncated", summary.truncated());
                        work.report().put("size", size.width() + "x" + size.height());
                        return ass.toString();
                    } catch (IOException | RuntimeException e) {
                        throw new DanmakuFailed("cannot turn " + roots.relative(xml) + " into subtitles: "
                                + e.getMessage(), e);
                    }
                });
    }

    /** The size of the job's newest video, which the subtitles are laid out for. */
    private MediaProbe.Size videoSize(long jobId) {
        Optional<JobJournal.Artifact> video = journal.newest(jobId, Artifacts.KIND_VIDEO);
        if (video.isEmpty()) {
            return FALLBACK;
        }
        try {
            return probe.videoSize(Path.of(video.get().path())).orElse(FALLBACK);
        } catch (IOException e) {
            LOG.warn("job {}: the size of {} is unknown ({}); the subtitles are laid out for 1920x1080", jobId,
                    video.get().path(), e.getMessage());
            return FALLBACK;
        }
    }
}
