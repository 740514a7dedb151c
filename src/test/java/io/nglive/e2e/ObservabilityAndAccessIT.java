package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health, metrics and JMX for operators; tokens on the control surface. */
class ObservabilityAndAccessIT {

    @TempDir
    Path dir;

    @Test
    void healthMetricsAndJmxDescribeTheRunningRoutes() throws Exception {
        int jmxPort = NgliveProcess.freePort();
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                .jvm("-Dcom.sun.management.jmxremote.port=" + jmxPort)
                .jvm("-Dcom.sun.management.jmxremote.authenticate=false")
                .jvm("-Dcom.sun.management.jmxremote.ssl=false")
                .jvm("-Dcom.sun.management.jmxremote.host=127.0.0.1")
                .start()) {
            assertThat(app.get("/observe/health").body()).contains("\"UP\"");
            app.webhook(Webhooks.sessionEnded(6001));

            String metrics = app.get("/observe/metrics").body();
            assertThat(metrics).contains("# TYPE").contains("routeId=\"webhook-ingest\"");

            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
            try (JMXConnector jmx = JMXConnectorFactory.connect(url)) {
                MBeanServerConnection server = jmx.getMBeanServerConnection();
                Set<ObjectName> routes = server.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null);
                assertThat(routes).extracting(n -> n.getKeyProperty("name"))
                        .contains("\"recording-pipeline\"", "\"webhook-ingest\"", "\"transcode\"", "\"upload\"");
            }
        }
    }

    @Test
    void ffmpegRunsAtALowerPriorityThanNglive() throws Exception {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                .set("nglive.transcode.mode", "CRF").set("nglive.transcode.preset", "medium").start();
             EventClient events = app.events(0)) {
            TestMedia.flv(Files.createDirectories(app.works().resolve("6002")), "slow.flv", 10);
            app.webhook(Webhooks.fileClosed(6002, "6002/slow.flv"));
            events.awaitType("TranscodeStarted", Duration.ofSeconds(30));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !app.ffmpegChildren().isEmpty());

            long ffmpeg = app.ffmpegChildren().get(0).pid();
            assertThat(niceness(ffmpeg)).isEqualTo(niceness(app.handle().pid()) + 10);
        }
    }

    @Test
    void deleteLocalRemovesTheTranscodeOutputOnlyAfterItsUploadAndKeepsTheRecording() throws Exception {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).set("nglive.upload.delete-local", "true").start()) {
            TestMedia.flv(Files.createDirectories(app.works().resolve("6003")), "keep.flv", 1);
            long jobId = app.json(app.webhook(Webhooks.fileClosed(6003, "6003/keep.flv"))).at("/data/jobId").asLong();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> app.job(jobId).path("status").asText().equals("DONE"));

            assertThat(app.archive().resolve("6003/keep.mp4")).isRegularFile();
            assertThat(app.out().resolve("6003/keep.mp4")).doesNotExist();
            assertThat(app.works().resolve("6003/keep.flv")).isRegularFile();
        }
    }

    @Test
    void apiTokenGuardsTheApiAndTheWebsocketAndWebhookTokenGuardsTheWebhook() {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                .set("nglive.api.token", "tok+en/=x").set("nglive.webhook.token", "hook-secret").start()) {
            assertThat(app.get("/api/jobs").statusCode()).isEqualTo(401);
            assertThat(app.json(app.get("/api/jobs")).path("code").asInt()).isEqualTo(4010);
            assertThat(app.get("/api/jobs?token=wrong").statusCode()).isEqualTo(401);
            assertThat(app.get("/api/jobs?token=tok%2Ben%2F%3Dx").statusCode()).isEqualTo(200);
            assertThat(app.send(HttpRequest.newBuilder(app.uri("/api/jobs"))
                    .header("Authorization", "Bearer tok+en/=x")).statusCode()).isEqualTo(200);
            assertThat(app.get("/observe/health").statusCode()).as("probes stay open").isEqualTo(200);

            assertThat(app.webhook(Webhooks.sessionEnded(6004)).statusCode()).isEqualTo(401);
            assertThat(app.send(HttpRequest.newBuilder(app.uri("/webhook?token=hook-secret"))
                    .POST(HttpRequest.BodyPublishers.ofString(Webhooks.sessionEnded(6004)))).statusCode()).isEqualTo(200);

            URI ws = URI.create("ws://127.0.0.1:" + app.port() + "/ws");
            assertThatHandshakeIsRefused(ws);
            try (EventClient allowed = EventClient.connect(URI.create(ws + "?since=0&token=tok%2Ben%2F%3Dx"))) {
                allowed.awaitType("SessionEnded", Duration.ofSeconds(10));
            }
        }
    }

    private static void assertThatHandshakeIsRefused(URI ws) {
        try {
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, new java.net.http.WebSocket.Listener() {
            }).get(10, TimeUnit.SECONDS);
            throw new AssertionError("the handshake to " + ws + " was accepted without a token");
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
            assertThat(((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(401);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The nice value of a Linux process: field 19 of /proc/PID/stat. */
    private static int niceness(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }
}
