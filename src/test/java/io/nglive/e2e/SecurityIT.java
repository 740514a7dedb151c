package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.FakeRecorder;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.UploadServer;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control surface, secrets and limits, attacked through the real application: tokens on every HTTP route and
 * the WebSocket, the warning for a listener beyond loopback, secrets that must never come back out, and bodies
 * built to exhaust memory.
 */
class SecurityIT {

    static final String API_TOKEN = "api-7f3c-MARK";
    static final String WEBHOOK_TOKEN = "hook-91ab-MARK";
    static final String UPLOAD_PASSWORD = "uppass-55d2-MARK";
    static final String RECORDER_PASSWORD = "recpass-c0de-MARK";
    static final String URL_PASSWORD = "urlpass-beef-MARK";
    static final String EXPOSURE_WARNING = "reachable beyond this machine";

    /** A platform-http route in a route file, e.g. {@code uri: platform-http:/api/rooms/{id}}. */
    private static final Pattern HTTP_ROUTE = Pattern.compile("uri:\\s*\"?platform-http:(/[^\"\\s]*)");

    @TempDir
    Path dir;

    @Test
    void everyHttpRouteAndTheWebsocketRefuseAMissingOrWrongApiToken() throws Exception {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).set("camel.server.host", "0.0.0.0")
                .set("nglive.api.token", API_TOKEN).set("nglive.webhook.token", WEBHOOK_TOKEN).start()) {
            TreeSet<String> paths = httpRoutes(app.routes());
            // the list is read from the route files, so that a route added later is checked as well
            assertThat(paths).contains("/allroom", "/getroom", "/addroom", "/removeroom", "/api/rooms",
                    "/api/rooms/{id}", "/api/rooms/{id}/{action}", "/api/jobs", "/api/jobs/{id}",
                    "/api/jobs/{id}/retry", "/webhook", "/webhook/");

            List<Map<String, String>> wrongCredentials = List.of(
                    Map.of(),
                    Map.of("query", "token=wrong"),
                    Map.of("query", "token="),
                    Map.of("query", "token=" + API_TOKEN.substring(0, API_TOKEN.length() - 1)),
                    Map.of("query", "token=" + API_TOKEN + "x"),
                    Map.of("Authorization", "Bearer wrong"),
                    Map.of("Authorization", "Bearer " + API_TOKEN.toUpperCase()),
                    Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((API_TOKEN + ":x").getBytes())),
                    Map.of("Authorization", API_TOKEN),
                    Map.of("query", "token=" + WEBHOOK_TOKEN));
            for (String path : paths) {
                String concrete = path.replace("{id}", "23058").replace("{action}", "start");
                boolean webhook = concrete.startsWith("/webhook");
                int refused = 0;
                for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
                    for (Map<String, String> credentials : webhook ? List.<Map<String, String>>of(Map.of(),
                            Map.of("query", "token=" + API_TOKEN), Map.of("Authorization", "Bearer " + WEBHOOK_TOKEN),
                            Map.of("query", "token=wrong")) : wrongCredentials) {
                        HttpResponse<String> answer = assertKeptOut(app, method, concrete, credentials);
                        if (answer.statusCode() == 401) {
                            refused++;
                            assertThat(app.json(answer).path("code").asInt()).isEqualTo(4010);
                        }
                    }
                }
                assertThat(refused).as("requests to %s refused for their token", concrete).isPositive();

                Map<String, String> right = webhook ? Map.of("query", "token=" + WEBHOOK_TOKEN)
                        : Map.of("Authorization", "Bearer " + API_TOKEN);
                assertThat(List.of("GET", "POST", "PUT", "DELETE"))
                        .as("%s lets the right token through", concrete)
                        .anyMatch(method -> !List.of(401, 405).contains(request(app, method, concrete, right).statusCode()));
            }
            assertThat(request(app, "GET", "/api/jobs", Map.of("query", "token=" + API_TOKEN)).statusCode()).isEqualTo(200);
            assertThat(request(app, "GET", "/api/jobs", Map.of("Authorization", "bearer " + API_TOKEN)).statusCode())
                    .as("the scheme is case-insensitive").isEqualTo(200);

            for (String path : List.of("/ws", "/ws/", "/ws?since=0")) {
                assertHandshakeRefused(app, path, Map.of());
                assertHandshakeRefused(app, path + (path.contains("?") ? "&" : "?") + "token=wrong", Map.of());
                assertHandshakeRefused(app, path, Map.of("Authorization", "Bearer wrong"));
                assertHandshakeRefused(app, path + (path.contains("?") ? "&" : "?") + "token=" + WEBHOOK_TOKEN, Map.of());
            }
            app.send(HttpRequest.newBuilder(app.uri("/webhook?token=" + WEBHOOK_TOKEN))
                    .POST(HttpRequest.BodyPublishers.ofString(Webhooks.sessionEnded(7001))));
            handshake(app, "/ws?since=0", Map.of("Authorization", "Bearer " + API_TOKEN)).abort();
            try (EventClient events = EventClient.connect(URI.create("ws://127.0.0.1:" + app.port()
                    + "/ws?since=0&token=" + API_TOKEN))) {
                events.awaitType("SessionEnded", Duration.ofSeconds(10));
            }

            for (String probe : List.of("/observe/health", "/observe/health?exposureLevel=full&data=true",
                    "/observe/metrics")) {
                HttpResponse<String> answer = app.get(probe);
                assertThat(answer.statusCode()).as("%s stays open to probes", probe).isEqualTo(200);
                assertThat(answer.body()).doesNotContain(API_TOKEN).doesNotContain(WEBHOOK_TOKEN);
            }
            assertThat(app.log()).as("tokens set: nothing to warn about").doesNotContain(EXPOSURE_WARNING);
        }
    }

    @Test
    void listeningBeyondLoopbackWithoutTokensLogsOneWarningNamingWhatIsExposed() {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).set("camel.server.host", "0.0.0.0").start()) {
            List<String> warnings = app.log().lines().filter(l -> l.contains(EXPOSURE_WARNING)).toList();

            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("WARN")
                    .contains("camel.server.host=0.0.0.0, port " + app.port())
                    .contains("control rooms and jobs (/allroom, /getroom, /addroom, /removeroom, /api/rooms, /api/jobs, "
                        + "the dashboard at /)")
                    .contains("read the event stream (/ws)")
                    .contains("post recordings and events to /webhook")
                    .contains("Set nglive.api.token and nglive.webhook.token, or camel.server.host = 127.0.0.1");
            assertThat(app.get("/api/jobs").statusCode()).as("and it is as open as it says").isEqualTo(200);
        }
    }

    /**
     * Every secret gets a marker, then everything that tends to print one is made to happen: uploads refused with
     * 401 and 500 to a URL with credentials, a recorder that refuses nglive's password and then goes away, wrong
     * tokens, failing API calls. No log line, WebSocket event or API answer may contain a marker. The application
     * runs with the default listener, which must be loopback only.
     */
    @Test
    void secretsNeverAppearInLogsEventsOrAnswers() throws Exception {
        List<String> answers = new ArrayList<>();
        try (UploadServer upload = UploadServer.start(Files.createDirectories(dir.resolve("dav")), "upuser", URL_PASSWORD);
             FakeRecorder recorder = FakeRecorder.start(0, "recuser", "not-what-nglive-sends")) {
            URI uploadUrl = URI.create("http://upuser:" + URL_PASSWORD + "@127.0.0.1:" + upload.port() + "/live");
            try (NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                    .set("nglive.api.token", API_TOKEN).set("nglive.webhook.token", WEBHOOK_TOKEN)
                    .uploadTo(uploadUrl).set("nglive.upload.password", UPLOAD_PASSWORD)
                    .set("nglive.upload.retries", "1")
                    .set("nglive.recorder.url", recorder.url()).set("nglive.recorder.user", "recuser")
                    .set("nglive.recorder.password", RECORDER_PASSWORD).set("nglive.recorder.sync-interval", "500ms")
                    .set("nglive.transcode.mode", "NONE").start();
                 EventClient events = EventClient.connect(URI.create("ws://127.0.0.1:" + app.port()
                         + "/ws?since=0&token=" + API_TOKEN))) {
                Path room = Files.createDirectories(app.works().resolve("7002"));
                for (String name : List.of("refused.flv", "broken.flv")) {
                    TestMedia.flv(room, name, 1);
                }

                upload.respondWith(401);
                long refused = webhook(app, "7002/refused.flv");
                awaitStatus(app, refused, "FAILED");
                upload.respondWith(500);
                long broken = webhook(app, "7002/broken.flv");
                awaitStatus(app, broken, "FAILED");
                upload.healthy();
                answers.add(authorized(app, "POST", "/api/jobs/" + refused + "/retry").body());
                awaitStatus(app, refused, "DONE");

                answers.add(authorized(app, "POST", "/api/rooms", "{\"roomId\":7003}").body());
                answers.add(authorized(app, "POST", "/api/rooms/7003/start", "").body());
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recorder.refusedRequests().size() > 1);
                answers.add(app.get("/observe/health?exposureLevel=full&data=true").body());
                recorder.stop();
                answers.add(authorized(app, "POST", "/api/rooms/7003/split", "").body());
                answers.add(authorized(app, "GET", "/getroom?roomid=7003").body());
                answers.add(authorized(app, "GET", "/api/jobs/abc?token=" + API_TOKEN).body());
                answers.add(authorized(app, "GET", "/api/jobs").body());
                answers.add(app.get("/api/jobs?token=" + WEBHOOK_TOKEN).body());
                answers.add(app.get("/allroom?token=" + API_TOKEN.substring(1)).body());
                answers.add(app.post("/webhook?token=" + API_TOKEN, Webhooks.sessionEnded(7002)).body());
                Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> app.get("/observe/health?exposureLevel=full&data=true").body().contains("unreachable"));
                answers.add(app.get("/observe/health?exposureLevel=full&data=true").body());
                events.await(e -> e.path("type").asText().equals("UpEnded"), Duration.ofSeconds(10));

                assertThat(events.all()).as("events").isNotEmpty();
                assertThat(events.all().stream().map(JsonNode::toString).toList()).as("the UpError events are there")
                        .anyMatch(e -> e.contains("UpError") && e.contains("401"))
                        .anyMatch(e -> e.contains("UpError") && e.contains("500"));
                assertThat(app.stop()).isZero();
                String log = app.log();
                assertThat(log).as("the default listener is loopback only, and says nothing about exposure")
                        .contains("listening on http://127.0.0.1:" + app.port() + " (this machine only)")
                        .doesNotContain(EXPOSURE_WARNING);
                assertThat(log).as("the failures were logged").contains("401").contains("500");
                assertNoSecrets("the log", log);
                assertNoSecrets("the events", events.all().toString());
                assertNoSecrets("the API answers", String.join("\n", answers));
            }
        }
    }

    @Test
    void anInvalidSettingBesideSecretsIsNamedWithoutThem() {
        String malformedUrl = "http://upuser:" + URL_PASSWORD.replace("-", "/") + "@127.0.0.1:9/live";
        NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                .set("nglive.api.token", API_TOKEN).set("nglive.webhook.token", WEBHOOK_TOKEN)
                .set("nglive.upload.target", "http").set("nglive.upload.url", malformedUrl)
                .set("nglive.upload.user", "upuser").set("nglive.upload.password", UPLOAD_PASSWORD)
                .set("nglive.recorder.password", RECORDER_PASSWORD);
        try (app) {
            app.launch();

            assertThat(app.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(app.log()).contains("nglive.upload.url=http://***@127.0.0.1:9/live");
            assertNoSecrets("the start error", app.log());
            assertThat(app.log()).doesNotContain(URL_PASSWORD.replace("-", "/")).doesNotContain("beef/MARK");
        }
    }

    @Test
    void bodiesOverTheLimitGet413AndHugeOrDeepJsonLeavesASmallHeapHealthy() throws Exception {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).jvm("-Xmx96m")
                .set("nglive.transcode.mode", "NONE").start()) {
            byte[] over = ("{\"EventType\":\"" + "x".repeat(1 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> sized = app.send(HttpRequest.newBuilder(app.uri("/webhook"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(over)));
            HttpResponse<String> chunked = app.send(HttpRequest.newBuilder(app.uri("/webhook"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(over))));
            for (HttpResponse<String> answer : List.of(sized, chunked)) {
                assertThat(answer.statusCode()).isEqualTo(413);
                assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
                assertThat(app.json(answer).path("code").asInt()).isEqualTo(4130);
                assertThat(app.json(answer).path("message").asText())
                        .isEqualTo("request body larger than 1048576 bytes (camel.server.max-body-size)");
            }

            int limit = 1 << 20;
            List<String> bodies = List.of(
                    "[".repeat(limit - 10),
                    "{\"a\":".repeat(limit / 5 - 10) + "1",
                    "{\"EventType\":\"FileOpening\",\"EventTimestamp\":\"t\",\"EventId\":\"" + "i".repeat(limit - 200) + "\"}",
                    "{\"EventType\":\"FileOpening\",\"EventId\":1" + "0".repeat(limit - 100) + "}",
                    wideObject(limit - 100),
                    Webhooks.envelope("RoomLotteryDrawn", "id", Map.of("RoomId", 1, "Prize", "奖".repeat(limit / 3 - 300))),
                    Webhooks.envelope("RoomLotteryDrawn", "id", Map.of("RoomId", 1, "Prize", "p".repeat(limit - 300))));
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicInteger sequence = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    work.add(senders.submit(() -> {
                        for (int i = 0; i < 70; i++) {
                            int n = sequence.incrementAndGet();
                            String body = bodies.get(n % bodies.size()).replace("\"id\"", "\"id-" + n + "\"");
                            assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(limit);
                            int status;
                            try {
                                status = app.webhook(body).statusCode();
                            } catch (java.io.UncheckedIOException e) {
                                status = -1; // no answer at all
                            }
                            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } finally {
                senders.shutdownNow();
            }

            assertThat(statuses.keySet()).as("answers by status: %s; log: %s", statuses,
                    app.log().lines().filter(l -> l.contains("ERROR") || l.contains("Error")).limit(20).toList())
                    .allMatch(s -> s == 400);

            // accepted events just under the webhook's own limit: more of them than the heap can hold
            String large = "x".repeat(60_000);
            Map<Integer, AtomicInteger> accepted = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            ExecutorService posters = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    work.add(posters.submit(() -> {
                        for (int n = next.incrementAndGet(); n <= 1800; n = next.incrementAndGet()) {
                            String body = Webhooks.envelope("RoomLotteryDrawn", "large-" + n,
                                    Map.of("RoomId", 1, "Prize", large));
                            accepted.computeIfAbsent(app.webhook(body).statusCode(), s -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } finally {
                posters.shutdownNow();
            }
            assertThat(accepted.keySet()).as("answers by status: %s", accepted).containsExactly(200);

            assertThat(app.isAlive()).isTrue();
            assertThat(app.log()).doesNotContain("OutOfMemoryError");
            assertThat(app.get("/observe/health").body()).contains("\"status\":\"UP\"");
            TestMedia.flv(Files.createDirectories(app.works().resolve("7004")), "after.flv", 1);
            long jobId = webhook(app, "7004/after.flv", app::webhook);
            awaitStatus(app, jobId, "DONE");
        }
    }

    /** {@code {"k0":0,"k1":0,...}}, about {@code size} bytes: one node per field. */
    private static String wideObject(int size) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; json.length() < size - 20; i++) {
            json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":0");
        }
        return json.append('}').toString();
    }

    @Test
    void everyHttpRouteOfTheCentralServerRefusesAMissingOrWrongApiToken() throws Exception {
        try (NgliveProcess central = new NgliveProcess(dir.resolve("central")).set("nglive.role", "central")
                .set("nglive.api.token", API_TOKEN).set("nglive.cluster.node-token", WEBHOOK_TOKEN).start()) {
            TreeSet<String> paths = httpRoutes(central.routes().resolve("central"));
            assertThat(paths).contains("/allroom", "/api/rooms", "/api/rooms/{id}/{action}", "/api/nodes", "/api/jobs");
            for (String path : paths) {
                String concrete = path.replace("{id}", "23058").replace("{action}", "move");
                for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
                    for (Map<String, String> credentials : List.of(Map.<String, String>of(),
                            Map.of("query", "token=wrong"), Map.of("query", "token=" + WEBHOOK_TOKEN),
                            Map.of("Authorization", "Bearer " + API_TOKEN + "x"))) {
                        assertKeptOut(central, method, concrete, credentials);
                    }
                }
                assertThat(List.of("GET", "POST", "PUT", "DELETE")).as("%s lets the right token through", concrete)
                        .anyMatch(method -> !List.of(401, 405).contains(request(central, method, concrete,
                                Map.of("Authorization", "Bearer " + API_TOKEN)).statusCode()));
            }
        }
    }

    /**
     * Refused (401) or not allowed (405); but {@code GET /api/about} without any credentials answers, and says only
     * that a token is required (so that the dashboard asks for one without a refused request).
     */
    private static HttpResponse<String> assertKeptOut(NgliveProcess app, String method, String path,
                                                      Map<String, String> credentials) {
        HttpResponse<String> answer = request(app, method, path, credentials);
        if (path.equals("/api/about") && method.equals("GET") && credentials.isEmpty()) {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(app.json(answer).path("data").toString()).isEqualTo("{\"tokenRequired\":true}");
        } else {
            assertThat(answer.statusCode()).as("%s %s with %s", method, path, credentials).isIn(401, 405);
        }
        return answer;
    }

    /** The paths of every platform-http route in the application's route files. */
    static TreeSet<String> httpRoutes(Path routes) throws IOException {
        TreeSet<String> paths = new TreeSet<>();
        try (Stream<Path> files = Files.list(routes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Matcher m = HTTP_ROUTE.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (m.find()) {
                    paths.add(m.group(1));
                }
            }
        }
        return paths;
    }

    private static HttpResponse<String> request(NgliveProcess app, String method, String path,
                                                Map<String, String> credentials) {
        String query = credentials.get("query");
        String uri = path + (query == null ? "" : (path.contains("?") ? "&" : "?") + query);
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri(uri)).header("Content-Type", "application/json")
                .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"));
        if (credentials.containsKey("Authorization")) {
            request.header("Authorization", credentials.get("Authorization"));
        }
        return app.send(request);
    }

    private static HttpResponse<String> authorized(NgliveProcess app, String method, String path) {
        return authorized(app, method, path, "");
    }

    private static HttpResponse<String> authorized(NgliveProcess app, String method, String path, String body) {
        return app.send(HttpRequest.newBuilder(app.uri(path)).header("Authorization", "Bearer " + API_TOKEN)
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)));
    }

    private static long webhook(NgliveProcess app, String file) {
        return webhook(app, file, body -> app.post("/webhook?token=" + WEBHOOK_TOKEN, body));
    }

    private static long webhook(NgliveProcess app, String file,
                                java.util.function.Function<String, HttpResponse<String>> send) {
        HttpResponse<String> answer = send.apply(Webhooks.fileClosed(Long.parseLong(file.split("/")[0]), file));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return app.json(answer).at("/data/jobId").asLong();
    }

    private static void awaitStatus(NgliveProcess app, long jobId, String status) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> app.json(authorized(app, "GET", "/api/jobs/" + jobId))
                .at("/data/status").asText().equals(status));
    }

    private static void assertNoSecrets(String where, String text) {
        for (String secret : List.of(API_TOKEN, WEBHOOK_TOKEN, UPLOAD_PASSWORD, RECORDER_PASSWORD, URL_PASSWORD,
                basic("upuser", URL_PASSWORD), basic("recuser", RECORDER_PASSWORD), basic("upuser", UPLOAD_PASSWORD))) {
            assertThat(text).as("%s must not contain %s", where, secret).doesNotContain(secret);
        }
        assertThat(text).as("%s must not contain any marker", where).doesNotContain("-MARK");
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static WebSocket handshake(NgliveProcess app, String path, Map<String, String> headers) throws Exception {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(builder::header);
        return builder.buildAsync(URI.create("ws://127.0.0.1:" + app.port() + path), new WebSocket.Listener() {
        }).get(10, TimeUnit.SECONDS);
    }

    private static void assertHandshakeRefused(NgliveProcess app, String path, Map<String, String> headers) {
        try {
            handshake(app, path, headers).abort();
            throw new AssertionError("the handshake to " + path + " with " + headers + " was accepted");
        } catch (ExecutionException | CompletionException e) {
            assertThat(e.getCause()).as("%s with %s", path, headers).isInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(401);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
