package io.nglive.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.nglive.pipeline.ProgressListener;
import io.nglive.pipeline.StageInterrupted;
import io.nglive.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runner's life cycle with a real ffmpeg: progress, failures, timeout, kill, interruption, orphans. */
@Timeout(60)
class FfmpegProcessTest {

    @TempDir
    static Path media;
    private static Path recording;

    @TempDir
    Path dir;

    @BeforeAll
    static void recording() {
        recording = TestMedia.flv(media, TestMedia.hostileName(".flv"), 3);
    }

    /** Whatever a test did, the runner must not leave an ffmpeg (or anything else) running. */
    @AfterEach
    void nothingLeftRunning() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
    }

    private static TranscodeSettings settings(TranscodeMode mode) {
        return new TranscodeSettings(mode, VideoEncoder.X264, 28, 30, 400, 800, "ultrafast", "ffmpeg", "ffprobe", 0,
                Duration.ofMinutes(1));
    }

    /**
     * ffmpeg encoding a test pattern at real-time speed ({@code -re}) for a minute: long enough to be timed out or
     * killed, and it writes progress blocks meanwhile.
     */
    private List<String> slowEncode() {
        return List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "warning", "-progress", "pipe:1",
                "-nostats", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "60",
                "-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4", dir.resolve("slow.mp4.part").toString());
    }

    @Test
    void progressRisesToHundred() throws Exception {
        double duration = FfmpegProcess.probeDurationSeconds("ffprobe", recording);
        assertThat(duration).isCloseTo(3.0, within(0.1));
        // -re reads the 3-second recording in real time, so ffmpeg reports several progress blocks on the way.
        List<String> command = new ArrayList<>(TranscodeCommand.build(settings(TranscodeMode.CRF), recording,
                dir.resolve("out.mp4.part")));
        command.add(command.indexOf("-i"), "-re");
        List<Double> seen = new CopyOnWriteArrayList<>();

        new FfmpegProcess(command, duration, seen::add, Duration.ofMinutes(1)).start().await();

        assertThat(seen).hasSizeGreaterThan(2).isSorted().allMatch(p -> p >= 0 && p <= 100);
        assertThat(seen.get(seen.size() - 1)).isEqualTo(100.0);
        assertThat(seen.get(0)).isLessThan(90.0);
    }

    @Test
    void progressUsesADurationMeasuredWhileFfmpegRuns() throws Exception {
        List<String> command = new ArrayList<>(TranscodeCommand.build(settings(TranscodeMode.COPY), recording,
                dir.resolve("out.mp4.part")));
        command.add(command.indexOf("-i"), "-re");
        AtomicBoolean ffmpegRunningWhenAsked = new AtomicBoolean();
        List<Double> seen = new CopyOnWriteArrayList<>();

        new FfmpegProcess(command, () -> {
            ffmpegRunningWhenAsked.set(ProcessHandle.current().children()
                    .anyMatch(p -> p.info().command().orElse("").endsWith("ffmpeg")));
            return FfmpegProcess.probeDurationSeconds("ffprobe", recording);
        }, seen::add, Duration.ofMinutes(1)).start().await();

        assertThat(ffmpegRunningWhenAsked).as("ffmpeg started before its input was probed").isTrue();
        assertThat(seen).isSorted().anyMatch(p -> p > 0 && p < 100);
        assertThat(seen.get(seen.size() - 1)).isEqualTo(100.0);
    }

    @Test
    void aMeasurementStillRunningWhenFfmpegEndsIsStopped() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        List<Double> seen = new CopyOnWriteArrayList<>();
        FfmpegProcess ffmpeg = new FfmpegProcess(TranscodeCommand.build(settings(TranscodeMode.COPY), recording,
                dir.resolve("copy.mp4.part")), () -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            return 0;
        }, seen::add, Duration.ofMinutes(1));

        long started = System.nanoTime();
        ffmpeg.start().await();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        assertThat(interrupted).as("the measurement was interrupted").isTrue();
        assertThat(seen).as("without a duration, 0 until the end").containsOnly(0.0, 100.0).last().isEqualTo(100.0);
    }

    @Test
    void aRemuxOverBeforeTheDurationIsNeededRunsNoFfprobe() throws Exception {
        List<String> children = new CopyOnWriteArrayList<>();
        FfmpegProcess ffmpeg = FfmpegProcess.forTranscode(settings(TranscodeMode.COPY), recording,
                dir.resolve("copy.mp4.part"), 0, ProgressListener.NONE);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                ProcessHandle.current().descendants().forEach(p -> children.add(p.info().command().orElse("?")));
                Thread.onSpinWait();
            }
        });
        sampler.start();
        long started = System.nanoTime();
        try {
            ffmpeg.start().await();
        } finally {
            sampler.interrupt();
            sampler.join();
        }

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FfmpegProcess.MEASURE_AFTER);
        // the sampler sees the child (on a busy machine it may only catch it as the JDK's spawn helper, before the
        // exec), and never an ffprobe
        assertThat(children).anyMatch(c -> c.endsWith("ffmpeg") || c.endsWith("jspawnhelper"))
                .noneMatch(c -> c.endsWith("ffprobe"));
    }

    @Test
    void aQuickRemuxStillEndsAtHundred() throws Exception {
        List<Double> seen = new CopyOnWriteArrayList<>();
        FfmpegProcess.forTranscode(settings(TranscodeMode.COPY), recording, dir.resolve("copy.mp4.part"), 0, seen::add)
                .start().await();
        assertThat(seen).isNotEmpty().last().isEqualTo(100.0);
    }

    @Test
    void aRecordingWithoutAudioIsTranscodedToo() throws Exception {
        Path silent = TestMedia.silentFlv(dir, "silent.flv", 2);
        Path output = dir.resolve("silent.mp4.part");
        FfmpegProcess.forTranscode(settings(TranscodeMode.CRF), silent, output, 0, ProgressListener.NONE)
                .start().await();
        MediaProbe.Info info = new MediaProbe("ffprobe").probe(output);
        assertThat(info.videoCodec()).contains("h264");
        assertThat(info.audioCodec()).isEmpty();
    }

    @Test
    void hostileNamesReachFfmpegAsPlainText() throws Exception {
        Path output = dir.resolve(TestMedia.hostileName(".mp4.part"));
        FfmpegProcess.forTranscode(settings(TranscodeMode.CRF), recording, output, 0, ProgressListener.NONE)
                .start().await();

        assertThat(output).isNotEmptyFile();
        for (Path place : List.of(dir, media, Path.of("").toAbsolutePath())) {
            try (Stream<Path> files = Files.walk(place, 1)) {
                assertThat(files.map(p -> p.getFileName().toString())).as("files in %s", place).doesNotContain("pwned");
            }
        }
    }

    @Test
    void corruptInputFailsWithFfmpegsWordsAndIsLeftAlone() throws Exception {
        Path corrupt = TestMedia.corruptFlv(dir, TestMedia.hostileName(".flv"));
        byte[] before = Files.readAllBytes(corrupt);
        assertThat(FfmpegProcess.probeDurationSeconds("ffprobe", corrupt)).isZero();

        assertThatThrownBy(() -> FfmpegProcess.forTranscode(settings(TranscodeMode.CRF), corrupt,
                dir.resolve("out.mp4.part"), 0, ProgressListener.NONE).start().await())
                .isInstanceOf(TranscodeFailed.class)
                .hasMessageStartingWith("ffmpeg exited with code 1: ")
                .hasMessageContaining("could not find codec parameters");

        assertThat(Files.readAllBytes(corrupt)).isEqualTo(before);
    }

    @Test
    void hevcInFlvIsReportedAsAnUnsupportedCodec() {
        Path hevc = TestMedia.hevcTaggedFlv(dir, "hevc.flv", 2);
        for (TranscodeMode mode : List.of(TranscodeMode.COPY, TranscodeMode.CRF)) {
            assertThatThrownBy(() -> FfmpegProcess.forTranscode(settings(mode), hevc,
                    dir.resolve(mode + ".mp4.part"), 0, ProgressListener.NONE).start().await())
                    .as(mode.name())
                    .isInstanceOf(TranscodeFailed.class)
                    .hasMessageContaining("flv: Video codec (c) is not implemented")
                    .hasMessageNotContaining("If you want to help")
                    .hasMessageNotContaining("@ 0x");
        }
    }

    @Test
    void timeoutKillsTheProcess() throws Exception {
        FfmpegProcess ffmpeg = new FfmpegProcess(slowEncode(), 60, ProgressListener.NONE, Duration.ofSeconds(2));
        ffmpeg.start();
        long pid = ffmpeg.pid();

        assertThatThrownBy(ffmpeg::await)
                .isInstanceOf(TranscodeFailed.class)
                .hasMessage("ffmpeg did not finish within 2 s; killed");

        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void killFromAnotherThreadInterruptsTheStageAndTheWholeTree() throws Exception {
        // A shell parent makes a real tree: the shell is the started process, ffmpeg its child.
        List<String> tree = new ArrayList<>(List.of("sh", "-c", "\"$@\"; exit $?", "sh"));
        tree.addAll(slowEncode());
        FfmpegProcess ffmpeg = new FfmpegProcess(tree, 60, ProgressListener.NONE, Duration.ofMinutes(1));
        ffmpeg.start();
        ProcessHandle shell = ProcessHandle.of(ffmpeg.pid()).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> shell.descendants().findAny().isPresent());
        List<ProcessHandle> all = new ArrayList<>(shell.descendants().toList());
        all.add(shell);

        Thread killer = new Thread(() -> {
            sleep(500);
            ffmpeg.kill();
        });
        killer.start();

        assertThatThrownBy(ffmpeg::await).isInstanceOf(StageInterrupted.class);
        killer.join();
        assertThat(all).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void killBeforeStartPreventsTheStart() {
        FfmpegProcess ffmpeg = new FfmpegProcess(slowEncode(), 60, ProgressListener.NONE, Duration.ofMinutes(1));
        ffmpeg.kill();
        assertThatThrownBy(ffmpeg::start).isInstanceOf(StageInterrupted.class);
    }

    @Test
    void interruptingTheWaitingThreadKillsFfmpeg() throws Exception {
        FfmpegProcess ffmpeg = new FfmpegProcess(slowEncode(), 60, ProgressListener.NONE, Duration.ofMinutes(1));
        ffmpeg.start();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                ffmpeg.await();
            } catch (Throwable t) {
                thrown.set(t);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        worker.start();
        sleep(500);
        worker.interrupt();
        worker.join(15_000);

        assertThat(thrown.get()).isInstanceOf(StageInterrupted.class);
        assertThat(stillInterrupted.get()).as("the interrupt is not swallowed").isTrue();
        assertThat(ProcessHandle.of(ffmpeg.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void missingExecutableIsAReadableFailure() {
        FfmpegProcess ffmpeg = new FfmpegProcess(List.of("/nonexistent/ffmpeg", "-version"), 0, ProgressListener.NONE,
                Duration.ofSeconds(5));
        assertThatThrownBy(ffmpeg::start).isInstanceOf(TranscodeFailed.class)
                .hasMessageStartingWith("cannot start /nonexistent/ffmpeg");
    }

    @Test
    void orphanIsKilledOnlyWhenItIsFfmpeg() throws Exception {
        Process orphan = new ProcessBuilder(slowEncode()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Process stranger = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(FfmpegProcess.killOrphan(stranger.pid(), "ffmpeg")).isFalse();
            assertThat(stranger.isAlive()).isTrue();

            assertThat(FfmpegProcess.killOrphan(orphan.pid(), "ffmpeg")).isTrue();
            assertThat(orphan.isAlive()).isFalse();
            assertThat(FfmpegProcess.killOrphan(orphan.pid(), "ffmpeg")).as("already gone").isFalse();
        } finally {
            stranger.destroyForcibly().waitFor();
            orphan.destroyForcibly().waitFor();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
