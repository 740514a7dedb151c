package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * nglive killed with SIGKILL at random moments of every stage (receiving webhooks, transcoding, uploading, emitting
 * events), its ffmpeg left running as after a real crash, then started again on the same data, over and over.
 *
 * <p>After each restart, the safety invariants: the orphaned ffmpeg is gone, no file at the target is incomplete or
 * invalid, no file was uploaded twice, every job called DONE has its upload. At the end, liveness: every recording
 * that nglive acknowledged is uploaded exactly once (PUTs counted at the target), as a whole valid video, and no job
 * is left RUNNING. Also every webhook acknowledged while the process was being killed mid-write is in the journal.
 *
 * <p>{@code -Dnglive.crash.trials=N} (10 in CI; {@code mvn verify -Pfaults} runs 100); {@code -Dnglive.crash.seed=S}
 * replays a run, whose seed is printed; {@code -Dnglive.crash.moments=UPLOAD_STORED,...} kills only at those moments.
 */
class CrashTrialsIT {

    private static final int TRIALS = Integer.getInteger("nglive.crash.trials", 10);
    private static final long SEED = Long.getLong("nglive.crash.seed", System.nanoTime());
    /** {@code -Dnglive.crash.moments=UPLOAD_STORED,TRANSCODING} restricts the kills to those moments. */
    private static final List<Moment> MOMENTS = System.getProperty("nglive.crash.moments", "").isBlank()
            ? List.of(Moment.values())
            : Arrays.stream(System.getProperty("nglive.crash.moments").split(",")).map(String::trim)
                    .map(Moment::valueOf).toList();
    private static final int SOURCE_SECONDS = 6;

    /** When a trial kills nglive: after the event that starts a stage (or ends one), plus a random delay. */
    enum Moment {
        RECEIVING_WEBHOOKS(null),
        TRANSCODE_STARTED("TranscodeStarted"),
        TRANSCODING("IsTranscode"),
        TRANSCODE_ENDED("TranscodeEnded"),
        UPLOAD_STARTED("UpStarted"),
        UPLOADING("IsUp"),
        /** The target has stored a PUT that nglive has not yet verified and journalled: the duplicate window. */
        UPLOAD_STORED(null),
        UPLOAD_ENDED("UpEnded"),
        ANY_TIME(null);

        final String after;

        Moment(String after) {
            this.after = after;
        }
    }

    @TempDir
    Path dir;

    /** Outputs of the recordings whose FileClosed was acknowledged, and of all that were sent (a kill can take the answer). */
    private final Map<String, String> accepted = new ConcurrentHashMap<>();
    private final Map<String, String> sent = new ConcurrentHashMap<>();
    private final Set<String> acknowledgedEvents = ConcurrentHashMap.newKeySet();
    /** Files at the target already read with ffprobe (path, size, time): after a hundred trials, reading all again costs. */
    private final Set<String> probed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger missed = new AtomicInteger();
    private Path source;
    private int recordings;

    @Test
    void killedAtRandomMomentsEveryAcceptedRecordingIsUploadedExactlyOnceAndWhole() throws Exception {
        System.out.println("crash trials: " + TRIALS + ", seed " + SEED + " (-Dnglive.crash.seed=" + SEED + " replays it)");
        Random random = new Random(SEED);
        Path appDir = dir.resolve("app");
        source = TestMedia.flv(Files.createDirectories(dir.resolve("source")), "source.flv", SOURCE_SECONDS);
        Map<Moment, Integer> moments = new EnumMap<>(Moment.class);
        long started = System.nanoTime();
        try (UploadServer target = UploadServer.start(Files.createDirectories(dir.resolve("target")))) {
            // every request takes a while, so that kills land inside uploads and between a PUT and its record
            target.delayResponses(Duration.ofMillis(150));
            List<ProcessHandle> orphans = List.of();
            Moment previous = null;
            List<Moment> round = new ArrayList<>(MOMENTS);
            for (int trial = 0; trial < TRIALS; trial++) {
                if (trial % MOMENTS.size() == 0) {
                    // every moment once per round, in a random order: ten trials cover every stage
                    Collections.shuffle(round, random);
                }
                Moment moment = round.get(trial % MOMENTS.size());
                moments.merge(moment, 1, Integer::sum);
                NgliveProcess app = new NgliveProcess(appDir);
                if (trial == 0) {
                    app.set("nglive.transcode.mode", "CRF").set("nglive.transcode.preset", "veryfast")
                            .set("nglive.events.progress-interval", "100ms")
                            .set("nglive.upload.retry-delay", "200ms").set("nglive.upload.retry-max-delay", "1s")
                            .uploadTo(target.url());
                }
                long trialStart = System.nanoTime();
                try (NgliveProcess running = app.start(); EventClient events = running.events(-1)) {
                    long startMillis = Duration.ofNanos(System.nanoTime() - trialStart).toMillis();
                    List<ProcessHandle> left = orphans;
                    Awaitility.await("ffmpeg left by the crash is stopped").atMost(Duration.ofSeconds(15))
                            .until(() -> left.stream().noneMatch(ProcessHandle::isAlive));
                    assertSafe(running, target, "after restart " + trial + " (killed " + previous + ")");

                    orphans = killAt(moment, running, events, target, random);
                    previous = moment;
                    System.out.printf("trial %d: started in %d ms, killed %s after %d ms%n", trial, startMillis, moment,
                            Duration.ofNanos(System.nanoTime() - trialStart).toMillis());
                }
            }

            try (NgliveProcess app = new NgliveProcess(appDir).start()) {
                Awaitility.await("every accepted recording done").atMost(Duration.ofSeconds(120 + 10L * accepted.size()))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> statuses(app).values().stream().allMatch("DONE"::equals));
                assertSafe(app, target, "at the end");
                int jobs = statuses(app).size();
                assertThat(jobs).as("one job per recording sent, at least all acknowledged")
                        .isBetween(accepted.size(), sent.size());
                for (String output : accepted.keySet()) {
                    assertThat(target.puts(output)).as("PUTs of " + output).isEqualTo(1);
                }
                assertThat(target.totalPuts()).as("PUTs in all").isEqualTo(jobs);
                assertThat(FailureAndRetryIT.filesUnder(app.out())).as("outputs, and no .part left")
                        .allMatch(p -> p.getFileName().toString().endsWith(".mp4") && !p.getFileName().toString().startsWith("."))
                        .hasSize(jobs);
                try (EventClient replay = app.events(0)) {
                    Awaitility.await("every acknowledged webhook in the journal").atMost(Duration.ofSeconds(30))
                            .untilAsserted(() -> assertThat(replay.stored().stream().map(e -> e.path("eventId").asText()))
                                    .containsAll(acknowledgedEvents));
                }
            }
        }
        System.out.printf("crash trials: %d trials in %d s, kills %s; %d recordings sent, %d acknowledged, each uploaded"
                        + " once; %d other webhooks acknowledged; %d moments not reached%n", TRIALS, Duration.ofNanos(System.nanoTime() - started)
                        .toSeconds(), moments, sent.size(), accepted.size(), acknowledgedEvents.size() - accepted.size(), missed.get());
    }

    /**
     * Sends new work, waits for the moment, and kills nglive; returns the ffmpeg processes it left running. At the
     * moment of receiving webhooks, two senders post as fast as they can while the kill comes: their first two
     * bodies are recordings, the rest other events that are only journalled.
     */
    private List<ProcessHandle> killAt(Moment moment, NgliveProcess app, EventClient events, UploadServer target,
                                       Random random) throws Exception {
        if (moment == Moment.RECEIVING_WEBHOOKS) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> senders = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread sender = new Thread(() -> {
                    try {
                        for (int sent = 0; !stop.get(); sent++) {
                            if (!sendOne(app, body(sent < 2))) {
                                return;
                            }
                        }
                    } catch (Throwable failure) {
                        failures.add(failure);
                    }
                });
                sender.start();
                senders.add(sender);
            }
            NgliveProcess.sleep(100 + random.nextInt(900));
            List<ProcessHandle> orphans = app.ffmpegChildren();
            app.kill();
            stop.set(true);
            for (Thread sender : senders) {
                sender.join();
            }
            assertThat(failures).as("what the webhook senders saw").isEmpty();
            return orphans;
        }
        int putsBefore = target.totalPuts();
        int count = 1 + random.nextInt(2);
        for (int i = 0; i < count; i++) {
            sendOne(app, body(true));
        }
        if (moment == Moment.UPLOAD_STORED) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (target.totalPuts() == putsBefore && System.nanoTime() < deadline) {
                NgliveProcess.sleep(2);
            }
            if (target.totalPuts() == putsBefore) {
                missed.incrementAndGet();
            }
        } else if (moment.after != null) {
            try {
                events.await(e -> e.path("type").asText().equals(moment.after), Duration.ofSeconds(10));
            } catch (RuntimeException | AssertionError notReached) {
                // a stage without that event this time (a resumed job past it): kill anyway
                missed.incrementAndGet();
            }
        }
        if (moment != Moment.UPLOAD_STORED) {
            NgliveProcess.sleep(random.nextInt(moment == Moment.ANY_TIME ? 4000 : 400));
        }
        List<ProcessHandle> orphans = app.ffmpegChildren();
        app.kill();
        return orphans;
    }

    /** A FileClosed for a new copy of the source, or (when not {@code file}) a SessionEnded, which is only journalled. */
    private synchronized Body body(boolean file) {
        String eventId = UUID.randomUUID().toString();
        if (!file) {
            return new Body(eventId, Webhooks.envelope("SessionEnded", eventId, Webhooks.data(7001)), null);
        }
        int n = ++recordings;
        String relative = "7001/录制 " + n + " \"崩溃\" $(kill).flv";
        try {
            Path copy = dir.resolve("app/works").resolve(relative);
            Files.createDirectories(copy.getParent());
            Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Body(eventId, Webhooks.fileClosed(eventId, 7001, relative), relative.replaceAll("\\.flv$", ".mp4"));
    }

    private record Body(String eventId, String json, String output) {
    }

    /** Posts one webhook; what was answered 2xx must never be lost. False once nglive no longer answers. */
    private boolean sendOne(NgliveProcess app, Body body) {
        if (body.output() != null) {
            sent.put(body.output(), body.eventId());
        }
        HttpResponse<String> answer;
        try {
            answer = app.webhook(body.json());
        } catch (RuntimeException killed) {
            return false;
        }
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        acknowledgedEvents.add(body.eventId());
        if (body.output() != null) {
            accepted.put(body.output(), body.eventId());
        }
        return true;
    }

    /** What must hold at any moment: nothing at the target is incomplete, duplicated, or missing for a DONE job. */
    private void assertSafe(NgliveProcess app, UploadServer target, String when) throws IOException {
        MediaProbe probe = new MediaProbe("ffprobe");
        for (Path file : FailureAndRetryIT.filesUnder(target.root())) {
            String relative = target.root().relativize(file).toString().replace('\\', '/');
            if (file.getFileName().toString().startsWith(UploadServer.PART_PREFIX)) {
                continue; // a PUT the restarted nglive is making right now, not stored yet
            }
            assertThat(relative).as(when + ": unexpected file at the target").isIn(sent.keySet());
            assertThat(target.puts(relative)).as(when + ": PUTs of " + relative).isEqualTo(1);
            if (!probed.add(relative + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file))) {
                continue; // this very file was read whole before
            }
            MediaProbe.Info info = probe.probe(file);
            assertThat(info.durationSeconds()).as(when + ": duration of " + relative)
                    .isCloseTo(SOURCE_SECONDS, Offset.offset(0.2));
            assertThat(info.videoCodec()).as(when + ": " + relative).contains("h264");
            assertThat(info.audioCodec()).as(when + ": " + relative).contains("aac");
        }
        for (JsonNode job : app.jobs()) {
            if (job.path("status").asText().equals("DONE")) {
                String output = job.path("file").asText().replaceAll("\\.flv$", ".mp4");
                assertThat(target.root().resolve(output)).as(when + ": job " + job.path("id") + " is DONE").isRegularFile();
            }
        }
    }

    private static Map<Long, String> statuses(NgliveProcess app) {
        Map<Long, String> statuses = new ConcurrentHashMap<>();
        app.jobs().forEach(job -> statuses.put(job.path("id").asLong(), job.path("status").asText()));
        return statuses;
    }
}
