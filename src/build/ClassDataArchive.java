import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes target/nglive.jsa, the class-data archive that jvm.options names (AppCDS): the classes nglive loads to start,
 * already parsed and verified, which halves the CPU time of a start. Run by mvn package from the project directory,
 * after the jar is made: starts the jar once as the README runs it ({@code -jar target/nglive.jar}, the path the
 * archive is then valid for), waits until it is healthy, sends it one webhook, and stops it; the JVM writes the archive
 * as it exits.
 *
 * <p>The run reaches nothing outside target/cds, whatever application.properties says: its own free port, database
 * and folders, no recorder, no central server, no event webhooks, no upload. A run that fails leaves no archive and
 * the build goes on: nglive then starts without it, only slower.
 */
public final class ClassDataArchive {

    private static final Path JAR = Path.of("target", "nglive.jar");
    private static final Path ARCHIVE = Path.of("target", "nglive.jsa");
    private static final Path SCRATCH = Path.of("target", "cds");

    public static void main(String[] args) throws Exception {
        Files.deleteIfExists(ARCHIVE);
        delete(SCRATCH);
        Files.createDirectories(SCRATCH.resolve("works"));
        Path log = SCRATCH.resolve("nglive.log");
        int port = freePort();
        Map<String, String> settings = Map.ofEntries(
                Map.entry("camel.server.host", "127.0.0.1"),
                Map.entry("camel.server.port", String.valueOf(port)),
                Map.entry("camel.main.routes-reload-enabled", "false"),
                Map.entry("nglive.data-path", SCRATCH.resolve("data").toString()),
                Map.entry("nglive.works-path", SCRATCH.resolve("works").toString()),
                Map.entry("nglive.out-path", SCRATCH.resolve("out").toString()),
                Map.entry("nglive.upload.target", "none"),
                Map.entry("nglive.upload.dir", SCRATCH.resolve("archive").toString()),
                Map.entry("nglive.api.token", ""),
                Map.entry("nglive.webhook.token", ""),
                Map.entry("nglive.notify.urls", ""),
                Map.entry("nglive.central.url", ""),
                Map.entry("nglive.recorder.command", ""),
                Map.entry("nglive.recorder.register-webhook", "false"),
                // a port nobody listens on: the recorder is reported unreachable, as on a machine without one
                Map.entry("nglive.recorder.url", "http://127.0.0.1:" + freePort()));
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:ArchiveClassesAtExit=" + ARCHIVE));
        settings.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.addAll(List.of("-jar", JAR.toString()));

        long started = System.nanoTime();
        Process nglive = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        String problem = exercise(nglive, port);
        nglive.destroy();
        if (!nglive.waitFor(60, TimeUnit.SECONDS)) {
            nglive.destroyForcibly();
            problem = problem == null ? "nglive did not stop within 60 s" : problem;
        }
        if (problem == null && Files.isRegularFile(ARCHIVE)) {
            System.out.printf("class-data archive %s written (%d MB) in %.1f s%n", ARCHIVE,
                    Files.size(ARCHIVE) >> 20, (System.nanoTime() - started) / 1e9);
        } else {
            Files.deleteIfExists(ARCHIVE);
            System.out.printf("WARNING: no class-data archive (%s): nglive will start without it, only slower; see %s%n",
                    problem != null ? problem : "the JVM did not write it", log);
        }
    }

    /** Waits until nglive is healthy, then takes one webhook and one API call; the reason if it could not. */
    private static String exercise(Process nglive, int port) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            if (!nglive.isAlive()) {
                return "nglive exited with " + nglive.exitValue();
            }
            if (System.nanoTime() > deadline) {
                return "nglive was not healthy within 120 s";
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/observe/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\"")) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        try {
            http.send(HttpRequest.newBuilder(URI.create(base + "/webhook")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"EventType":"SessionStarted","EventTimestamp":"2024-11-24T20:30:01.0000000+08:00",
                             "EventId":"class-data-archive","EventData":{"SessionId":"class-data-archive",
                             "RoomId":1,"ShortId":0,"Name":"","Title":"","AreaNameParent":"","AreaNameChild":"",
                             "Recording":true,"Streaming":true,"DanmakuConnected":true}}""")).build(),
                    HttpResponse.BodyHandlers.discarding());
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs")).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            return "nglive did not answer: " + e;
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
