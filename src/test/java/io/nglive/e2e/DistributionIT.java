package io.nglive.e2e;

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Webhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zip for people who do not build Java (target/nglive-&lt;version&gt;.zip), unpacked and started by its own
 * script from another directory, as they would start it.
 */
class DistributionIT {

    private static final Path ZIP = Path.of(Objects.requireNonNull(System.getProperty("nglive.zip"),
            "nglive.zip, the path of target/nglive-<version>.zip, is set by Failsafe: run mvn verify"));
    private static final String FOLDER = ZIP.getFileName().toString().replaceFirst("\\.zip$", "");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    /** A test that failed half way leaves no nglive running. */
    @AfterEach
    void killWhatIsLeft() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void startsFromAnotherDirectoryUnderAnAsciiLocaleAndTheSecondStartUsesTheClassDataArchive() throws Exception {
        Path app = unpack();
        String folder = "23058-3号直播间";
        String name = "录制-23058-20240317-203001-249-哔哩哔哩音悦台";
        TestMedia.flv(Files.createDirectories(app.resolve("works").resolve(folder)), name + ".flv", 2);
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        // LC_ALL=C and no LANG, as in many containers and systemd units: the script must give Java a UTF-8 locale
        Map<String, String> asciiLocale = Map.of("LC_ALL", "C");

        int port = NgliveProcess.freePort();
        Process first = start(app, elsewhere, List.of(), asciiLocale, port, "");
        awaitHealthy(first, port);
        HttpResponse<String> answer = post(port, "/webhook", Webhooks.fileClosed(23058, folder + "/" + name + ".flv"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        await().atMost(60, SECONDS).pollInterval(200, MILLISECONDS)
                .until(() -> json(get(port, "/api/jobs")).path("data").path(0).path("status").asText(), "DONE"::equals);
        assertThat(app.resolve("archive").resolve(folder).resolve(name + ".mp4")).isNotEmptyFile();
        assertThat(stop(first)).isZero();
        Path archive = app.resolve("nglive.jsa");
        assertThat(archive).isNotEmptyFile();
        assertThat(log()).doesNotContain("[warning][cds]", "no UTF-8 locale");

        FileTime written = Files.getLastModifiedTime(archive);
        // -Xshare:on: the JVM refuses to start at all unless it maps the archive
        Process second = start(app, elsewhere, List.of(), asciiLocale, port, "-Xshare:on");
        awaitHealthy(second, port);
        assertThat(stop(second)).isZero();
        assertThat(Files.getLastModifiedTime(archive)).isEqualTo(written);
    }

    @Test
    void theConfigurationDirectoryIsTheArgumentElseNgliveHome() throws Exception {
        Path app = unpack();
        Path config = Files.createDirectories(dir.resolve("配置"));
        Files.copy(app.resolve("application.properties"), config.resolve("application.properties"));
        copyTree(app.resolve("routes"), config.resolve("routes"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        int port = NgliveProcess.freePort();

        // a relative argument is taken from where the user is
        Process byArgument = start(app, elsewhere, List.of("../配置"), Map.of(), port, "");
        awaitHealthy(byArgument, port);
        assertThat(stop(byArgument)).isZero();
        assertThat(config.resolve("data")).isDirectory();
        assertThat(config.resolve("nglive.jsa")).isNotEmptyFile();

        Process byHome = start(app, elsewhere, List.of(), Map.of("NGLIVE_HOME", config.toString()), port, "-Xshare:on");
        awaitHealthy(byHome, port);
        assertThat(stop(byHome)).isZero();
        assertThat(app.resolve("data")).doesNotExist();
        assertThat(app.resolve("nglive.jsa")).doesNotExist();
    }

    @Test
    void theImagesEnvironmentListensBeyondLoopbackWithItsVolumes() throws Exception {
        Path app = unpack();
        Map<String, String> image = new LinkedHashMap<>();
        // the Dockerfile's ENV, with each volume (an absolute path) moved under this test's directory
        Matcher env = Pattern.compile("(?m)^\\s*(?:ENV\\s+)?([A-Z_]+)=(\\S+)\\s*\\\\?$")
                .matcher(Files.readString(app.resolve("Dockerfile")));
        while (env.find()) {
            String value = env.group(2);
            image.put(env.group(1), value.startsWith("/") ? dir.resolve("volumes" + value).toString() : value);
        }
        assertThat(image).containsEntry("LANG", "C.UTF-8").containsEntry("CAMEL_SERVER_HOST", "0.0.0.0")
                .containsKeys("NGLIVE_WORKS_PATH", "NGLIVE_DATA_PATH", "NGLIVE_OUT_PATH", "NGLIVE_UPLOAD_DIR");
        for (String volume : List.of("works", "data", "out", "archive")) {
            Files.createDirectories(dir.resolve("volumes").resolve(volume));
        }
        int port = NgliveProcess.freePort();

        // no archive for this start (an empty ArchiveClassesAtExit unsets the script's): it is about the environment
        Process nglive = start(app, dir, List.of(), image, port, "-XX:ArchiveClassesAtExit=");
        awaitHealthy(nglive, port);
        assertThat(stop(nglive)).isZero();
        assertThat(log()).contains("listening on http://0.0.0.0:" + port + " (every interface)");
        assertThat(dir.resolve("volumes/data")).isNotEmptyDirectory();
        assertThat(app.resolve("data")).doesNotExist();
    }

    @Test
    void everyNgliveVariableOfTheDockerAndSystemdFilesIsASetting() throws Exception {
        Path app = unpack();
        Set<String> settings = Files.readAllLines(app.resolve("application.properties")).stream()
                .filter(line -> line.startsWith("nglive."))
                .map(line -> line.substring(0, line.indexOf('=')).strip().toUpperCase().replaceAll("[.-]", "_"))
                .collect(Collectors.toSet());
        Set<String> variables = new TreeSet<>();
        for (String file : List.of("Dockerfile", "compose.yaml", "nglive.service")) {
            Matcher variable = Pattern.compile("\\b(NGLIVE_[A-Z_]+)[=:]").matcher(Files.readString(app.resolve(file)));
            while (variable.find()) {
                variables.add(variable.group(1));
            }
        }
        // NGLIVE_HOME is the scripts' own; nglive reads every other NGLIVE_ variable as a setting
        variables.remove("NGLIVE_HOME");
        assertThat(variables).isNotEmpty();
        assertThat(settings).containsAll(variables);
    }

    @Test
    void zipHoldsOneFolderWithTheScriptsAndTheRepositorysSettingsAndOptions() throws IOException {
        Path root = NgliveProcess.projectRoot();
        try (FileSystem zip = FileSystems.newFileSystem(ZIP, Map.of("enablePosixFileAttributes", true))) {
            try (Stream<Path> top = Files.list(zip.getPath("/"))) {
                assertThat(top.map(p -> p.getFileName().toString().replace("/", ""))).containsExactly(FOLDER);
            }
            Path folder = zip.getPath("/", FOLDER);
            for (String file : List.of("nglive.jar", "bin/nglive", "bin/nglive.cmd", "LICENSE", "README.md",
                    "Dockerfile", ".dockerignore", "compose.yaml", "nglive.service")) {
                assertThat(folder.resolve(file)).as(file).isRegularFile();
            }
            for (String same : List.of("jvm.options", "application.properties", "routes/30-pipeline.camel.yaml")) {
                assertThat(Files.readString(folder.resolve(same))).as(same)
                        .isEqualTo(Files.readString(root.resolve(same)));
            }
            try (Stream<Path> routes = Files.list(root.resolve("routes"));
                 Stream<Path> packed = Files.list(folder.resolve("routes"))) {
                assertThat(packed.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrderElementsOf(routes.map(p -> p.getFileName().toString()).toList());
            }
            assertThat(Files.exists(folder.resolve("README.zh-CN.md")))
                    .isEqualTo(Files.exists(root.resolve("README.zh-CN.md")));
            assertThat(Files.getPosixFilePermissions(folder.resolve("bin/nglive")))
                    .contains(OWNER_EXECUTE, GROUP_EXECUTE, OTHERS_EXECUTE);
        }
    }

    @Test
    void windowsScriptHasCrlfLineEndingsAndStartsTheSameJarWithTheSameOptions() throws IOException {
        try (FileSystem zip = FileSystems.newFileSystem(ZIP)) {
            String script = new String(Files.readAllBytes(zip.getPath("/", FOLDER, "bin/nglive.cmd")),
                    StandardCharsets.US_ASCII);
            assertThat(script).contains("\r\n");
            assertThat(script.replace("\r\n", "")).doesNotContain("\n");
            assertThat(script).contains("\"@%APP_DIR%\\jvm.options\"", "-jar \"%APP_DIR%\\nglive.jar\"", "%JAVA_OPTS%",
                    "NGLIVE_HOME");
        }
    }

    /** The zip unpacked into an empty directory, with the file modes it holds; its one folder. */
    private Path unpack() throws IOException {
        Path into = Files.createDirectories(dir.resolve("unpacked"));
        try (FileSystem zip = FileSystems.newFileSystem(ZIP, Map.of("enablePosixFileAttributes", true));
             Stream<Path> entries = Files.walk(zip.getPath("/"))) {
            for (Path entry : entries.toList()) {
                Path target = into.resolve(entry.toString().substring(1));
                if (Files.isDirectory(entry)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(entry, target);
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(entry));
                }
            }
        }
        return into.resolve(FOLDER);
    }

    /**
     * bin/nglive from {@code workingDir}, in the test's environment without any locale, NGLIVE_ or JAVA_ variable of
     * its own, plus {@code environment}; the port and {@code jvmOptions} in JAVA_OPTS.
     */
    private Process start(Path app, Path workingDir, List<String> arguments, Map<String, String> environment, int port,
                          String jvmOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of(app.resolve("bin/nglive").toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nglive.log").toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.equals("LANG") || name.startsWith("LC_") || name.startsWith("NGLIVE_")
                || name.startsWith("JAVA_"));
        if (!environment.containsKey("LC_ALL") && !environment.containsKey("LANG")) {
            env.put("LANG", "C.UTF-8");
        }
        env.putAll(environment);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", ("-Dcamel.server.port=" + port + " " + jvmOptions).strip());
        Process nglive = builder.start();
        started.add(nglive);
        return nglive;
    }

    private void awaitHealthy(Process nglive, int port) {
        await().atMost(90, SECONDS).pollInterval(100, MILLISECONDS)
                .until(() -> {
                    if (!nglive.isAlive()) {
                        throw new IllegalStateException("nglive exited with " + nglive.exitValue() + ":\n" + log());
                    }
                    try {
                        return get(port, "/observe/health").body().contains("\"status\":\"UP\"");
                    } catch (UncheckedIOException notYet) {
                        return false;
                    }
                });
    }

    /** SIGTERM to the script's process, which is the JVM (the script execs it); its exit code. */
    private int stop(Process nglive) throws InterruptedException {
        nglive.destroy();
        if (!nglive.waitFor(90, SECONDS)) {
            nglive.destroyForcibly();
            throw new IllegalStateException("nglive did not stop within 90 s:\n" + log());
        }
        return nglive.exitValue();
    }

    private String log() {
        try {
            Path log = dir.resolve("nglive.log");
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> get(int port, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    private static HttpResponse<String> post(int port, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName().toString()));
            }
        }
    }
}
