package io.nglive.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for the recorder executable, for tests of how nglive supervises it: started the way nglive starts
 * BililiveRecorder, {@code <java> -cp <test classes> io.nglive.testing.FakeRecorderMain run --bind
 * http://127.0.0.1:<port> <works path>}, it serves a {@link FakeRecorder} on 127.0.0.1 at the port of the bind URL
 * until it is killed. Like the real recorder it takes Basic credentials from {@code BREC_HTTP_BASIC_USER} /
 * {@code BREC_HTTP_BASIC_PASS} (either one set enables authentication, the other one then being empty), refuses to
 * start without its work directory, and exits with 0 on SIGTERM. Unlike it, it starts with no rooms every time.
 *
 * <p>For tests it also: prints {@code fake recorder <pid> listening on <url> (work directory <path>)} once
 * listening, one {@code request: ...} line per request on stdout and one line on stderr at start; writes its pid to
 * {@code <works path>/fake-recorder.pid}; and with {@code FAKE_RECORDER_EXIT_AFTER_MS} set, dies by itself with exit
 * code 3 after that many milliseconds, as a crashing recorder would (no shutdown message).
 */
public final class FakeRecorderMain {

    /** Exit code for a command line the recorder does not accept. */
    static final int USAGE = 2;
    /** Exit code of {@code FAKE_RECORDER_EXIT_AFTER_MS}. */
    static final int CRASH = 3;
    /** The real recorder's {@code return -1} from Main when its config or web server cannot be loaded. */
    static final int STARTUP_FAILURE = 255;

    private static final List<String> BIND_OPTIONS = List.of("--http-bind", "--bind", "-b");

    private FakeRecorderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Arguments arguments = Arguments.parse(args);
        if (arguments == null) {
            System.err.println("usage: FakeRecorderMain run --bind http://127.0.0.1:<port> <path>"
                    + " (got: " + String.join(" ", args) + ")");
            System.exit(USAGE);
            return;
        }
        if (!Files.isDirectory(arguments.workDirectory())) {
            System.err.println("fake recorder: work directory " + arguments.workDirectory()
                    + " does not exist; Config Loading Failed");
            System.exit(STARTUP_FAILURE);
            return;
        }
        System.err.println("fake recorder: stderr works");
        FakeRecorder recorder;
        try {
            recorder = startRecorder(arguments.port());
        } catch (UncheckedIOException e) {
            System.err.println("fake recorder: Failed to start web server: " + e.getMessage());
            System.exit(STARTUP_FAILURE);
            return;
        }
        serve(recorder, arguments.workDirectory());
    }

    private static FakeRecorder startRecorder(int port) {
        String user = System.getenv("BREC_HTTP_BASIC_USER");
        String password = System.getenv("BREC_HTTP_BASIC_PASS");
        if (user == null && password == null) {
            return FakeRecorder.start(port, null, null);
        }
        return FakeRecorder.start(port, user == null ? "" : user, password == null ? "" : password);
    }

    private static void serve(FakeRecorder recorder, Path workDirectory) throws InterruptedException {
        PrintStream out = System.out;
        long pid = ProcessHandle.current().pid();
        recorder.onRequest(request -> out.println("request: " + request));
        writePid(workDirectory, pid);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("fake recorder " + pid + " stopping");
            recorder.stop();
            out.flush();
            // The real recorder returns 0 from Main after SIGTERM, where a JVM would exit with 143.
            Runtime.getRuntime().halt(0);
        }, "fake-recorder-shutdown"));
        out.println("fake recorder " + pid + " listening on " + recorder.url()
                + " (work directory " + workDirectory + ")");
        out.flush();
        String exitAfter = System.getenv("FAKE_RECORDER_EXIT_AFTER_MS");
        if (exitAfter != null) {
            Thread.sleep(Long.parseLong(exitAfter));
            out.println("fake recorder " + pid + " crashing with exit code " + CRASH);
            out.flush();
            Runtime.getRuntime().halt(CRASH);
        }
        new CountDownLatch(1).await();
    }

    private static void writePid(Path workDirectory, long pid) {
        try {
            Files.writeString(workDirectory.resolve("fake-recorder.pid"), Long.toString(pid), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code run [--bind|--http-bind|-b <url>] <path>}, the option before or after the path; both required. */
    private record Arguments(int port, Path workDirectory) {

        static Arguments parse(String[] args) {
            if (args.length == 0 || !args[0].equals("run")) {
                return null;
            }
            String bind = null;
            List<String> paths = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                if (BIND_OPTIONS.contains(args[i]) && i + 1 < args.length && bind == null) {
                    bind = args[++i];
                } else if (args[i].startsWith("-")) {
                    return null;
                } else {
                    paths.add(args[i]);
                }
            }
            int port = bind == null ? -1 : port(bind);
            return port > 0 && paths.size() == 1 ? new Arguments(port, Path.of(paths.get(0))) : null;
        }

        private static int port(String bind) {
            try {
                URI uri = new URI(bind);
                return "http".equals(uri.getScheme()) ? uri.getPort() : -1;
            } catch (URISyntaxException e) {
                return -1;
            }
        }
    }
}
