package io.nglive.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.nglive.testing.FakeRecorderMain;

/** RecorderSupervisor with the stand-in recorder executable as its child: start, restart, stop and takeover. */
class RecorderSupervisorTest {

    private static final String USER = "brec";
    private static final String PASSWORD = "s3cret";
    /** A JVM stand-in takes about a second to answer; much more on a busy machine. */
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final List<String> STAND_IN = List.of(ProcessHandle.current().info().command().orElseThrow(),
            "-cp", System.getProperty("java.class.path"), FakeRecorderMain.class.getName());

    @TempDir
    Path works;
    @TempDir
    Path data;
    private final List<Long> started = new CopyOnWriteArrayList<>();
    /** Killed after each test, with every stand-in still running: what the test started itself. */
    private final List<ProcessHandle> children = new ArrayList<>();
    /** A minute before the test: the JDK derives start times of processes from the boot time, not exact. */
    private Instant testStart;
    private int port;
    private RecorderSettings settings;
    private RecorderClient client;
    private RecorderSupervisor supervisor;

    @BeforeEach
    void settings() throws IOException {
        testStart = Instant.now().minusSeconds(60);
        port = freePort();
        settings = new RecorderSettings(URI.create("http://127.0.0.1:" + port), USER, PASSWORD,
                Duration.ofSeconds(5), STAND_IN, Duration.ofSeconds(10), Duration.ofSeconds(60), null);
        client = new RecorderClient(settings);
    }

    @AfterEach
    void killChildren() throws Exception {
        try {
            if (supervisor != null) {
                supervisor.stop();
            }
        } finally {
            ProcessHandle.current().children().filter(this::isRecorder).forEach(children::add);
            children.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void startsTheRecorderAndReportsItsPidOnceItsApiAnswers() throws Exception {
        supervisor = supervisor(works);

        supervisor.start();

        long pid = awaitStarts(1);
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        assertThat(process.isAlive()).isTrue();
        assertThat(recorders()).containsExactly(pid);
        assertThat(Files.readString(works.resolve("fake-recorder.pid"))).isEqualTo(Long.toString(pid));
        assertThat(client.rooms()).isEmpty();
        assertThat(catchThrowableOfType(RecorderUnavailable.class, () -> anonymousClient().rooms()))
                .hasMessageContaining("(401)");
        assertThat(supervisor.status()).containsEntry("state", "running").containsEntry("pid", pid)
                .containsEntry("restarts", 0).containsEntry("lastExit", null);
        assertThat(supervisor.running()).isTrue();
        assertThat(Files.readString(data.resolve("recorder.pid")))
                .isEqualTo(pid + " " + process.info().startInstant().orElseThrow().toEpochMilli() + "\n");
        assertThat(started).containsExactly(pid);
    }

    @Test
    void killedRecorderIsStartedAgain() throws Exception {
        supervisor = supervisor(works);
        supervisor.start();
        long first = awaitStarts(1);

        ProcessHandle.of(first).orElseThrow().destroyForcibly();

        long second = awaitStarts(2);
        assertThat(second).isNotEqualTo(first);
        assertThat(ProcessHandle.of(second)).hasValueSatisfying(process -> assertThat(process.isAlive()).isTrue());
        assertThat(ProcessHandle.of(first).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(client.rooms()).isEmpty();
        assertThat(supervisor.status()).containsEntry("state", "running").containsEntry("pid", second)
                .containsEntry("restarts", 1);
        assertThat((String) supervisor.status().get("lastExit")).startsWith("exited with code 137 after");
        assertThat(Files.readString(data.resolve("recorder.pid"))).startsWith(second + " ");
    }

    @Test
    void recorderThatKeepsExitingIsRestartedWithAGrowingDelay() {
        supervisor = supervisor(works.resolve("missing"));
        supervisor.start();

        await().atMost(STARTUP).pollInterval(Duration.ofMillis(20)).until(() -> restarts() >= 2);
        Instant secondRestart = Instant.now();
        assertThat(supervisor.status()).containsEntry("state", "restarting").containsEntry("pid", null)
                .containsEntry("restarts", 2);
        assertThat((String) supervisor.status().get("lastExit")).startsWith("exited with code 255 after");
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(20)).until(() -> restarts() >= 3);

        // the delays double with jitter (Backoff): the first is 0.5 to 1 s, the second 1 to 2 s; a little is allowed
        // for the polling
        assertThat(Duration.between(secondRestart, Instant.now())).isGreaterThan(Duration.ofMillis(950));
        assertThat(started).isEmpty();
    }

    @Test
    void stopEndsTheRecorderAndStartsNoOther() throws Exception {
        supervisor = supervisor(works);
        supervisor.start();
        long pid = awaitStarts(1);

        supervisor.stop();

        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(data.resolve("recorder.pid")).doesNotExist();
        assertThat(supervisor.status()).containsEntry("state", "stopped").containsEntry("pid", null);
        assertThat(supervisor.running()).isFalse();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> started.size() == 1 && !client.answers() && recorders().isEmpty());
    }

    @Test
    void aStopWhileTheRecorderIsBeingStartedLeavesNoRecorderRunning() throws Exception {
        for (int i = 0; i < 10; i++) {
            supervisor = supervisor(works);
            supervisor.start();
            Thread.sleep(i);

            supervisor.stop();

            assertThat(supervisor.status()).containsEntry("state", "stopped").containsEntry("pid", null);
            await().atMost(Duration.ofSeconds(10)).until(() -> recorders().isEmpty());
        }
        assertThat(data.resolve("recorder.pid")).doesNotExist();
    }

    @Test
    void recorderLeftRunningByACrashedNgliveIsTakenOverAndStopped() throws Exception {
        Process leftover = startStandIn();
        await().atMost(STARTUP).until(client::answers);
        Files.writeString(data.resolve("recorder.pid"),
                leftover.pid() + " " + leftover.info().startInstant().orElseThrow().toEpochMilli() + "\n");
        supervisor = supervisor(works);

        supervisor.start();

        assertThat(awaitStarts(1)).isEqualTo(leftover.pid());
        assertThat(supervisor.status()).containsEntry("state", "running").containsEntry("pid", leftover.pid());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> recorders().equals(List.of(leftover.pid())) && started.size() == 1
                        && Files.readString(works.resolve("fake-recorder.pid")).equals(Long.toString(leftover.pid())));

        supervisor.stop();

        assertThat(leftover.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(leftover.exitValue()).as("stopped by SIGTERM, not killed").isZero();
        assertThat(data.resolve("recorder.pid")).doesNotExist();
    }

    @Test
    void pidFileNamingAnotherLiveProgramIsIgnored() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        long wrongStart = self.info().startInstant().orElseThrow().toEpochMilli() - 60_000;
        Files.writeString(data.resolve("recorder.pid"), self.pid() + " " + wrongStart + "\n");
        supervisor = supervisor(works);

        supervisor.start();

        long pid = awaitStarts(1);
        assertThat(pid).isNotEqualTo(self.pid());
        assertThat(Files.readString(works.resolve("fake-recorder.pid"))).isEqualTo(Long.toString(pid));
        assertThat(Files.readString(data.resolve("recorder.pid"))).startsWith(pid + " ");
        supervisor.stop();
        assertThat(self.isAlive()).isTrue();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not a pid\n", "999999999 1700000000000\n"})
    void unusablePidFileIsIgnored(String content) throws Exception {
        Files.writeString(data.resolve("recorder.pid"), content);
        supervisor = supervisor(works);

        supervisor.start();

        long pid = awaitStarts(1);
        assertThat(Files.readString(works.resolve("fake-recorder.pid"))).isEqualTo(Long.toString(pid));
        assertThat(Files.readString(data.resolve("recorder.pid"))).startsWith(pid + " ");
    }

    @Test
    void theLoggedCommandLineHidesPasswordOptions() {
        assertThat(RecorderSupervisor.shown(List.of("brec", "run", "--http-basic-pass", "s3cret", "--token", "t",
                "--bind", "http://127.0.0.1:2356", "/rec"))).isEqualTo(
                "brec run --http-basic-pass *** --token *** --bind http://127.0.0.1:2356 /rec");
    }

    @Test
    void commandLineIsTheCommandThenRunWithBindAndWorkDirectory() {
        RecorderSettings cli = new RecorderSettings(URI.create("http://127.0.0.1:2356/"), null, null,
                Duration.ofSeconds(5), List.of("/opt/brec/BililiveRecorder.Cli", "--verbose"),
                Duration.ofSeconds(10), Duration.ofSeconds(60), null);
        RecorderSettings defaultPort = new RecorderSettings(URI.create("http://192.168.1.5"), null, null,
                Duration.ofSeconds(5), List.of("BililiveRecorder.Cli"), Duration.ofSeconds(10),
                Duration.ofSeconds(60), null);

        assertThat(RecorderSupervisor.commandLine(cli, works)).containsExactly("/opt/brec/BililiveRecorder.Cli",
                "--verbose", "run", "--bind", "http://127.0.0.1:2356", works.toString());
        assertThat(RecorderSupervisor.commandLine(defaultPort, works))
                .containsExactly("BililiveRecorder.Cli", "run", "--bind", "http://192.168.1.5:80", works.toString());
        assertThat(RecorderSupervisor.commandLine(settings, works)).startsWith(STAND_IN.toArray(String[]::new))
                .endsWith("run", "--bind", "http://127.0.0.1:" + port, works.toString());
    }

    private RecorderSupervisor supervisor(Path worksPath) {
        return new RecorderSupervisor(settings, worksPath, data, client, started::add);
    }

    /** Waits until onStarted was called {@code count} times; the last pid it was given. */
    private long awaitStarts(int count) {
        await().atMost(STARTUP).until(() -> started.size() >= count);
        return started.get(count - 1);
    }

    private int restarts() {
        return (Integer) supervisor.status().get("restarts");
    }

    /** The pids of the live stand-ins started during this test, by the test or by the supervisor. */
    private List<Long> recorders() {
        return ProcessHandle.current().children().filter(this::isRecorder).map(ProcessHandle::pid).toList();
    }

    /**
     * A live child of this JVM running java, started for this test. Its arguments cannot tell: the JDK does not read
     * a command line as long as the test class path.
     */
    private boolean isRecorder(ProcessHandle process) {
        return process.isAlive() && process.info().command().equals(Optional.of(STAND_IN.get(0)))
                && process.info().startInstant().map(start -> !start.isBefore(testStart)).orElse(false);
    }

    /** The stand-in started as a previous nglive would have started it, not by the supervisor under test. */
    private Process startStandIn() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(RecorderSupervisor.commandLine(settings, works))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("BREC_HTTP_BASIC_USER", USER);
        builder.environment().put("BREC_HTTP_BASIC_PASS", PASSWORD);
        Process process = builder.start();
        children.add(process.toHandle());
        return process;
    }

    private RecorderClient anonymousClient() {
        return new RecorderClient(new RecorderSettings(settings.url(), null, null, Duration.ofSeconds(5), List.of(),
                Duration.ofSeconds(10), Duration.ofSeconds(60), null));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
