package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.Webhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration and the first start: overrides by environment, and whatever would fail later (a bad value, a typo in
 * a name, a missing ffmpeg, a locale that cannot name Chinese files, a data path in use, a works path that does not
 * exist) stopping the start at once with one line that names it.
 */
class ConfigurationIT {

    @TempDir
    Path dir;

    @Test
    void badValueStopsTheStartWithOneLineNamingTheProperty() {
        NgliveProcess app = new NgliveProcess(dir.resolve("app")).set("nglive.transcode.mode", "FAST").launch();

        assertThat(app.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(app.log()).contains("nglive: nglive.transcode.mode=FAST: unknown value (expected one of [NONE, COPY");
        // no stack trace, and no claim that somebody sent a SIGTERM
        assertThat(app.log()).doesNotContain("\tat ", "SIGTERM");
    }

    @Test
    void environmentVariableOverridesTheFileAndIsNamedWhenWrong() {
        NgliveProcess app = new NgliveProcess(dir.resolve("app")).env("NGLIVE_TRANSCODE_WORKERS", "many").launch();

        assertThat(app.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(app.log()).contains("nglive: nglive.transcode.workers=many: is not a whole number");
    }

    @Test
    void environmentVariableSetsTheNodeName() {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).env("NGLIVE_NODE_NAME", "机房-1").start();
             EventClient events = app.events(-1)) {
            assertThat(events.awaitType("heartbeat", Duration.ofSeconds(30)).path("node").asText()).isEqualTo("机房-1");
        }
    }

    @Test
    void portInUseStopsTheStartWithAReason() {
        try (NgliveProcess first = new NgliveProcess(dir.resolve("first")).start()) {
            NgliveProcess second = new NgliveProcess(dir.resolve("second"))
                    .set("camel.server.port", String.valueOf(first.port())).launch();

            assertThat(second.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(second.log()).contains("nglive: camel.server.port=" + first.port() + ": cannot listen on 127.0.0.1:")
                    .containsIgnoringCase("address already in use");
        }
    }

    @Test
    void misspeltNamesInTheFileOnTheCommandLineAndInTheEnvironmentStopTheStartNamingTheNearest() {
        NgliveProcess app = new NgliveProcess(dir.resolve("app")).set("nglive.tanscode.mode", "CRF")
                .jvm("-Dnglive.upload.retires=1").env("NGLIVE_WORKS_PATHH", "/srv/rec").launch();

        assertThat(app.waitForExit(Duration.ofSeconds(30))).isEqualTo(2);
        assertThat(app.log()).contains(
                "nglive: unknown setting nglive.tanscode.mode in application.properties: did you mean nglive.transcode.mode?",
                "nglive: unknown setting -Dnglive.upload.retires: did you mean -Dnglive.upload.retries?",
                "nglive: unknown setting NGLIVE_WORKS_PATHH in the environment: did you mean NGLIVE_WORKS_PATH"
                        + " (nglive.works-path)?");
        assertThat(app.log()).doesNotContain("\tat ");
    }

    @Test
    void anAsciiLocaleStopsTheStartSayingWhatToSet() {
        NgliveProcess app = new NgliveProcess(dir.resolve("app")).env("LC_ALL", "C").launch();

        assertThat(app.waitForExit(Duration.ofSeconds(30))).isEqualTo(2);
        assertThat(app.log()).contains("nglive: the locale (LC_ALL=C) makes Java name files in ANSI_X3.4-1968, so"
                + " recordings with Chinese names could not be opened: start nglive with LANG=C.UTF-8");
    }

    @Test
    void aMissingFfmpegStopsTheStartNamingTheSetting() {
        NgliveProcess app = new NgliveProcess(dir.resolve("app")).set("nglive.transcode.ffmpeg", "/opt/ffmpeg/bin/ffmpeg")
                .launch();

        assertThat(app.waitForExit(Duration.ofSeconds(30))).isEqualTo(2);
        assertThat(app.log()).contains("nglive: nglive.transcode.ffmpeg=/opt/ffmpeg/bin/ffmpeg: is not an executable file");
    }

    @Test
    void aSecondNgliveOnTheSameDataPathIsToldAtOnceWhichProcessHasIt() {
        try (NgliveProcess first = new NgliveProcess(dir.resolve("first")).start()) {
            long started = System.nanoTime();
            NgliveProcess second = new NgliveProcess(dir.resolve("second"))
                    .set("nglive.data-path", first.dir().resolve("data").toString()).launch();

            assertThat(second.waitForExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(second.log()).contains("nglive: nglive.data-path=" + first.dir().resolve("data")
                    + ": is in use by another nglive (pid " + first.handle().pid() + ")");
            assertThat(first.get("/observe/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aWorksPathThatDoesNotExistStopsTheStartAndIsNotCreated() {
        Path typo = dir.resolve("srv/typo/works");
        NgliveProcess app = new NgliveProcess(dir.resolve("app")).set("nglive.works-path", typo.toString()).launch();

        assertThat(app.waitForExit(Duration.ofSeconds(30))).isEqualTo(2);
        assertThat(app.log()).contains("nglive: nglive.works-path=" + typo + ": does not exist");
        assertThat(dir.resolve("srv")).doesNotExist();
    }

    @Test
    void theDefaultWorksPathIsCreatedOnAFirstRunAndTheStartLogSaysWhereEverythingIs() throws Exception {
        NgliveProcess app = new NgliveProcess(dir.resolve("app")).set("nglive.works-path", "./works");
        Files.delete(app.works());
        try (NgliveProcess running = app.start()) {
            // health is UP once the routes run; the summary follows them
            await().atMost(Duration.ofSeconds(30)).until(() -> running.log().contains("  transcode "));
            String log = running.log();

            assertThat(running.works()).isDirectory();
            assertThat(log).contains("nglive.works-path " + running.works().toRealPath() + " did not exist: created it")
                    .contains("listening on http://127.0.0.1:" + running.port() + " (this machine only)")
                    .contains(" /webhook ", " /api/jobs ", " /api/about ", "WebSocket /ws", "/observe/health", "; dashboard /")
                    .contains("data " + running.dir().resolve("data").toRealPath())
                    .contains("recorder API http://127.0.0.1:2356")
                    .contains("upload to the folder " + running.archive().toRealPath());
            assertThat(log).doesNotContain("0.0.0.0", "HTTP endpoints summary", "Auto-configuration summary",
                    "Started webhook-receive");
            assertThat(log.split("listening on", -1)).hasSize(2);
        }
    }

    @Test
    void theListenerPortCanBeSetByAnEnvironmentVariable() {
        int port = NgliveProcess.freePort();
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).env("CAMEL_SERVER_PORT", String.valueOf(port))
                .launch()) {
            URI health = URI.create("http://127.0.0.1:" + port + "/observe/health");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    app.send(HttpRequest.newBuilder(health)).body().contains("\"status\":\"UP\""));
            HttpResponse<String> webhook = app.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Webhooks.sessionEnded(23058), StandardCharsets.UTF_8)));

            assertThat(webhook.statusCode()).isEqualTo(200);
        }
    }
}
