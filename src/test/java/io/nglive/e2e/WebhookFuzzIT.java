package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Webhooks;
import io.nglive.webhook.RecorderFixtures;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed input against the real application: thousands of webhook bodies mutated from the recorder's own
 * payloads, sent from several threads over keep-alive connections. nglive must answer every one without a 5xx,
 * stay alive and healthy, create nothing outside its works and data paths, and still process the real recordings
 * announced in between.
 *
 * <p>{@code -Dnglive.fuzz.bodies=N} (default 10000) and {@code -Dnglive.fuzz.seed=S} (printed on every run): each body
 * is made from the seed and its index alone, so a failure names the bodies to replay whatever the threads did.
 */
class WebhookFuzzIT {

    static final int BODIES = Integer.getInteger("nglive.fuzz.bodies", 10_000);
    static final long SEED = Long.getLong("nglive.fuzz.seed", 20240317L);
    /** A real recording is announced every this many mutated bodies. */
    static final int REAL_EVERY = 500;
    static final int THREADS = 4;

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> FIXTURES = List.of("v1-FileClosed.json", "v2-SessionStarted.json", "v2-FileOpening.json",
            "v2-FileClosed.json", "v2-SessionEnded.json", "v2-StreamStarted.json", "v2-StreamEnded.json");
    static final List<String> CONTENT_TYPES = List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "text/plain", "application/xml", "application/json; charset=ISO-8859-1", "", "application/octet-stream",
            "application/json; charset=utf-16");
    static final List<String> HOSTILE_PATHS = List.of("../outside/x.flv", "/etc/passwd.flv", "a/../../x.flv",
            "C:\\rec\\a.flv", "c:/x.flv", "\\\\server\\share\\a.flv", "a\\..\\..\\x.flv", "escape/secret.flv",
            "escape/new/x.flv", "room/a\u0000.flv", "$(touch pwned).flv", "`touch pwned`.flv", "a; touch pwned.flv",
            "a | touch pwned.flv", "'\"quoted\" name'.flv", "录制 空格 .flv", "..", ".", "", " ", "./", "a/./b/../c.flv",
            "\u202Eflv.exe", "x".repeat(5000) + ".flv", "a/".repeat(3000) + "x.flv", "%2e%2e/x.flv", "~/x.flv",
            "file:///etc/passwd", "\\x.flv", "a\nb.flv");

    @TempDir
    Path sandbox;

    @Test
    void mutatedWebhookBodiesNeverGiveA5xxNorHarmTheApplication() throws Exception {
        System.out.printf("WebhookFuzzIT: seed %d, %d bodies (replay: -Dnglive.fuzz.seed=%d -Dnglive.fuzz.bodies=%d)%n",
                SEED, BODIES, SEED, BODIES);
        Path outside = Files.createDirectories(sandbox.resolve("outside"));
        Files.writeString(outside.resolve("secret.flv"), "not yours");
        try (NgliveProcess app = new NgliveProcess(sandbox.resolve("app"))
                .set("nglive.transcode.mode", "NONE").set("nglive.upload.target", "none")
                .set("nglive.recorder.register-webhook", "false").set("nglive.recorder.scan-interval", "1h")
                .start()) {
            Files.createSymbolicLink(app.works().resolve("escape"), outside);
            List<String> realFiles = new ArrayList<>();
            Path realRoom = Files.createDirectories(app.works().resolve("9000-fuzz"));
            for (int i = 0; i < (BODIES + REAL_EVERY - 1) / REAL_EVERY; i++) {
                realFiles.add("9000-fuzz/" + TestMedia.flv(realRoom, "real-" + i + ".flv", 1).getFileName());
            }
            Set<String> before = tree(sandbox);

            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            List<String> offending = new CopyOnWriteArrayList<>();
            List<Long> realJobs = Collections.synchronizedList(new ArrayList<>());
            List<String> unhealthy = new CopyOnWriteArrayList<>();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor();
            probe.scheduleWithFixedDelay(() -> {
                if (!app.isAlive()) {
                    unhealthy.add("the process exited");
                    return;
                }
                try {
                    HttpResponse<String> health = app.get("/observe/health");
                    if (health.statusCode() != 200 || !health.body().contains("\"status\":\"UP\"")) {
                        unhealthy.add(health.statusCode() + " " + health.body());
                    }
                } catch (UncheckedIOException e) {
                    unhealthy.add(e.toString());
                }
            }, 1, 1, TimeUnit.SECONDS);

            long started = System.nanoTime();
            AtomicInteger next = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    work.add(senders.submit(() -> {
                        for (int i = next.getAndIncrement(); i < BODIES; i = next.getAndIncrement()) {
                            if (i % REAL_EVERY == 0) {
                                realJobs.add(announce(app, realFiles.get(i / REAL_EVERY)));
                            }
                            Mutated body = mutate(i);
                            int status = send(http, app, body);
                            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                            if ((status >= 500 || status < 0) && offending.size() < 10) {
                                offending.add("#" + i + " (" + body.contentType() + "): " + body.shown());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get(10, TimeUnit.MINUTES);
                }
            } finally {
                senders.shutdownNow();
                probe.shutdownNow();
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            Map<Integer, Integer> histogram = new TreeMap<>();
            statuses.forEach((status, count) -> histogram.put(status, count.get()));
            System.out.printf("WebhookFuzzIT: seed %d, %d bodies in %d ms (%d threads), answers by status %s, "
                    + "%d real recordings%n", SEED, BODIES, millis, THREADS, histogram, realJobs.size());

            assertThat(offending).as("bodies answered 5xx or not at all (seed %d): %s", SEED, histogram).isEmpty();
            assertThat(histogram.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(BODIES);
            assertThat(unhealthy).as("health checks that failed during the run").isEmpty();
            assertThat(app.isAlive()).isTrue();
            assertThat(app.get("/observe/health").body()).contains("\"status\":\"UP\"");
            assertThat(realJobs).hasSize(realFiles.size());
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(realJobs)
                    .allSatisfy(id -> assertThat(app.job(id).path("status").asText()).as("job %d", id).isEqualTo("DONE")));

            Set<String> created = new TreeSet<>(tree(sandbox));
            created.removeAll(before);
            created.removeIf(p -> p.startsWith("app/data/") || p.equals("app/nglive.log"));
            assertThat(created).as("files created outside the data path (seed %d)", SEED).isEmpty();
            assertThat(Files.readString(outside.resolve("secret.flv"))).isEqualTo("not yours");
            assertThat(app.log()).doesNotContain("OutOfMemoryError");
        }
    }

    /** One mutated body: its bytes, the Content-Type it is sent with, and a short form for reports. */
    record Mutated(byte[] bytes, String contentType) {
        String shown() {
            String text = new String(bytes, StandardCharsets.UTF_8);
            return text.length() > 300 ? text.substring(0, 300) + "... (" + bytes.length + " bytes)" : text;
        }
    }

    /** Body number {@code index}: made from the seed and the index only. */
    static Mutated mutate(int index) {
        Random random = new Random(SEED * 1_000_003L + index);
        ObjectNode root = RecorderFixtures.tree(FIXTURES.get(random.nextInt(FIXTURES.size())));
        if (random.nextInt(10) < 8) {
            root.put(root.has("EventId") ? "EventId" : "EventRandomId", "fuzz-" + SEED + "-" + index);
        }
        int treeChanges = random.nextInt(4);
        for (int i = 0; i < treeChanges; i++) {
            changeTree(root, random);
        }
        String text = RecorderFixtures.write(root);
        String contentType = "application/json";
        switch (random.nextInt(12)) {
            case 0 -> text = text.substring(0, random.nextInt(text.length() + 1));
            case 1 -> text = "{\"RoomId\":\"dup\"," + text.substring(1);
            case 2 -> text = text.replaceFirst("\"EventData\"\\s*:\\s*\\{", "\"EventData\":{\"RoomId\":" + randomNumber(random) + ",");
            case 3 -> {
                int depth = 1 + random.nextInt(3000);
                text = (random.nextBoolean() ? "[" : "{\"a\":").repeat(depth) + text;
            }
            case 4 -> contentType = CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
            case 5 -> text = random.nextBoolean() ? "" : " \n\t ";
            case 6 -> {
                return new Mutated(corruptBytes(text.getBytes(StandardCharsets.UTF_8), random), contentType);
            }
            case 7 -> text = text.replace("\"", random.nextBoolean() ? "'" : "");
            default -> {
                // the tree changes alone
            }
        }
        return new Mutated(text.getBytes(StandardCharsets.UTF_8), contentType);
    }

    /** Replaces, removes or adds one field somewhere in the body, or mixes v1 and v2 fields. */
    private static void changeTree(ObjectNode root, Random random) {
        ObjectNode target = root.has("EventData") && root.get("EventData").isObject() && random.nextBoolean()
                ? (ObjectNode) root.get("EventData") : root;
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        String name = names.isEmpty() ? "RoomId" : names.get(random.nextInt(names.size()));
        switch (random.nextInt(6)) {
            case 0 -> target.remove(name);
            case 1 -> target.set(name, randomValue(random, 0));
            case 2 -> target.put("RelativePath", HOSTILE_PATHS.get(random.nextInt(HOSTILE_PATHS.size())));
            case 3 -> {
                if (root.has("EventType")) {
                    root.put("EventRandomId", "mixed-" + random.nextInt());
                    root.put("RelativePath", "mixed/a.flv");
                } else {
                    root.put("EventType", random.nextBoolean() ? "FileClosed" : "x".repeat(random.nextInt(200)));
                }
            }
            case 4 -> target.set(name, JsonNodeFactory.instance.textNode(hugeString(random)));
            default -> target.set("Extra" + random.nextInt(5), randomValue(random, 0));
        }
    }

    private static JsonNode randomValue(Random random, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(depth > 3 ? 8 : 10)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(random.nextLong());
            case 3 -> f.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(600) - 300));
            case 4 -> f.numberNode(new java.math.BigInteger(randomNumber(random).replace("-", "")));
            case 5 -> f.textNode("");
            case 6 -> f.textNode(String.valueOf(random.nextInt()));
            case 7 -> f.textNode("录制\u0000\uD83D\uDE00\u202E" + random.nextInt());
            case 8 -> {
                var array = f.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(random, depth + 1));
                }
                yield array;
            }
            default -> {
                var object = f.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set("k" + i, randomValue(random, depth + 1));
                }
                yield object;
            }
        };
    }

    /** Whole numbers around and far beyond the range of a long. */
    private static String randomNumber(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "9223372036854775808";
            case 1 -> "-9223372036854775809";
            case 2 -> "18446744073709551616";
            case 3 -> "0";
            case 4 -> "-1";
            default -> "1" + "0".repeat(random.nextInt(2000));
        };
    }

    /** Up to a little over what the webhook reads at most (64 Ki characters), sometimes of Chinese. */
    private static String hugeString(Random random) {
        int length = random.nextInt(80_000);
        return (random.nextBoolean() ? "x" : "直").repeat(length);
    }

    /** Invalid UTF-8: stray continuation bytes, overlong forms, encoded surrogates, truncated sequences. */
    private static byte[] corruptBytes(byte[] bytes, Random random) {
        byte[][] bad = {{(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xE6, (byte) 0x97},
                {(byte) 0xFF}, {(byte) 0xFE, (byte) 0xFF}, {0}};
        byte[] out = bytes.clone();
        for (int n = 1 + random.nextInt(5); n > 0 && out.length > 0; n--) {
            byte[] insert = bad[random.nextInt(bad.length)];
            int at = random.nextInt(out.length);
            byte[] grown = new byte[out.length + insert.length];
            System.arraycopy(out, 0, grown, 0, at);
            System.arraycopy(insert, 0, grown, at, insert.length);
            System.arraycopy(out, at, grown, at + insert.length, out.length - at);
            out = grown;
        }
        return out;
    }

    /** The status, or -1 when no answer came. */
    private static int send(HttpClient http, NgliveProcess app, Mutated body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(app.uri("/webhook")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
        if (!body.contentType().isEmpty()) {
            request.header("Content-Type", body.contentType());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A valid FileClosed for a real recording; returns its job id. */
    private static long announce(NgliveProcess app, String file) {
        HttpResponse<String> answer = app.webhook(Webhooks.fileClosed(9000, file));
        assertThat(answer.statusCode()).as("FileClosed for %s: %s", file, answer.body()).isEqualTo(200);
        return app.json(answer).at("/data/jobId").asLong();
    }

    /** Every file and folder under {@code root}, relative and '/'-separated; links are not followed. */
    private static Set<String> tree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> root.relativize(p).toString().replace('\\', '/')).collect(Collectors.toSet());
        }
    }
}
