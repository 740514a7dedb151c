package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder's process and its lost webhooks, end to end: nglive starts a stand-in recorder executable, restarts it
 * after a kill and stops it on exit; the works-path scan finds recordings whose FileClosed never came.
 */
class RecorderIT {

    @TempDir
    Path dir;

    @Test
    void aSupervisedRecorderIsStartedRestartedAfterAKillAndStoppedWithNglive() throws Exception {
        int port = NgliveProcess.freePort();
        NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                .set("nglive.recorder.command", standInRecorder())
                .set("nglive.recorder.url", "http://127.0.0.1:" + port)
                .set("nglive.recorder.user", "admin")
                .set("nglive.recorder.password", "s3cret pass")
                .set("nglive.recorder.sync-interval", "1s");
        try (app) {
            app.start();
            Path pidFile = app.works().resolve("fake-recorder.pid");
            long first = awaitRecorder(pidFile, -1);
            assertThat(app.healthCheck("recorder").path("data").path("process.state").asText()).isEqualTo("running");
            assertThat(app.healthCheck("recorder").path("data").path("process.pid").asLong()).isEqualTo(first);
            assertThat(app.get("/addroom?roomid=23058").statusCode()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    app.json(app.get("/getroom?roomid=23058")).path("data").path("synced").asBoolean());
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.log())
                    .contains("fake recorder " + first + " listening").contains("fake recorder: stderr works"));

            ProcessHandle.of(first).orElseThrow().destroyForcibly();

            long second = awaitRecorder(pidFile, first);
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(recorderApi(port, "/api/room")).as("rooms re-applied to the new process").contains("23058");
                assertThat(recorderApi(port, "/api/config/global"))
                        .contains("http://127.0.0.1:" + app.port() + "/webhook");
                assertThat(app.healthCheck("recorder").path("data").path("process.restarts").asInt()).isEqualTo(1);
                assertThat(app.healthCheck("recorder").path("data").path("process.pid").asLong()).isEqualTo(second);
            });
            assertThat(app.log()).doesNotContain("s3cret");

            assertThat(app.stop()).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> ProcessHandle.of(second).map(p -> !p.isAlive()).orElse(true));
        }
    }

    @Test
    void theScanTakesARecordingWhoseWebhookNeverCameAndLeavesOpenAndGrowingFilesAlone() throws Exception {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                .set("nglive.recorder.scan-interval", "2s")
                .set("nglive.recorder.url", "http://127.0.0.1:" + NgliveProcess.freePort())
                .start();
             EventClient events = app.events(0)) {
            Path lostDir = Files.createDirectories(app.works().resolve("23058-3号直播间"));
            TestMedia.flv(lostDir, "录制-23058-20240317-203001-249-哔哩哔哩音悦台 \"x\" & $(y).flv", 2);
            String lost = "23058-3号直播间/录制-23058-20240317-203001-249-哔哩哔哩音悦台 \"x\" & $(y).flv";
            String growing = "777-成长/录制-777-20240317-203001-249-growing.flv";
            String open = "5-开着/录制-5-20240317-203001-249-open.flv";
            Files.createDirectories(app.works().resolve(open).getParent());
            Files.write(app.works().resolve(open), new byte[] {1, 2, 3});
            Map<String, Object> opening = Webhooks.data(5);
            opening.put("SessionId", "open-session");
            opening.put("RelativePath", open);
            opening.put("FileOpenTime", "2024-03-17T20:30:01.2496401+08:00");
            assertThat(app.webhook(Webhooks.envelope("FileOpening", UUID.randomUUID().toString(), opening))
                    .statusCode()).isEqualTo(200);

            AtomicBoolean grow = new AtomicBoolean(true);
            Thread writer = new Thread(() -> append(app.works().resolve(growing), grow));
            writer.start();
            try {
                JsonNode recovered = events.await(e -> "FileClosed".equals(e.path("type").asText())
                        && lost.equals(e.path("file").asText()), Duration.ofSeconds(30));
                assertThat(recovered.path("recovered").asBoolean()).isTrue();
                assertThat(recovered.path("roomId").asLong()).isEqualTo(23058);
                JsonNode job = jobOf(app, lost);
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> "DONE".equals(app.job(job.path("id").asLong()).path("status").asText()));
                assertThat(app.archive().resolve("23058-3号直播间/录制-23058-20240317-203001-249-哔哩哔哩音悦台 \"x\" & $(y).mp4"))
                        .isNotEmptyFile();

                NgliveProcess.sleep(5000);
                assertThat(jobOf(app, growing)).as("still being written").isNull();
                assertThat(jobOf(app, open)).as("opened and not closed").isNull();
            } finally {
                grow.set(false);
                writer.join();
            }

            Map<String, Object> ended = Webhooks.data(5);
            ended.put("SessionId", "open-session");
            app.webhook(Webhooks.envelope("SessionEnded", UUID.randomUUID().toString(), ended));
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(jobOf(app, growing)).as("taken once it stopped growing").isNotNull();
                assertThat(jobOf(app, open)).as("taken once its session ended").isNotNull();
            });
            int jobs = app.jobs().size();
            NgliveProcess.sleep(5000);
            assertThat(app.jobs()).as("no second job for any file").hasSize(jobs);
        }
    }

    /** The stand-in recorder executable: the test JVM's java running {@code FakeRecorderMain}. */
    private static String standInRecorder() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' io.nglive.testing.FakeRecorderMain";
    }

    /** Waits until the stand-in wrote a pid other than {@code previous} and that process is alive. */
    private static long awaitRecorder(Path pidFile, long previous) {
        long[] pid = new long[1];
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (!Files.exists(pidFile)) {
                return false;
            }
            String text = Files.readString(pidFile).trim();
            if (text.isEmpty()) {
                return false;
            }
            pid[0] = Long.parseLong(text);
            return pid[0] != previous && ProcessHandle.of(pid[0]).map(ProcessHandle::isAlive).orElse(false);
        });
        return pid[0];
    }

    private static String recorderApi(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Basic " + Base64.getEncoder()
                                .encodeToString("admin:s3cret pass".getBytes(StandardCharsets.UTF_8)))
                        .build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static JsonNode jobOf(NgliveProcess app, String file) {
        for (JsonNode job : app.jobs()) {
            if (file.equals(job.path("file").asText())) {
                return job;
            }
        }
        return null;
    }

    /** Appends to a recording every 300 ms, as the recorder does while it records. */
    private static void append(Path file, AtomicBoolean running) {
        try {
            Files.createDirectories(file.getParent());
            while (running.get()) {
                try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                    out.write(new byte[4096]);
                }
                Thread.sleep(300);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
