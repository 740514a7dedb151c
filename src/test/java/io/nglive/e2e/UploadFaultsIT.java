package io.nglive.e2e;

import static io.nglive.e2e.FailureAndRetryIT.isEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.UploadServer;
import io.nglive.testing.Webhooks;
import io.nglive.transcode.MediaProbe;
import org.assertj.core.data.Offset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload target misbehaves: it is down for minutes, slow, answers 500 and 507, drops the connection in the
 * middle of the body, or nglive is stopped in the middle of an upload. Whatever happens, a recording reaches the
 * target exactly once, whole, and is never called uploaded before it is.
 */
class UploadFaultsIT {

    /** How long the target stays down; CI runs the default, {@code -Dnglive.faults.down-seconds=180} the long trial. */
    static final int DOWN_SECONDS = Integer.getInteger("nglive.faults.down-seconds", 30);
    static final Duration PATIENCE = Duration.ofSeconds(60);
    /** What one attempt, its events and a loaded machine may add to a retry delay. */
    static final long TOLERANCE_MS = 3000;

    /**
     * On loopback the kernel lets the sender run megabytes ahead of a slow reader, far more than on a slow real link,
     * and a test file would sit in the socket buffer whole: this keeps nglive's HTTP client's buffer to a slow link's.
     */
    static final String SLOW_LINK = "-Djdk.httpclient.sendBufferSize=65536";

    @TempDir
    Path dir;

    @Test
    void aTargetDownForMinutesIsRetriedWithBoundedExponentialBackoffAndGetsTheFileOnce() throws Exception {
        long delay = 1000;
        long cap = 8000;
        try (UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("target")));
             NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                     .uploadTo(target.url())
                     .set("nglive.upload.retries", String.valueOf(10 + DOWN_SECONDS * 1000 / cap))
                     .set("nglive.upload.retry-delay", delay + "ms")
                     .set("nglive.upload.retry-max-delay", cap + "ms")
                     .start();
             EventClient events = app.events(0)) {
            target.stop();
            TestMedia.flv(Files.createDirectories(app.works().resolve("3001")), "down.flv", 4);

            long jobId = app.json(app.webhook(Webhooks.fileClosed(3001, "3001/down.flv"))).at("/data/jobId").asLong();
            events.await(e -> isEvent(e, "UpError", jobId), PATIENCE);
            NgliveProcess.sleep(DOWN_SECONDS * 1000L);
            assertThat(app.job(jobId).path("status").asText()).isEqualTo("RUNNING");
            target.start();
            long back = System.nanoTime();
            events.await(e -> isEvent(e, "UpEnded", jobId), PATIENCE);
            long finishedAfter = (System.nanoTime() - back) / 1_000_000;

            List<Long> intervals = intervalsMillis(events, "UpStarted", jobId);
            System.out.printf("UploadFaultsIT: target down %d s, %d attempts, intervals (ms) %s, done %d ms after it "
                    + "came back%n", DOWN_SECONDS, intervals.size() + 1, intervals, finishedAfter);
            for (int i = 0; i < intervals.size(); i++) {
                long expected = Math.min(cap, delay << Math.min(i, 20));
                assertThat(intervals.get(i)).as("interval %d of %s: no flood", i + 1, intervals)
                        .isGreaterThanOrEqualTo(expected * 8 / 10);
                assertThat(intervals.get(i)).as("interval %d of %s: bounded", i + 1, intervals)
                        .isLessThanOrEqualTo(expected + TOLERANCE_MS);
                long previous = Math.min(cap, delay << Math.min(i - 1, 20));
                if (i > 0 && previous >= 2 * delay && previous < cap) {
                    assertThat((double) intervals.get(i) / intervals.get(i - 1)).as("growth %s", intervals)
                            .isBetween(1.5, 2.6);
                }
            }
            assertThat(intervals).as("the cap is reached and held").filteredOn(i -> i >= cap * 8 / 10)
                    .hasSizeGreaterThanOrEqualTo(2);
            assertThat(finishedAfter).as("done within one capped delay of the target's return")
                    .isLessThan(cap + TOLERANCE_MS + 5000);

            assertThat(events.all().stream().filter(e -> isEvent(e, "UpError", jobId))).allSatisfy(e -> {
                assertThat(e.path("retrying").asBoolean()).isTrue();
                assertThat(e.path("error").asText()).contains("cannot connect to 127.0.0.1:" + target.port())
                        .contains("connection refused");
            });
            assertWholeAndOnce(app, target, jobId, "3001/down.mp4", 4);
            assertThat(target.requests("PUT")).as("no PUT while down, one after").isEqualTo(1);
        }
    }

    @Test
    void aSlowTargetGetsTheFileOnceWithProgressWhileWebhooksAreAnswered() throws Exception {
        long rate = 256 * 1024;
        try (UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("target")));
             NgliveProcess app = new NgliveProcess(dir.resolve("app")).uploadTo(target.url())
                     .jvm(SLOW_LINK).start();
             EventClient events = app.events(0)) {
            target.throttle(rate);
            Path flv = TestMedia.flv(Files.createDirectories(app.works().resolve("3002")), "slow.flv", 20);

            long jobId = app.json(app.webhook(Webhooks.fileClosed(3002, "3002/slow.flv"))).at("/data/jobId").asLong();
            events.await(e -> isEvent(e, "UpStarted", jobId), PATIENCE);
            long started = System.nanoTime();
            long slowestWebhook = 0;
            int webhooks = 0;
            while (events.all().stream().noneMatch(e -> isEvent(e, "UpEnded", jobId))
                    && System.nanoTime() - started < PATIENCE.toNanos()) {
                long sent = System.nanoTime();
                assertThat(app.webhook(Webhooks.sessionEnded(3002)).statusCode()).isEqualTo(200);
                assertThat(app.get("/api/jobs/" + jobId).statusCode()).isEqualTo(200);
                slowestWebhook = Math.max(slowestWebhook, (System.nanoTime() - sent) / 1_000_000);
                webhooks++;
                NgliveProcess.sleep(250);
            }
            long uploadMillis = (System.nanoTime() - started) / 1_000_000;
            long size = Files.size(app.out().resolve("3002/slow.mp4"));
            System.out.printf("UploadFaultsIT: %d bytes at %d B/s took %d ms; %d webhooks meanwhile, slowest %d ms%n",
                    size, rate, uploadMillis, webhooks, slowestWebhook);

            assertThat(uploadMillis).as("the target really was slow").isGreaterThan(size * 1000 / rate * 6 / 10);
            assertThat(slowestWebhook).as("webhook and job API answers during the upload (ms)").isLessThan(2000);
            List<Double> progress = events.all().stream().filter(e -> isEvent(e, "IsUp", jobId))
                    .map(e -> e.path("progress").asDouble()).filter(p -> p > 0 && p < 100).toList();
            assertThat(progress).as("progress while uploading").hasSizeGreaterThanOrEqualTo(3).isSorted();
            assertThat(events.typesOfJob(jobId)).as("no retry").doesNotContain("UpError");
            assertWholeAndOnce(app, target, jobId, "3002/slow.mp4", 20);
            assertThat(target.requests("PUT")).isEqualTo(1);
            assertThat(flv).isRegularFile();
        }
    }

    @Test
    void serverErrorsAndInsufficientStorageAreRetriedNamingTheCauseAndTheFileArrivesOnce() throws Exception {
        try (UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("target")));
             NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                     .uploadTo(target.url())
                     .set("nglive.upload.retries", "20")
                     .start();
             EventClient events = app.events(0)) {
            target.respondWith(500);
            TestMedia.flv(Files.createDirectories(app.works().resolve("3003")), "errors.flv", 4);

            long jobId = app.json(app.webhook(Webhooks.fileClosed(3003, "3003/errors.flv"))).at("/data/jobId").asLong();
            events.await(e -> isEvent(e, "UpError", jobId) && e.path("attempt").asInt() >= 2, PATIENCE);
            target.healthy();
            target.failPutsWith(507);
            events.await(e -> isEvent(e, "UpError", jobId) && e.path("error").asText().contains("507"), PATIENCE);
            int lastFailed = events.await(e -> isEvent(e, "UpError", jobId) && e.path("error").asText().contains("507")
                    && e.path("attempt").asInt() >= 4, PATIENCE).path("attempt").asInt();
            assertThat(app.job(jobId).path("status").asText()).isEqualTo("RUNNING");
            target.healthy();
            events.await(e -> isEvent(e, "UpEnded", jobId), PATIENCE);

            List<JsonNode> errors = events.all().stream().filter(e -> isEvent(e, "UpError", jobId)).toList();
            assertThat(errors).allSatisfy(e -> assertThat(e.path("retrying").asBoolean()).isTrue());
            assertThat(errors).extracting(e -> e.path("error").asText())
                    .anySatisfy(m -> assertThat(m).contains("internal error (HTTP 500)"))
                    .anySatisfy(m -> assertThat(m).contains("insufficient storage (HTTP 507)"))
                    .allSatisfy(m -> assertThat(m).containsAnyOf("(HTTP 500)", "(HTTP 507)"));
            assertThat(lastFailed).isGreaterThanOrEqualTo(4);
            assertWholeAndOnce(app, target, jobId, "3003/errors.mp4", 4);
        }
    }

    @Test
    void connectionsDroppedMidBodyAreRetriedAndOnlyTheWholeFileIsCalledUploaded() throws Exception {
        try (UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("target")));
             NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                     .uploadTo(target.url())
                     .set("nglive.upload.retries", "20")
                     .start();
             EventClient events = app.events(0)) {
            target.dropPutsAfter(100_000);
            TestMedia.flv(Files.createDirectories(app.works().resolve("3004")), "dropped.flv", 10);

            long jobId = app.json(app.webhook(Webhooks.fileClosed(3004, "3004/dropped.flv")))
                    .at("/data/jobId").asLong();
            events.await(e -> isEvent(e, "UpError", jobId) && e.path("attempt").asInt() >= 2, PATIENCE);
            Path atTarget = target.root().resolve("3004/dropped.mp4");
            assertThat(Files.size(atTarget)).as("a partial file lies at the target").isEqualTo(100_000);
            assertThat(app.job(jobId).path("status").asText()).isEqualTo("RUNNING");
            int dropped = target.droppedPuts();

            target.healthy();
            target.loseBytes(1000);
            JsonNode mismatch = events.await(e -> isEvent(e, "UpError", jobId)
                    && e.path("error").asText().contains("size mismatch"), PATIENCE);
            assertThat(app.job(jobId).path("status").asText()).as("a short file answered with 201")
                    .isEqualTo("RUNNING");
            target.healthy();
            events.await(e -> isEvent(e, "UpEnded", jobId), PATIENCE);

            List<String> errors = events.all().stream().filter(e -> isEvent(e, "UpError", jobId))
                    .map(e -> e.path("error").asText()).toList();
            System.out.printf("UploadFaultsIT: %d PUTs dropped; errors: %s%n", dropped, errors);
            assertThat(dropped).isGreaterThanOrEqualTo(2);
            assertThat(errors.subList(0, 2))
                    .allSatisfy(m -> assertThat(m).startsWith("upload of 3004/dropped.mp4 to ")
                            .contains("the server closed the connection before answering"));
            assertThat(mismatch.path("error").asText()).contains("server has " + (Files.size(atTarget) - 1000));
            assertThat(events.typesOfJob(jobId).stream().filter("UpEnded"::equals).count()).isEqualTo(1);
            assertWholeAndOnce(app, target, jobId, "3004/dropped.mp4", 10);
        }
    }

    @Test
    void sigtermMidHttpUploadExitsCleanlyAndTheNextStartUploadsOnce() throws Exception {
        Path appDir = dir.resolve("app");
        try (UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("target")))) {
            long jobId;
            try (NgliveProcess app = new NgliveProcess(appDir).uploadTo(target.url()).jvm(SLOW_LINK).start();
                 EventClient events = app.events(0)) {
                target.throttle(128 * 1024);
                TestMedia.flv(Files.createDirectories(app.works().resolve("3005")), "stopped.flv", 20);
                jobId = app.json(app.webhook(Webhooks.fileClosed(3005, "3005/stopped.flv"))).at("/data/jobId").asLong();
                events.await(e -> isEvent(e, "IsUp", jobId) && e.path("progress").asInt() >= 5, PATIENCE);

                assertStopsCleanly(app);
                assertThat(target.requests("PUT")).isEqualTo(1);
                assertThat(target.puts("3005/stopped.mp4")).as("the interrupted PUT stored nothing").isZero();
                assertThat(events.typesOfJob(jobId)).doesNotContain("UpEnded", "UpError");
            }
            target.healthy();
            try (NgliveProcess restarted = new NgliveProcess(appDir).start();
                 EventClient events = restarted.events(0)) {
                events.await(e -> isEvent(e, "UpEnded", jobId), PATIENCE);
                assertThat(events.typesOfJob(jobId).stream().filter("TranscodeStarted"::equals).count())
                        .as("the finished transcode is not redone").isEqualTo(1);
                assertWholeAndOnce(restarted, target, jobId, "3005/stopped.mp4", 20);
                assertThat(target.requests("PUT")).as("the interrupted one and the complete one").isEqualTo(2);
            }
        }
    }

    @Test
    void sigtermMidCommandUploadStopsTheCommandTreeAndTheNextStartUploadsOnce() throws Exception {
        Path appDir = dir.resolve("app");
        Path dest = Files.createDirectories(dir.resolve("remote"));
        Path slow = dir.resolve("slow");
        Path log = dir.resolve("upload.log");
        Path script = dir.resolve("upload.sh");
        // $1 the file, $2 its relative path; while the marker exists, the copy waits in a child process of its own
        Files.writeString(script, String.join("\n",
                "#!/bin/sh",
                "echo \"started $2\" >> '" + log + "'",
                "if [ -e '" + slow + "' ]; then sleep 300; fi",
                "mkdir -p \"$(dirname '" + dest + "'/\"$2\")\"",
                "cp \"$1\" '" + dest + "'/\"$2\"",
                "echo \"completed $2\" >> '" + log + "'",
                ""), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createFile(slow);
        long jobId;
        try (NgliveProcess app = new NgliveProcess(appDir)
                .set("nglive.upload.target", "command")
                .set("nglive.upload.command", script + " {file} {path}")
                .start();
             EventClient events = app.events(0)) {
            TestMedia.flv(Files.createDirectories(app.works().resolve("3006")), "command.flv", 4);
            jobId = app.json(app.webhook(Webhooks.fileClosed(3006, "3006/command.flv"))).at("/data/jobId").asLong();
            events.await(e -> isEvent(e, "UpStarted", jobId), PATIENCE);
            Awaitility.await().atMost(PATIENCE).until(() -> app.handle().descendants()
                    .anyMatch(p -> p.info().commandLine().orElse("").contains("sleep")));

            assertStopsCleanly(app);
            assertThat(Files.readAllLines(log)).containsExactly("started 3006/command.mp4");
        }
        Files.delete(slow);
        try (NgliveProcess restarted = new NgliveProcess(appDir).start();
             EventClient events = restarted.events(0)) {
            events.await(e -> isEvent(e, "UpEnded", jobId), PATIENCE);
            Awaitility.await().atMost(PATIENCE)
                    .until(() -> restarted.job(jobId).path("status").asText().equals("DONE"));
            assertThat(Files.readAllLines(log)).containsExactly("started 3006/command.mp4",
                    "started 3006/command.mp4", "completed 3006/command.mp4");
            assertThat(sha256(dest.resolve("3006/command.mp4")))
                    .isEqualTo(sha256(restarted.out().resolve("3006/command.mp4")));
        }
    }

    /** SIGTERM: exit code 0 within the shutdown timeout, and every process nglive started is gone. */
    private static void assertStopsCleanly(NgliveProcess app) {
        List<ProcessHandle> children = app.handle().descendants().toList();
        long stopping = System.nanoTime();
        assertThat(app.stop()).as("exit code after SIGTERM").isZero();
        Duration took = Duration.ofNanos(System.nanoTime() - stopping);
        System.out.printf("UploadFaultsIT: stopped in %d ms, %d child process(es) before%n", took.toMillis(),
                children.size());
        assertThat(took).as("within camel.main.shutdown-timeout (20 s)").isLessThan(Duration.ofSeconds(20));
        assertThat(children).as("child processes after the stop").noneMatch(ProcessHandle::isAlive);
    }

    /** DONE, one complete PUT of the file and no other, identical to the local file, and a valid video. */
    private static void assertWholeAndOnce(NgliveProcess app, UploadServer target, long jobId, String path,
                                           int seconds) throws IOException {
        Awaitility.await().atMost(PATIENCE).until(() -> app.job(jobId).path("status").asText().equals("DONE"));
        assertThat(target.puts(path)).as("complete PUTs of " + path).isEqualTo(1);
        assertThat(target.totalPuts()).isEqualTo(1);
        Path uploaded = target.root().resolve(path);
        assertThat(Files.size(uploaded)).isEqualTo(Files.size(app.out().resolve(path)));
        assertThat(sha256(uploaded)).isEqualTo(sha256(app.out().resolve(path)));
        MediaProbe.Info info = new MediaProbe("ffprobe").probe(uploaded);
        assertThat(info.durationSeconds()).isCloseTo(seconds, Offset.offset(0.2));
        assertThat(info.videoCodec()).contains("h264");
    }

    private static List<Long> intervalsMillis(EventClient events, String type, long jobId) {
        List<OffsetDateTime> times = events.all().stream().filter(e -> isEvent(e, type, jobId))
                .map(e -> OffsetDateTime.parse(e.path("time").asText())).toList();
        List<Long> intervals = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            intervals.add(Duration.between(times.get(i - 1), times.get(i)).toMillis());
        }
        return intervals;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
