package io.nglive.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * The real application, started from the packaged {@code target/nglive.jar} as its own process in a directory of its
 * own, the way a user runs it: {@code application.properties} and {@code routes/} copied from the project, with the
 * test's settings appended. End-to-end tests talk to it over HTTP and WebSocket only, and can stop it with SIGTERM
 * or kill it with SIGKILL.
 */
public final class NgliveProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final int port;
    private Process process;

    /** A new application in {@code dir}, or the one that ran there before (same data, same settings), restarted. */
    public NgliveProcess(Path dir) {
        this.dir = dir;
        this.port = freePort();
        settings.put("camel.server.port", String.valueOf(port));
        settings.put("nglive.works-path", dir.resolve("works").toString());
        settings.put("nglive.out-path", dir.resolve("out").toString());
        settings.put("nglive.data-path", dir.resolve("data").toString());
        settings.put("nglive.upload.dir", dir.resolve("archive").toString());
        settings.put("nglive.node.name", "test-node");
        settings.put("nglive.heartbeat.interval", "1s");
        settings.put("nglive.transcode.retry-delay", "200ms");
        settings.put("nglive.upload.retry-delay", "200ms");
        settings.put("nglive.upload.retry-max-delay", "1s");
        copyProjectFiles();
    }

    public NgliveProcess set(String property, String value) {
        settings.put(property, value);
        return this;
    }

    public NgliveProcess env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** A JVM option for the application's java command, e.g. to open a JMX port. */
    public NgliveProcess jvm(String option) {
        jvmOptions.add(option);
        return this;
    }

    /** Uploads go to an HTTP (WebDAV / PUT) target at {@code url}. */
    public NgliveProcess uploadTo(URI url) {
        return set("nglive.upload.target", "http").set("nglive.upload.url", url.toString());
    }

    /**
     * Replaces {@code text} by {@code replacement} in one of the application's route files, as a user editing it
     * would (while it runs, or before it starts). Fails when the text is not there, so a test cannot edit nothing.
     */
    public NgliveProcess editRoute(String file, String text, String replacement) {
        Path route = routes().resolve(file);
        try {
            String yaml = Files.readString(route, StandardCharsets.UTF_8);
            if (!yaml.contains(text)) {
                throw new IllegalStateException(file + " does not contain: " + text);
            }
            Files.writeString(route, yaml.replace(text, replacement), StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The README's edit of routes/30-pipeline.camel.yaml that uploads the original FLV and then the MP4. */
    public NgliveProcess uploadOriginalAndMp4() {
        return editRoute("30-pipeline.camel.yaml", "        - to: kamelet:transcode\n",
                "        - to: kamelet:replica-gate\n        - to: \"kamelet:upload?artifact=recording\"\n"
                        + "        - to: kamelet:transcode\n");
    }

    public Path dir() {
        return dir;
    }

    public Path works() {
        return dir.resolve("works");
    }

    public Path out() {
        return dir.resolve("out");
    }

    public Path archive() {
        return dir.resolve("archive");
    }

    public Path routes() {
        return dir.resolve("routes");
    }

    public int port() {
        return port;
    }

    /** Starts the process and waits until {@code /observe/health} answers 200. */
    public NgliveProcess start() {
        launch();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nglive exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> health = get("/observe/health");
                if (health.statusCode() == 200 && health.body().contains("\"status\":\"UP\"")) {
                    return this;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            sleep(100);
        }
        throw new IllegalStateException("nglive did not become healthy within 60 s:\n" + log());
    }

    /** Starts the process without waiting for it to be healthy (for tests of failed starts). */
    public NgliveProcess launch() {
        try {
            Files.writeString(dir.resolve("application.properties"), settingsText(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
            settings.clear();
            // the options users run it with (jvm.options); its class-data archive, a path relative to the project, is
            // not found from the test's directory and so not used
            List<String> command = new ArrayList<>(List.of(javaExecutable(), "@" + projectRoot().resolve("jvm.options")));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar().toString()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nglive.log").toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    public int stop() {
        process.destroy();
        return waitForExit(Duration.ofSeconds(60));
    }

    /** SIGKILL, as a crash: children (ffmpeg) are left running, as they would be. */
    public void kill() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(30));
    }

    public int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("nglive did not exit within " + timeout + ":\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGSTOP: the process stands still (a long GC pause, a frozen VM) until {@link #resume}. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            int code = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start()
                    .waitFor();
            if (code != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited with " + code);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The application's child processes whose command is ffmpeg (directly or behind {@code nice}). */
    public List<ProcessHandle> ffmpegChildren() {
        if (process == null) {
            return List.of();
        }
        return process.descendants().filter(p -> p.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false))
                .toList();
    }

    public String log() {
        try {
            Path log = dir.resolve("nglive.log");
            // not readString: it throws on a character half written at the end, which a running process can leave
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Posts a webhook body and returns the response, as the recorder would send it. */
    public HttpResponse<String> webhook(String body) {
        return send(HttpRequest.newBuilder(uri("/webhook")).header("Content-Type", "application/json")
                .header("User-Agent", "BililiveRecorder/2.17.0")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    public JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** {@code GET /api/jobs/{id}}'s data. */
    public JsonNode job(long id) {
        return json(get("/api/jobs/" + id)).get("data");
    }

    /** Every job, newest first: {@code GET /api/jobs}, a page of 1,000 (the largest) at a time. */
    public JsonNode jobs() {
        ArrayNode jobs = JSON.createArrayNode();
        while (true) {
            JsonNode page = json(get("/api/jobs?limit=1000&offset=" + jobs.size())).get("data");
            page.forEach(jobs::add);
            if (page.size() < 1000) {
                return jobs;
            }
        }
    }

    /** One check of {@code /observe/health} with its message and details ({@code data}), e.g. {@code recorder}. */
    public JsonNode healthCheck(String name) {
        HttpResponse<String> health = get("/observe/health?exposureLevel=full&data=true");
        for (JsonNode check : json(health).path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no " + name + " check in " + health.body());
    }

    public EventClient events(long since) {
        return EventClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws" + (since >= 0 ? "?since=" + since : "")));
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        // taken before the kill: once nglive is gone its children belong to init and are no longer its descendants
        List<ProcessHandle> children = process == null ? List.of() : process.descendants().toList();
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(30));
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private String settingsText() {
        StringBuilder text = new StringBuilder("\n# test settings\n");
        settings.forEach((k, v) -> text.append(k).append(" = ").append(v.replace("\\", "\\\\")).append('\n'));
        return text.toString();
    }

    private void copyProjectFiles() {
        Path root = projectRoot();
        try {
            Files.createDirectories(works());
            if (Files.exists(dir.resolve("application.properties"))) {
                return; // a restart on the same data: keep the files as the previous run left them
            }
            Files.createDirectories(routes());
            Files.copy(root.resolve("application.properties"), dir.resolve("application.properties"));
            // the node's routes and, in routes/central, the central server's
            try (Stream<Path> files = Files.walk(root.resolve("routes"))) {
                for (Path f : files.toList()) {
                    Path copy = routes().resolve(root.resolve("routes").relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(f, copy);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path projectRoot() {
        return Path.of(System.getProperty("nglive.root", System.getProperty("user.dir")));
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("nglive.jar", projectRoot().resolve("target/nglive.jar").toString()));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: end-to-end tests run after `mvn package` (use mvn verify)");
        }
        return jar;
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
