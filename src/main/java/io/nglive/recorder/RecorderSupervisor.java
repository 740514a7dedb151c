package io.nglive.recorder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

import io.nglive.Backoff;
import io.nglive.Durations;
import io.nglive.ProcessTree;
import io.nglive.Urls;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts BililiveRecorder ({@code nglive.recorder.command run --bind <url> <works-path>}), copies its output into
 * nglive's log (logger {@code recorder}), starts it again with a growing delay when it exits, and stops it when
 * nglive stops. Its pid is kept in the data path: a recorder that a crashed nglive left running is taken over
 * rather than started twice on the same work directory.
 */
public final class RecorderSupervisor extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RecorderSupervisor.class);
    private static final Logger OUTPUT = LoggerFactory.getLogger("recorder");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");
    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_DELAY = Duration.ofMinutes(1);
    /** A run this long was not a crash loop: the next restart starts from the first delay again. */
    private static final Duration STABLE = Duration.ofMinutes(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    private final List<String> commandLine;
    private final Map<String, String> environment;
    private final Path pidFile;
    private final RecorderClient client;
    private final LongConsumer onStarted;
    private final AtomicInteger restarts = new AtomicInteger();
    private volatile boolean stopping;
    private volatile Thread thread;
    private volatile ProcessHandle current;
    private volatile String state = "starting";
    private volatile String lastExit;

    /**
     * @param onStarted called with the pid each time the recorder (re)started and its API answers
     */
    public RecorderSupervisor(RecorderSettings settings, Path worksPath, Path dataPath, RecorderClient client,
                              LongConsumer onStarted) {
        this.commandLine = commandLine(settings, worksPath);
        this.environment = new LinkedHashMap<>();
        if (settings.hasCredentials()) {
            environment.put("BREC_HTTP_BASIC_USER", settings.user() == null ? "" : settings.user());
            environment.put("BREC_HTTP_BASIC_PASS", settings.password() == null ? "" : settings.password());
        }
        this.pidFile = dataPath.resolve("recorder.pid");
        this.client = client;
        this.onStarted = onStarted;
    }

    /** The configured command, then {@code run --bind http://<host>:<port> <works-path>}. */
    static List<String> commandLine(RecorderSettings settings, Path worksPath) {
        List<String> line = new ArrayList<>(settings.command());
        line.addAll(List.of("run", "--bind", "http://" + settings.url().getHost() + ":" + Urls.port(settings.url()),
                worksPath.toString()));
        return line;
    }

    /** For health: whether it runs, its pid, how often it was restarted and how it last ended. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        ProcessHandle process = current;
        status.put("state", state);
        status.put("pid", process == null ? null : process.pid());
        status.put("restarts", restarts.get());
        status.put("lastExit", lastExit);
        return status;
    }

    public boolean running() {
        ProcessHandle process = current;
        return process != null && process.isAlive();
    }

    @Override
    protected void doStart() {
        stopping = false;
        thread = new Thread(this::supervise, "recorder-supervisor");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        stopping = true;
        state = "stopped";
        Thread supervisor = thread;
        if (supervisor != null) {
            supervisor.interrupt();
        }
        ProcessHandle process = current;
        if (process != null) {
            terminate(process);
        }
        if (supervisor != null) {
            supervisor.join(STOP_TIMEOUT.toMillis());
        }
        ProcessHandle late = current;
        if (late != null && late.isAlive()) {
            terminate(late);
        }
        current = null;
        state = "stopped";
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", pidFile, e.getMessage());
        }
    }

    private void supervise() {
        try {
            superviseUntilStopped();
        } finally {
            // a process started while nglive was being stopped must not outlive it
            ProcessHandle process = current;
            if (stopping && process != null && process.isAlive()) {
                terminate(process);
            }
        }
    }

    private void superviseUntilStopped() {
        Backoff backoff = new Backoff(FIRST_DELAY, MAX_DELAY);
        Optional<ProcessHandle> leftover = leftover();
        while (!stopping) {
            Instant started = Instant.now();
            ProcessHandle process;
            Process child = null;
            try {
                if (leftover.isPresent()) {
                    process = leftover.get();
                    leftover = Optional.empty();
                    LOG.warn("took over the recorder (pid {}) that the previous nglive left running; its output is "
                            + "not in this log until it restarts", process.pid());
                } else {
                    child = launch();
                    process = child.toHandle();
                }
            } catch (IOException e) {
                lastExit = "could not start: " + e.getMessage();
                Duration delay = backoff.next();
                LOG.error("cannot start the recorder ({}): {}; trying again in {}", commandLine.get(0),
                        e.getMessage(), Durations.readable(delay));
                if (!pause(delay)) {
                    return;
                }
                continue;
            }
            current = process;
            if (stopping) {
                return;
            }
            state = "running";
            remember(process);
            if (awaitApi(process)) {
                try {
                    onStarted.accept(process.pid());
                } catch (RuntimeException e) {
                    LOG.warn("after the recorder started: {}", e.toString());
                }
            }
            if (!awaitExit(process)) {
                return;
            }
            lastExit = describeExit(child, started);
            current = null;
            if (stopping) {
                return;
            }
            if (Duration.between(started, Instant.now()).compareTo(STABLE) > 0) {
                backoff.reset();
            }
            restarts.incrementAndGet();
            state = "restarting";
            Duration delay = backoff.next();
            LOG.warn("the recorder (pid {}) {}; starting it again in {}", process.pid(), lastExit,
                    Durations.readable(delay));
            if (!pause(delay)) {
                return;
            }
        }
    }

    private Process launch() throws IOException {
        if (client.answers()) {
            LOG.warn("something already answers at {} before the recorder is started: if it is another program, "
                    + "the recorder cannot listen there and will exit", client.url());
        }
        ProcessBuilder builder = new ProcessBuilder(commandLine).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        LOG.info("started the recorder (pid {}): {}", process.pid(), shown(commandLine));
        Thread pump = new Thread(() -> copyOutput(process), "recorder-output-" + process.pid());
        pump.setDaemon(true);
        pump.start();
        return process;
    }

    /** The command line for the log, with the value after a password option masked. */
    static String shown(List<String> commandLine) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < commandLine.size(); i++) {
            boolean secret = i > 0 && commandLine.get(i - 1).toLowerCase(Locale.ROOT).matches("-.*(pass|password|token)");
            shown.add(secret ? "***" : commandLine.get(i));
        }
        return String.join(" ", shown);
    }

    private static void copyOutput(Process process) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.isBlank()) {
                    OUTPUT.info("{}", ANSI.matcher(line).replaceAll(""));
                }
            }
        } catch (IOException e) {
            LOG.debug("recorder output closed: {}", e.getMessage());
        }
    }

    /** Waits until the recorder's API answers; false when it exited or did not answer in time. */
    private boolean awaitApi(ProcessHandle process) {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!stopping && process.isAlive() && Instant.now().isBefore(deadline)) {
            if (client.answers()) {
                return true;
            }
            if (!pause(Duration.ofMillis(250))) {
                return false;
            }
        }
        if (process.isAlive() && !stopping) {
            LOG.warn("the recorder (pid {}) runs but its API at {} does not answer after {} s", process.pid(),
                    client.url(), READY_TIMEOUT.toSeconds());
        }
        return false;
    }

    /** Waits for the process to end; false when interrupted by nglive stopping. */
    private boolean awaitExit(ProcessHandle process) {
        try {
            process.onExit().get();
            return true;
        } catch (InterruptedException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    private static String describeExit(Process child, Instant started) {
        String ran = "after " + Duration.between(started, Instant.now()).toSeconds() + " s";
        if (child == null) {
            return "ended " + ran;
        }
        return "exited with code " + child.exitValue() + " " + ran;
    }

    /**
     * Asks the recorder to stop (it closes its files), then kills it and whatever it started if it does not. The
     * whole tree is asked at once: a wrapper script may not pass the request on to the recorder it started.
     */
    private static void terminate(ProcessHandle process) {
        if (ProcessTree.stop(process, ProcessTree.Order.TOGETHER, STOP_TIMEOUT)) {
            LOG.info("stopped the recorder (pid {})", process.pid());
        } else {
            LOG.warn("the recorder (pid {}) did not stop within {}: killed", process.pid(),
                    Durations.readable(STOP_TIMEOUT));
        }
    }

    /** The pid file: pid and start time, so that a pid reused by another program is never taken for the recorder. */
    private void remember(ProcessHandle process) {
        try {
            Files.writeString(pidFile, process.pid() + " "
                    + process.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n");
        } catch (IOException e) {
            LOG.warn("cannot write {}: {}", pidFile, e.getMessage());
        }
    }

    private Optional<ProcessHandle> leftover() {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String[] fields = Files.readString(pidFile).trim().split("\\s+");
            long pid = Long.parseLong(fields[0]);
            long startedAt = Long.parseLong(fields[1]);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().startInstant().map(Instant::toEpochMilli)
                            .map(t -> Math.abs(t - startedAt) < 1000).orElse(false));
        } catch (IOException | RuntimeException e) {
            LOG.debug("ignoring {}: {}", pidFile, e.toString());
            return Optional.empty();
        }
    }

    private boolean pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            return !stopping;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
