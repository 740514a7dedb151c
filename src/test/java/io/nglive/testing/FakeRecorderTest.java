package io.nglive.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fake recorder answers as the real BililiveRecorder 2.11 REST API does, in the ways nglive relies on. */
class FakeRecorderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String AUTHORIZATION =
            "Basic " + Base64.getEncoder().encodeToString("brec:s3cret".getBytes(StandardCharsets.UTF_8));

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void withCredentialsEveryRequestNeedsThem() throws Exception {
        FakeRecorder recorder = started(FakeRecorder.start(0, "brec", "s3cret"));

        HttpResponse<String> refused = get(recorder, "/api/room");
        HttpResponse<String> wrong = send(recorder, "GET", "/api/room", null,
                "Basic " + Base64.getEncoder().encodeToString("brec:wrong".getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> accepted = send(recorder, "GET", "/api/room", null, AUTHORIZATION);

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Basic realm=\"BililiveRecorder"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(accepted.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
        assertThat(accepted.body()).isEqualTo("[]");
        assertThat(recorder.refusedRequests()).containsExactly("401 GET /api/room", "401 GET /api/room");
        assertThat(recorder.requests()).containsExactly("GET /api/room");
    }

    @Test
    void withoutCredentialsOpenAccessIsRefusedWith412() throws Exception {
        FakeRecorder recorder = started(FakeRecorder.start(0, null, null));

        String byName = rawGet(recorder, "localhost:" + recorder.port(), "");
        String proxied = rawGet(recorder, "127.0.0.1:" + recorder.port(), "X-Forwarded-For: 203.0.113.7\r\n");
        String direct = rawGet(recorder, "127.0.0.1:" + recorder.port(), "");

        assertThat(byName).startsWith("HTTP/1.1 412").contains("Access Denied.", "BREC_HTTP_BASIC_USER");
        assertThat(proxied).startsWith("HTTP/1.1 412");
        assertThat(direct).startsWith("HTTP/1.1 200");
        assertThat(get(recorder, "/api/room").statusCode()).isEqualTo(200);
        assertThat(recorder.refusedRequests()).containsExactly("412 GET /api/room", "412 GET /api/room");
        assertThat(recorder.count("GET /api/room")).isEqualTo(2);
    }

    @Test
    void addingARoomThatExistsUpdatesItsAutoRecord() throws Exception {
        FakeRecorder recorder = started(FakeRecorder.start(0, null, null));

        JsonNode added = json(post(recorder, "/api/room", "{\"roomId\":23058,\"autoRecord\":false}"));
        HttpResponse<String> again = post(recorder, "/api/room", "{\"roomId\":23058,\"autoRecord\":true}");

        assertThat(added.get("autoRecord").asBoolean()).isFalse();
        assertThat(added.get("name").asText()).isEqualTo("主播23058");
        assertThat(added.get("title").asText()).isEqualTo("直播间 23058 的标题");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("autoRecord").asBoolean()).isTrue();
        assertThat(json(again).get("objectId")).isEqualTo(added.get("objectId"));
        assertThat(json(get(recorder, "/api/room"))).hasSize(1);
        assertThat(recorder.room(23058)).hasValueSatisfying(room -> assertThat(room).containsEntry("autoRecord", true));
        assertThat(recorder.count("POST /api/room")).isEqualTo(2);
    }

    @Test
    void aRoomAddedByItsShortIdBecomesTheRealRoom() throws Exception {
        FakeRecorder recorder = started(FakeRecorder.start(0, null, null));
        recorder.shortId(3, 23058);

        JsonNode added = json(post(recorder, "/api/room", "{\"roomId\":3,\"autoRecord\":true}"));

        assertThat(added.get("roomId").asLong()).isEqualTo(23058);
        assertThat(added.get("shortId").asLong()).isEqualTo(3);
        assertThat(recorder.roomIds()).containsExactly(23058L);
        assertThat(json(get(recorder, "/api/room/3")).get("roomId").asLong()).isEqualTo(23058);
        assertThat(json(post(recorder, "/api/room", "{\"roomId\":23058,\"autoRecord\":false}"))
                .get("objectId")).isEqualTo(added.get("objectId"));
        assertThat(recorder.roomIds()).containsExactly(23058L);
    }

    @Test
    void unknownRoomsAndBadRequestsGetTheRecordersErrors() throws Exception {
        FakeRecorder recorder = started(FakeRecorder.start(0, null, null));

        for (String request : List.of("GET /api/room/999", "DELETE /api/room/999", "POST /api/room/999/start")) {
            String[] parts = request.split(" ");
            HttpResponse<String> response =
                    send(recorder, parts[0], parts[1], parts[0].equals("POST") ? "" : null, null);
            assertThat(response.statusCode()).as(request).isEqualTo(404);
            assertThat(json(response)).as(request)
                    .isEqualTo(JSON.readTree("{\"code\":-4,\"message\":\"Room not found\"}"));
        }
        assertThat(get(recorder, "/api/room/abc").statusCode()).isEqualTo(404);
        HttpResponse<String> zero = post(recorder, "/api/room", "{\"roomId\":0,\"autoRecord\":true}");
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(json(zero).get("code").asInt()).isEqualTo(-2);
        HttpResponse<String> malformed = post(recorder, "/api/room", "{\"roomId\":");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("code").asInt()).isEqualTo(-1);
    }

    @Test
    void roomActionsAndTheRoomDto() throws Exception {
        FakeRecorder recorder = started(FakeRecorder.start(0, null, null));
        recorder.addRoomDirectly(23058, 3, "3号直播间", "哔哩哔哩音悦台", false);

        HttpResponse<String> room = get(recorder, "/api/room/23058");
        JsonNode started = json(post(recorder, "/api/room/3/start", ""));
        Thread.sleep(50);
        JsonNode later = json(get(recorder, "/api/room/23058"));
        post(recorder, "/api/room/23058/split", "");
        JsonNode stopped = json(post(recorder, "/api/room/23058/stop", ""));
        JsonNode deleted = json(send(recorder, "DELETE", "/api/room/23058", null, null));

        assertThat(room.body()).contains("\"durationRatio\":\"NaN\"");
        assertThat(json(room).fieldNames()).toIterable().containsExactly("objectId", "roomId", "autoRecord",
                "shortId", "name", "uid", "title", "areaNameParent", "areaNameChild", "recording", "streaming",
                "danmakuConnected", "autoRecordForThisSession", "recordingStats", "ioStats");
        assertThat(json(room).get("ioStats").get("startTime").asText()).isEqualTo("0001-01-01T00:00:00+00:00");
        assertThat(started.get("recording").asBoolean()).isTrue();
        assertThat(json(room).at("/recordingStats/sessionDuration").asDouble()).as("not recording").isZero();
        assertThat(later.at("/recordingStats/sessionDuration").asDouble()).as("ms since the start")
                .isBetween(50.0, 10_000.0);
        assertThat(stopped.get("recording").asBoolean()).isFalse();
        assertThat(stopped.at("/recordingStats/sessionDuration").asDouble()).isZero();
        assertThat(deleted.get("name").asText()).isEqualTo("3号直播间");
        assertThat(recorder.roomIds()).isEmpty();
        assertThat(recorder.count("POST /api/room/23058/split")).isEqualTo(1);
    }

    @Test
    void globalConfigAppliesOnlyThePropertiesSent() throws Exception {
        FakeRecorder recorder = started(FakeRecorder.start(0, null, null));
        JsonNode initial = json(get(recorder, "/api/config/global"));
        post(recorder, "/api/config/global", "{\"optionalCookie\":{\"hasValue\":true,\"value\":\"SESSDATA=x\"}}");

        String urls = "http://127.0.0.1:1/webhook\nhttp://127.0.0.1:2/other";
        JsonNode answer = json(post(recorder, "/api/config/global",
                JSON.writeValueAsString(Map.of("optionalWebHookUrlsV2", Map.of("hasValue", true, "value", urls)))));

        assertThat(initial.get("optionalWebHookUrlsV2"))
                .isEqualTo(JSON.readTree("{\"hasValue\":false,\"value\":null}"));
        assertThat(initial.get("optionalRecordMode")).isEqualTo(JSON.readTree("{\"hasValue\":false,\"value\":0}"));
        assertThat(answer.get("optionalWebHookUrlsV2").get("value").asText()).isEqualTo(urls);
        assertThat(answer.get("optionalWebHookUrlsV2").get("hasValue").asBoolean()).isTrue();
        assertThat(answer.get("optionalCookie").get("value").asText()).isEqualTo("SESSDATA=x");
        assertThat(json(get(recorder, "/api/config/global"))).isEqualTo(answer);
        assertThat(recorder.webhookUrlsV2()).isEqualTo(urls);

        recorder.setWebhookUrlsV2(null);
        assertThat(json(get(recorder, "/api/config/global")).get("optionalWebHookUrlsV2"))
                .isEqualTo(initial.get("optionalWebHookUrlsV2"));
    }

    @Test
    void stopRefusesConnectionsAndRestartWithoutStateForgetsEverything() throws Exception {
        FakeRecorder recorder = started(FakeRecorder.start(0, null, null));
        int port = recorder.port();
        recorder.addRoomDirectly(23058, 0, "主播", "标题", true);
        recorder.setWebhookUrlsV2("http://127.0.0.1:1/webhook");

        recorder.stop();
        assertThatThrownBy(() -> get(recorder, "/api/room")).isInstanceOf(ConnectException.class);
        recorder.restart(true);
        assertThat(json(get(recorder, "/api/room"))).hasSize(1);
        recorder.restart(false);

        assertThat(recorder.port()).isEqualTo(port);
        assertThat(get(recorder, "/api/room").body()).isEqualTo("[]");
        assertThat(recorder.webhookUrlsV2()).isNull();
    }

    @Test
    void injectedFailuresAndDelays() throws Exception {
        FakeRecorder recorder = started(FakeRecorder.start(0, null, null));

        recorder.respondWith(503);
        HttpResponse<String> failed = get(recorder, "/api/room");
        recorder.respondWith(0);
        recorder.delayResponses(Duration.ofMillis(500));
        HttpRequest slow = HttpRequest.newBuilder(URI.create(recorder.url() + "/api/room"))
                .timeout(Duration.ofMillis(100)).build();

        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(json(failed).get("message").asText()).isEqualTo("injected failure");
        assertThatThrownBy(() -> HTTP.send(slow, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void mainRunsAsTheRecorderExecutable() throws Exception {
        int port = freePort();
        Path works = Files.createDirectories(dir.resolve("works"));
        Map<String, String> credentials = Map.of("BREC_HTTP_BASIC_USER", "brec", "BREC_HTTP_BASIC_PASS", "s3cret");
        Process process =
                startMain("recorder", credentials, "run", "--bind", "http://127.0.0.1:" + port, works.toString());
        awaitOutput("recorder", "listening on http://127.0.0.1:" + port);

        HttpResponse<String> refused = getRooms(port, null);
        HttpResponse<String> accepted = getRooms(port, AUTHORIZATION);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(Files.readString(works.resolve("fake-recorder.pid"))).isEqualTo(Long.toString(process.pid()));
        assertThat(Files.readString(dir.resolve("recorder.err"))).contains("fake recorder: stderr works");
        awaitOutput("recorder", "request: GET /api/room");

        process.destroy();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(Files.readString(dir.resolve("recorder.out")))
                .contains("fake recorder " + process.pid() + " stopping");
    }

    @Test
    void mainExitsBySelfWhenToldAndRejectsAWrongCommandLine() throws Exception {
        int port = freePort();
        Path works = Files.createDirectories(dir.resolve("works"));

        Process crashing = startMain("crashing", Map.of("FAKE_RECORDER_EXIT_AFTER_MS", "300"),
                "run", works.toString(), "--http-bind", "http://127.0.0.1:" + port);
        assertThat(crashing.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(crashing.exitValue()).isEqualTo(FakeRecorderMain.CRASH);
        assertThat(Files.readString(dir.resolve("crashing.out"))).contains("listening on http://127.0.0.1:" + port);

        Process wrong = startMain("wrong", Map.of(), "run", "--bind", "http://127.0.0.1:" + port);
        assertThat(wrong.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(wrong.exitValue()).isEqualTo(FakeRecorderMain.USAGE);
        assertThat(Files.readString(dir.resolve("wrong.err"))).contains("usage");
    }

    private FakeRecorder started(FakeRecorder recorder) {
        toClose.add(recorder);
        return recorder;
    }

    /**
     * Starts {@link FakeRecorderMain} as its own JVM, stdout and stderr to {@code <name>.out} and {@code <name>.err}
     * in {@code dir}; it is killed after the test if still running.
     */
    private Process startMain(String name, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), FakeRecorderMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        builder.environment().keySet()
                .removeIf(variable -> variable.startsWith("BREC_") || variable.startsWith("FAKE_RECORDER_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        toClose.add(() -> {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        });
        return process;
    }

    private void awaitOutput(String name, String text) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Files.readString(dir.resolve(name + ".out")).contains(text));
    }

    private static HttpResponse<String> getRooms(int port, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/room"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(FakeRecorder recorder, String path) throws Exception {
        return send(recorder, "GET", path, null, null);
    }

    private static HttpResponse<String> post(FakeRecorder recorder, String path, String body) throws Exception {
        return send(recorder, "POST", path, body, null);
    }

    private static HttpResponse<String> send(FakeRecorder recorder, String method, String path, String body,
            String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(recorder.url() + path))
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET of /api/room written by hand, since HttpClient does not let a test choose the Host header. */
    private static String rawGet(FakeRecorder recorder, String host, String extraHeaders) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", recorder.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/room HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
