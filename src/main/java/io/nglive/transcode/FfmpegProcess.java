package io.nglive.transcode;

import io.nglive.Durations;
import io.nglive.ProcessTree;
import io.nglive.pipeline.ProgressListener;
import io.nglive.pipeline.StageInterrupted;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one ffmpeg command to the end and turns everything that can go wrong into a {@link TranscodeFailed} with a
 * readable reason, or a {@link StageInterrupted} when nglive stops it.
 *
 * <p>ffmpeg's stdout carries the {@code -progress pipe:1} key=value blocks, turned into percentages for the
 * {@link ProgressListener} (called on the stdout reader thread, at most once per block); when the input's duration
 * is not known beforehand it is measured on a third thread while ffmpeg already runs. Its stderr is kept as a
 * ring of the last {@value #STDERR_LINES} distinct lines, which become the failure reason. Both pipes are read on
 * their own threads, so neither can fill up and stall ffmpeg.
 *
 * <p>Use: {@link #start()}, journal {@link #pid()}, then {@link #await()}. Whatever happens, {@code await} returns
 * only once the process is gone and its streams are closed.
 */
public final class FfmpegProcess {

    private static final Logger LOG = LoggerFactory.getLogger(FfmpegProcess.class);
    private static final int STDERR_LINES = 30;
    private static final int REASON_CHARS = 500;
    /** How long ffmpeg gets to stop after SIGTERM (it finishes writing what it has) before it is killed outright. */
    private static final Duration GRACE = Duration.ofSeconds(5);
    /** How long the reader threads may still need once the process has exited. */
    private static final Duration DRAIN = Duration.ofSeconds(5);
    /**
     * How long ffmpeg runs before its input's duration is measured: a remux of a short recording is over by then and
     * costs no ffprobe (on two busy cores a concurrent one slows ffmpeg's start by as much as it takes), while a long
     * run's percentages start a moment later.
     */
    static final Duration MEASURE_AFTER = Duration.ofSeconds(2);
    /** strerror(ENOSPC), as ffmpeg prints it after the file it failed to write. */
    static final String NO_SPACE = "No space left on device";
    private static final String SHUTTING_DOWN = "ffmpeg stopped because nglive is shutting down";
    /** {@code [flv @ 0x55d1c0a3b100] } — the address means nothing to a user; the component name does. */
    private static final Pattern COMPONENT_PREFIX = Pattern.compile("\\[([\\w:.-]+) @ 0x[0-9a-fA-F]+] ");
    /** ffmpeg's boilerplate around "not implemented" reports: true for developers, noise in a user's reason. */
    private static final List<String> BOILERPLATE = List.of(
            "If you want to help, upload a sample of this file",
            "Consider increasing the value for the 'analyzeduration'",
            " Update your FFmpeg version to the newest one from Git.");

    private final List<String> command;
    /** Asked for the input's duration once ffmpeg runs; null when it was given. */
    private final DoubleSupplier measureDuration;
    private volatile double durationSeconds;
    private final ProgressListener listener;
    private final Duration timeout;
    private final Deque<String> stderrTail = new ArrayDeque<>();

    private Process process;
    private Thread stdoutReader;
    private Thread stderrReader;
    private Thread durationReader;
    private long deadlineNanos;
    private volatile boolean killed;
    /** ffmpeg said its output's file system is full; it can still exit 0 then (when the trailer could not be written). */
    private volatile boolean outOfSpace;

    /**
     * @param command         the full ffmpeg argument list (see {@link TranscodeCommand}); must use {@code -progress pipe:1}
     * @param durationSeconds the input's duration, the 100 % of the progress; 0 or less when unknown, in which case
     *                        the listener hears 0 until the 100 at the end
     * @param listener        receives the progress percentage
     * @param timeout         the longest the run may take before ffmpeg is killed
     */
    public FfmpegProcess(List<String> command, double durationSeconds, ProgressListener listener, Duration timeout) {
        this(command, null, durationSeconds, listener, timeout);
    }

    /**
     * @param measureDuration asked for the input's duration in seconds on a thread of its own once ffmpeg has started,
     *                        so that measuring it (an ffprobe run) never delays ffmpeg; progress is 0 until it answers
     *                        (and after an answer of 0 or less). Interrupted when ffmpeg ends.
     */
    FfmpegProcess(List<String> command, DoubleSupplier measureDuration, ProgressListener listener, Duration timeout) {
        this(command, measureDuration, 0, listener, timeout);
    }

    private FfmpegProcess(List<String> command, DoubleSupplier measureDuration, double durationSeconds,
                          ProgressListener listener, Duration timeout) {
        this.command = List.copyOf(command);
        this.measureDuration = measureDuration;
        this.durationSeconds = durationSeconds;
        this.listener = listener;
        this.timeout = timeout;
    }

    /**
     * The process for transcoding {@code input} into {@code output} as {@code settings} say, at the configured CPU
     * priority and timeout. A {@code durationSeconds} of 0 or less (unknown) is measured with ffprobe once ffmpeg has
     * run for {@link #MEASURE_AFTER}.
     */
    public static FfmpegProcess forTranscode(TranscodeSettings settings, Path input, Path output,
                                             double durationSeconds, ProgressListener listener) {
        return forTranscode(settings, input, output, null, durationSeconds, listener);
    }

    /** As {@link #forTranscode(TranscodeSettings, Path, Path, double, ProgressListener)}, burning {@code subtitles} in (null: none). */
    public static FfmpegProcess forTranscode(TranscodeSettings settings, Path input, Path output, Path subtitles,
                                             double durationSeconds, ProgressListener listener) {
        List<String> command = TranscodeCommand.withPriority(TranscodeCommand.build(settings, input, output, subtitles),
                settings.nice());
        return durationSeconds > 0
                ? new FfmpegProcess(command, durationSeconds, listener, settings.timeout())
                : new FfmpegProcess(command, () -> probeLater(settings.ffprobe(), input), listener, settings.timeout());
    }

    /** 0 when ffmpeg ends first: then there was no progress to show, and no ffprobe is started for nothing. */
    private static double probeLater(String ffprobe, Path input) {
        try {
            Thread.sleep(MEASURE_AFTER.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        return probeDurationSeconds(ffprobe, input);
    }

    /** The container duration of {@code file} in seconds according to ffprobe, or 0 when it cannot tell. */
    public static double probeDurationSeconds(String ffprobe, Path file) {
        return new MediaProbe(ffprobe).durationSeconds(file);
    }

    /**
     * Starts ffmpeg; the timeout counts from here.
     *
     * @throws TranscodeFailed   when the executable cannot be started (not installed, not executable)
     * @throws StageInterrupted  when {@link #kill()} came first
     */
    public synchronized FfmpegProcess start() throws TranscodeFailed {
        if (process != null) {
            throw new IllegalStateException("already started");
        }
        if (killed) {
            throw new StageInterrupted("ffmpeg was stopped before it started");
        }
        Process started;
        try {
            started = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new TranscodeFailed("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
        deadlineNanos = System.nanoTime() + timeout.toNanos();
        closeQuietly(started.getOutputStream()); // -nostdin: ffmpeg reads nothing, so it gets nothing to read
        stdoutReader = reader("ffmpeg-progress-" + started.pid(), () -> readProgress(started.getInputStream()));
        stderrReader = reader("ffmpeg-stderr-" + started.pid(), () -> readStderr(started.getErrorStream()));
        if (measureDuration != null) {
            durationReader = reader("ffmpeg-duration-" + started.pid(),
                    () -> durationSeconds = measureDuration.getAsDouble());
        }
        process = started;
        return this;
    }

    /** The pid of the started process, to journal so a crashed nglive can {@link #killOrphan} it later. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("not started");
        }
        return process.pid();
    }

    /**
     * Waits for ffmpeg to finish.
     *
     * @throws TranscodeFailed   non-zero exit (with ffmpeg's last words) or timeout (process tree killed)
     * @throws OutOfSpace        ffmpeg reported a full file system, whatever its exit code (it exits 0 when only the
     *                           trailer could not be written, leaving a file no player can open)
     * @throws StageInterrupted  {@link #kill()} was called or the waiting thread was interrupted (process tree killed)
     */
    public void await() throws TranscodeFailed {
        Process running;
        synchronized (this) {
            if (process == null) {
                throw new IllegalStateException("not started");
            }
            running = process;
        }
        try {
            long remaining = deadlineNanos - System.nanoTime();
            if (!running.waitFor(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
                destroyTree(running.toHandle());
                if (killed) {
                    throw new StageInterrupted(SHUTTING_DOWN);
                }
                throw new TranscodeFailed("ffmpeg did not finish within " + Durations.readable(timeout) + "; killed");
            }
        } catch (InterruptedException e) {
            destroyTree(running.toHandle());
            Thread.currentThread().interrupt();
            throw new StageInterrupted("ffmpeg stopped because its thread was interrupted");
        } finally {
            drainAndClose(running);
        }
        if (killed) {
            throw new StageInterrupted(SHUTTING_DOWN);
        }
        if (outOfSpace) {
            throw new OutOfSpace("ffmpeg could not write its output (exit code " + running.exitValue() + "): " + reason());
        }
        if (running.exitValue() != 0) {
            throw new TranscodeFailed("ffmpeg exited with code " + running.exitValue() + ": " + reason());
        }
    }

    /**
     * Stops ffmpeg from another thread (shutdown): kills the process tree and makes {@link #await()} throw
     * {@link StageInterrupted}. Returns once the process is gone.
     */
    public void kill() {
        Process running;
        synchronized (this) {
            killed = true;
            running = process;
        }
        if (running != null) {
            destroyTree(running.toHandle());
        }
        stopMeasuring();
    }

    /** ffmpeg is over, so its duration no longer matters: an ffprobe still measuring it is stopped. */
    private synchronized void stopMeasuring() {
        if (durationReader != null) {
            durationReader.interrupt();
        }
    }

    /**
     * Kills a process left over by a previous nglive that crashed during a transcode, but only if it is still alive
     * and its command line mentions {@code expectedExecutableHint} (e.g. {@code ffmpeg}): a recycled pid belonging
     * to something else, or a process whose command line the OS does not reveal, is left alone.
     *
     * @return whether a process was killed
     */
    public static boolean killOrphan(long pid, String expectedExecutableHint) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> mentions(handle.info(), expectedExecutableHint))
                .map(handle -> {
                    destroyTree(handle);
                    return true;
                })
                .orElse(false);
    }

    private static boolean mentions(ProcessHandle.Info info, String hint) {
        String needle = hint.toLowerCase(Locale.ROOT);
        return info.commandLine().or(info::command)
                .map(line -> line.toLowerCase(Locale.ROOT).contains(needle))
                .orElse(false);
    }

    /**
     * Descendants first, while their parent is still alive to reap them (an orphan's zombie lingers until init
     * gets round to it, or forever when nglive itself is PID 1 in a container); then the process itself. SIGTERM
     * first: ffmpeg then stops cleanly.
     */
    private static void destroyTree(ProcessHandle root) {
        ProcessTree.stop(root, ProcessTree.Order.CHILDREN_FIRST, GRACE);
    }

    /**
     * Stops a duration measurement still running, lets the readers take in the last progress block and stderr lines,
     * then closes the streams. A reader can only still be blocked if something outside the tree kept the pipe open;
     * closing the stream releases it.
     */
    private void drainAndClose(Process finished) {
        ProcessTree.exitsWithin(finished.toHandle(), GRACE);
        stopMeasuring();
        join(stdoutReader);
        join(stderrReader);
        if (durationReader != null) {
            join(durationReader);
        }
        closeQuietly(finished.getInputStream());
        closeQuietly(finished.getErrorStream());
    }

    private static void join(Thread thread) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (thread.isAlive() && System.nanoTime() < deadline) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread reader(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Each {@code -progress} block ends with {@code progress=continue} or {@code progress=end}; {@code out_time_us}
     * (and {@code out_time_ms}, also microseconds despite its name) say how far the output got, or {@code N/A}
     * before the first frame.
     */
    private void readProgress(InputStream stdout) {
        double outSeconds = -1;
        double reported = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                switch (key) {
                    case "out_time_us", "out_time_ms" -> outSeconds = microsToSeconds(value, outSeconds);
                    case "progress" -> {
                        if (value.equals("end")) {
                            report(100);
                        } else {
                            double duration = durationSeconds;
                            if (duration > 0 && outSeconds >= 0) {
                                // Never backwards: a timestamp glitch in the recording must not make the bar jump back.
                                reported = Math.max(reported, Math.min(100, outSeconds * 100 / duration));
                            }
                            report(reported);
                        }
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            // The stream was closed under us after the process ended: there is nothing more to read.
        }
    }

    private static double microsToSeconds(String value, double previous) {
        try {
            return Long.parseLong(value) / 1_000_000.0;
        } catch (NumberFormatException e) {
            return previous;
        }
    }

    /** A listener that throws must not stop the draining of stdout, or ffmpeg would block on a full pipe. */
    private void report(double percent) {
        try {
            listener.progress(percent);
        } catch (RuntimeException e) {
            LOG.warn("progress listener failed", e);
        }
    }

    private void readStderr(InputStream stderr) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                remember(line);
            }
        } catch (IOException e) {
            // As for stdout: closed after the process ended.
        }
    }

    /**
     * Keeps the last distinct meaningful lines: a broken input makes ffmpeg repeat the same complaint for every
     * packet, which would otherwise push the one line that explains the failure out of the ring.
     */
    private void remember(String raw) {
        if (raw.contains(NO_SPACE)) {
            outOfSpace = true;
        }
        String line = raw.strip();
        String component = "";
        Matcher prefix = COMPONENT_PREFIX.matcher(line);
        if (prefix.lookingAt()) {
            component = prefix.group(1) + ": ";
            line = line.substring(prefix.end());
        }
        for (String boilerplate : BOILERPLATE) {
            int at = line.indexOf(boilerplate);
            if (at >= 0) {
                line = line.substring(0, at).strip();
            }
        }
        if (line.isEmpty()) {
            return;
        }
        line = component + line;
        synchronized (stderrTail) {
            stderrTail.remove(line);
            stderrTail.addLast(line);
            if (stderrTail.size() > STDERR_LINES) {
                stderrTail.removeFirst();
            }
        }
    }

    /** ffmpeg's last words, oldest first; when too long the end is kept, because ffmpeg says the fatal part last. */
    private String reason() {
        String joined;
        synchronized (stderrTail) {
            joined = String.join(" | ", stderrTail);
        }
        if (joined.isEmpty()) {
            return "no error message";
        }
        return joined.length() <= REASON_CHARS ? joined : "…" + joined.substring(joined.length() - REASON_CHARS);
    }

    private static void closeQuietly(Closeable stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // Closing a pipe of a finished process cannot fail in a way that matters.
        }
    }
}
