package io.nglive.webhook;

import static io.nglive.webhook.RecorderFixtures.V2_FILE_CLOSED_PATH;
import static io.nglive.webhook.RecorderFixtures.v1With;
import static io.nglive.webhook.RecorderFixtures.v2;
import static io.nglive.webhook.RecorderFixtures.v2Data;
import static io.nglive.webhook.RecorderFixtures.v2With;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.journal.FastTempDir;
import io.nglive.journal.JobJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook intake with a real file database: what a 2xx promises is on disk, once. */
class WebhookIntakeTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(factory = FastTempDir.class)
    Path data;
    @TempDir
    Path worksDir;

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Database database;
    EventLog events;
    JobJournal journal;
    WebhookIntake intake;

    @BeforeEach
    void open() {
        openDatabase(data);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private void openDatabase(Path dir) {
        database = new Database(dir);
        events = new EventLog(database.dataSource(), "test-node", JSON);
        journal = new JobJournal(database.dataSource());
        intake = new WebhookIntake(new WebhookReader(new WorksPath(worksDir)), events, journal,
                new OpenRecordings(database.dataSource()), new WebhookMetrics(meters));
    }

    private List<Map<String, Object>> jobs() {
        return journal.list(null, null, 1000, 0);
    }

    private double webhooks(String outcome) {
        return meters.get("nglive.webhooks").tag("outcome", outcome).counter().count();
    }

    private List<EventLog.Stored> stored() {
        return events.after(0, 100_000);
    }

    @Test
    void fileClosedOfAFlvCreatesExactlyOneJob() {
        WebhookIntake.Accepted accepted = intake.accept(v2("FileClosed"));

        assertThat(accepted.duplicate()).isFalse();
        assertThat(accepted.type()).isEqualTo("FileClosed");
        assertThat(accepted.jobId()).isNotNull();
        assertThat(jobs()).singleElement().satisfies(job -> {
            assertThat(job).containsEntry("file", V2_FILE_CLOSED_PATH)
                    .containsEntry("recorder", "bililive-recorder")
                    .containsEntry("status", JobJournal.PENDING)
                    .containsEntry("title", "哔哩哔哩音悦台")
                    .containsEntry("sessionId", "7c7f3672-70ce-405a-aa12-886702ced6e5")
                    .containsEntry("error", null);
            assertThat(((Number) job.get("id")).longValue()).isEqualTo(accepted.jobId());
            assertThat(((Number) job.get("roomId")).longValue()).isEqualTo(23058L);
            assertThat(((Number) job.get("attempts")).intValue()).isZero();
            assertThat(job.get("created")).isNotNull();
        });
    }

    @Test
    void answerCarriesSeqTypeDuplicateAndJobId() {
        WebhookIntake.Accepted accepted = intake.accept(v2("FileClosed"));

        assertThat(accepted.answer()).containsEntry("code", 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) accepted.answer().get("data");
        assertThat(data)
                .containsEntry("seq", accepted.seq())
                .containsEntry("type", "FileClosed")
                .containsEntry("duplicate", false)
                .containsEntry("jobId", accepted.jobId());
    }

    @Test
    void duplicateEventIdIsStoredOnce() {
        WebhookIntake.Accepted first = intake.accept(v2("FileClosed"));
        WebhookIntake.Accepted second = intake.accept(v2("FileClosed"));

        assertThat(second.duplicate()).isTrue();
        assertThat(second.seq()).isEqualTo(first.seq());
        assertThat(second.jobId()).isNull();
        assertThat(jobs()).hasSize(1);
        assertThat(stored()).hasSize(1);
    }

    @Test
    void storedAndDuplicateWebhooksAreCountedByOutcome() {
        intake.accept(v2("FileClosed"));
        intake.accept(v2("FileClosed"));
        intake.accept(v2("SessionStarted"));

        assertThat(webhooks("accepted")).isEqualTo(2);
        assertThat(webhooks("duplicate")).isEqualTo(1);
        assertThat(webhooks("failed")).isZero();
    }

    @Test
    void aWebhookThatCannotBeStoredIsCountedAsFailed() {
        database.stop();

        assertThatThrownBy(() -> intake.accept(v2("FileClosed"))).isInstanceOf(RuntimeException.class);

        assertThat(webhooks("failed")).isEqualTo(1);
        assertThat(webhooks("accepted")).isZero();
        database = null;
    }

    @Test
    void duplicateOfANonJobEventIsAlsoStoredOnce() {
        long seq = intake.accept(v2("SessionStarted")).seq();

        WebhookIntake.Accepted again = intake.accept(v2("SessionStarted"));

        assertThat(again.duplicate()).isTrue();
        assertThat(again.seq()).isEqualTo(seq);
        assertThat(stored()).hasSize(1);
    }

    @Test
    void sameEventIdDeliveredConcurrentlyIsStoredOnce() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<WebhookIntake.Accepted>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit((Callable<WebhookIntake.Accepted>) () -> {
                    start.await();
                    return intake.accept(v2("FileClosed"));
                }));
            }
            start.countDown();
            List<WebhookIntake.Accepted> accepted = new ArrayList<>();
            for (Future<WebhookIntake.Accepted> f : results) {
                accepted.add(f.get());
            }

            assertThat(accepted).filteredOn(a -> !a.duplicate()).hasSize(1);
            assertThat(accepted).extracting(WebhookIntake.Accepted::seq).containsOnly(accepted.get(0).seq());
            assertThat(jobs()).hasSize(1);
            assertThat(stored()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void v1AndV2ForTheSameFileMakeOneJob() {
        WebhookIntake.Accepted v2 = intake.accept(v2("FileClosed"));
        WebhookIntake.Accepted v1 = intake.accept(v1With(r -> {
            r.put("RoomId", 23058);
            r.put("RelativePath", V2_FILE_CLOSED_PATH);
        }));

        assertThat(v1.duplicate()).isFalse();
        assertThat(v1.seq()).isGreaterThan(v2.seq());
        assertThat(v1.jobId()).isNull();
        assertThat(jobs()).singleElement().satisfies(job -> assertThat(((Number) job.get("id")).longValue())
                .isEqualTo(v2.jobId()));
        assertThat(stored()).hasSize(2);
    }

    @Test
    void v1AloneCreatesAJob() {
        WebhookIntake.Accepted accepted = intake.accept(RecorderFixtures.v1FileClosed());

        assertThat(accepted.jobId()).isNotNull();
        assertThat(jobs()).singleElement().satisfies(job -> {
            assertThat(job).containsEntry("file", RecorderFixtures.V1_FILE_CLOSED_PATH).containsEntry("recorder", "bililive-recorder");
            assertThat(((Number) job.get("roomId")).longValue()).isEqualTo(14846654L);
        });
    }

    @Test
    void fileClosedOfANonFlvCreatesNoJob() {
        WebhookIntake.Accepted accepted = intake.accept(v2Data("FileClosed", d -> d.put("RelativePath", "room/a.mp4")));

        assertThat(accepted.jobId()).isNull();
        assertThat(accepted.duplicate()).isFalse();
        assertThat(jobs()).isEmpty();
        assertThat(stored()).hasSize(1);
    }

    @Test
    void fileClosedOfAnUpperCaseFlvCreatesAJob() {
        assertThat(intake.accept(v2Data("FileClosed", d -> d.put("RelativePath", "room/A.FLV"))).jobId()).isNotNull();
    }

    @Test
    void eventsOtherThanFileClosedCreateNoJob() {
        for (String type : List.of("SessionStarted", "FileOpening", "SessionEnded", "StreamStarted", "StreamEnded")) {
            assertThat(intake.accept(v2(type)).jobId()).as(type).isNull();
        }

        assertThat(jobs()).isEmpty();
        assertThat(stored()).hasSize(5);
    }

    @Test
    void sessionEndedBeforeFileClosedStoresBothAndCreatesTheJob() {
        WebhookIntake.Accepted ended = intake.accept(v2("SessionEnded"));
        WebhookIntake.Accepted closed = intake.accept(v2("FileClosed"));

        assertThat(closed.jobId()).isNotNull();
        assertThat(closed.seq()).isGreaterThan(ended.seq());
        assertThat(stored()).extracting(EventLog.Stored::seq).containsExactly(ended.seq(), closed.seq());
        assertThat(jobs()).hasSize(1);
    }

    @Test
    void unknownEventTypeIsStoredWithoutAJob() throws Exception {
        WebhookIntake.Accepted accepted = intake.accept(v2With("FileClosed", r -> r.put("EventType", "FileRepaired")));

        assertThat(accepted.type()).isEqualTo("FileRepaired");
        assertThat(accepted.jobId()).isNull();
        assertThat(jobs()).isEmpty();
        assertThat(JSON.readTree(stored().get(0).json()).get("type").asText()).isEqualTo("FileRepaired");
    }

    @Test
    void rejectedBodyStoresNothing() {
        assertThatThrownBy(() -> intake.accept(v2Data("FileClosed", d -> d.put("RelativePath", "../../etc/x.flv"))))
                .isInstanceOf(WebhookRejected.class);
        assertThatThrownBy(() -> intake.accept(v2Data("FileClosed", d -> d.put("RoomId", "abc"))))
                .isInstanceOf(WebhookRejected.class);

        assertThat(stored()).isEmpty();
        assertThat(jobs()).isEmpty();
        assertThat(events.lastSeq()).isZero();
        assertThat(webhooks("failed")).as("counted where the 400 is answered, not here").isZero();
    }

    @Test
    void eventsGetStrictlyIncreasingSeqs() {
        List<Long> seqs = new ArrayList<>();
        for (String type : RecorderFixtures.V2_TYPES) {
            seqs.add(intake.accept(v2(type)).seq());
        }
        seqs.add(intake.accept(RecorderFixtures.v1FileClosed()).seq());

        assertThat(seqs).isSorted().doesNotHaveDuplicates().allSatisfy(s -> assertThat(s).isPositive());
        assertThat(stored()).extracting(EventLog.Stored::seq).containsExactlyElementsOf(seqs);
        assertThat(events.lastSeq()).isEqualTo(seqs.get(seqs.size() - 1));
    }

    @Test
    void storedEventHasTheEnvelopeAndTheRecorderFields() throws Exception {
        long seq = intake.accept(v2("FileClosed")).seq();

        JsonNode event = JSON.readTree(stored().get(0).json());

        assertThat(event.get("type").asText()).isEqualTo("FileClosed");
        assertThat(event.get("seq").asLong()).isEqualTo(seq);
        assertThat(event.get("node").asText()).isEqualTo("test-node");
        assertThat(event.get("time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*([+-]\\d{2}:\\d{2}|Z)");
        assertThat(event.get("roomId").asLong()).isEqualTo(23058L);
        assertThat(event.get("sessionId").asText()).isEqualTo("7c7f3672-70ce-405a-aa12-886702ced6e5");
        assertThat(event.get("file").asText()).isEqualTo(V2_FILE_CLOSED_PATH);
        assertThat(event.get("fileSize").asLong()).isEqualTo(4_123_456_789L);
    }

    @Test
    void eventsAndJobsSurviveAReopenAndSeqsContinueAboveTheOldOnes() {
        long closed = intake.accept(v2("FileClosed")).seq();
        long ended = intake.accept(v2("SessionEnded")).seq();
        String heartbeat = events.emitTransient("heartbeat", Map.of());
        long transientSeq = seqOf(heartbeat);
        database.stop();

        openDatabase(data);

        assertThat(stored()).extracting(EventLog.Stored::seq).containsExactly(closed, ended);
        assertThat(events.lastSeq()).isEqualTo(ended);
        assertThat(jobs()).singleElement().satisfies(job -> assertThat(job).containsEntry("file", V2_FILE_CLOSED_PATH));
        WebhookIntake.Accepted again = intake.accept(v2("FileClosed"));
        assertThat(again.duplicate()).as("dedup survives the restart").isTrue();
        assertThat(again.seq()).isEqualTo(closed);
        long next = intake.accept(v2("StreamEnded")).seq();
        assertThat(next).isGreaterThan(ended).isGreaterThan(transientSeq);
        assertThat(stored()).extracting(EventLog.Stored::seq).containsExactly(closed, ended, next);
    }

    /**
     * A crash (no SHUTDOWN): the database files are copied while the database is open, as a killed process would leave
     * them, and opened again. What was acknowledged must be there, and no seq that was handed out may be reused.
     */
    @Test
    void acknowledgedEventsSurviveACrashAndSeqsAreNeverReused(@TempDir(factory = FastTempDir.class) Path crashed)
            throws Exception {
        long closed = intake.accept(v2("FileClosed")).seq();
        long ended = intake.accept(v2("SessionEnded")).seq();
        long transientSeq = seqOf(events.emitTransient("heartbeat", Map.of()));
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().endsWith(".lck")).toList()) {
                if (Files.isDirectory(f)) {
                    continue;
                }
                Files.copy(f, crashed.resolve(f.getFileName()));
            }
        }
        database.stop();

        openDatabase(crashed);

        assertThat(stored()).extracting(EventLog.Stored::seq).containsExactly(closed, ended);
        assertThat(jobs()).hasSize(1);
        assertThat(intake.accept(v2("FileClosed")).duplicate()).isTrue();
        long next = intake.accept(v2("StreamEnded")).seq();
        assertThat(next).as("a seq after the crash").isGreaterThan(ended);
        assertThat(next).as("a heartbeat's seq is never reused, not even after a crash").isGreaterThan(transientSeq);
    }

    /**
     * Values the reader accepts must also fit in the database: a 2xx or a 400, never a database error (a 500 makes
     * the recorder retry the same body twice and then drop the event).
     */
    @Test
    void longTitleOnAFileClosedIsStored() {
        assertAcceptedOrRejected(v2Data("FileClosed", d -> d.put("Title", "标题".repeat(600))));
    }

    @Test
    void longUnknownEventTypeIsStoredOrRejected() {
        assertAcceptedOrRejected(v2With("SessionStarted", r -> r.put("EventType", "Recorder" + "X".repeat(100))));
    }

    @Test
    void longEventIdIsStoredOrRejected() {
        assertAcceptedOrRejected(v2With("SessionStarted", r -> r.put("EventId", "e".repeat(200))));
    }

    @Test
    void longSessionIdIsStoredOrRejected() {
        assertAcceptedOrRejected(v2Data("FileClosed", d -> d.put("SessionId", "s".repeat(100))));
    }

    @Test
    void longRelativePathIsStoredOrRejected() {
        assertAcceptedOrRejected(v2Data("FileClosed", d -> d.put("RelativePath", "房间/".repeat(1500) + "a.flv")));
    }

    @Test
    void lowerCaseDuplicateOfRoomIdNeverCrashesTheIntake() {
        assertAcceptedOrRejected(v2Data("FileClosed", d -> d.put("roomId", "abc")));
    }

    private void assertAcceptedOrRejected(String body) {
        Throwable thrown = catchThrowable(() -> intake.accept(body));

        assertThat(thrown).as("accepted (2xx) or rejected (400), not a server error").satisfiesAnyOf(
                t -> assertThat(t).isNull(),
                t -> assertThat(t).isExactlyInstanceOf(WebhookRejected.class));
        if (thrown == null) {
            assertThat(stored()).hasSize(1);
        } else {
            assertThat(stored()).isEmpty();
            assertThat(jobs()).isEmpty();
        }
    }

    private static long seqOf(String json) {
        try {
            return JSON.readTree(json).get("seq").asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
