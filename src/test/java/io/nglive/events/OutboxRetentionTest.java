package io.nglive.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.journal.Database;
import io.nglive.journal.FastTempDir;
import io.nglive.journal.JournalAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What leaves the outbox and when: age, every configured consumer's acknowledgement, batches, and what readers see. */
class OutboxRetentionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration RETENTION = Duration.ofDays(7);
    /** "Now" for the pruning: events are given their age relative to it. */
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final Duration OLD = RETENTION.plusHours(1);
    static final Duration YOUNG = RETENTION.minusMinutes(1);

    @TempDir(factory = FastTempDir.class)
    Path data;

    Database database;
    EventLog log;
    Cursors cursors;

    @BeforeEach
    void open() {
        database = new Database(data);
        log = new EventLog(database.dataSource(), "node-a", JSON);
        cursors = new Cursors(database.dataSource());
    }

    @AfterEach
    void close() {
        database.stop();
    }

    private OutboxRetention retention(List<String> consumers) {
        return retention(consumers, 1000);
    }

    private OutboxRetention retention(List<String> consumers, int batch) {
        return new OutboxRetention(database.dataSource(), log, RETENTION, consumers, Clock.fixed(NOW, ZoneOffset.UTC),
                batch);
    }

    /** Appends events stored {@code age} before {@link #NOW}. */
    private List<Long> append(int count, Duration age) {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long seq = log.record("FileOpening", Map.of("roomId", 1, "n", i));
            storedAt(seq, OffsetDateTime.ofInstant(NOW.minus(age), ZoneOffset.ofHours(8)));
            seqs.add(seq);
        }
        return seqs;
    }

    private void storedAt(long seq, OffsetDateTime time) {
        JournalAccess.transaction(database.dataSource(),
                c -> JournalAccess.update(c, "UPDATE event SET time = ? WHERE seq = ?", time.toString(), seq));
    }

    private List<Long> storedSeqs() {
        return JournalAccess.transaction(database.dataSource(),
                c -> JournalAccess.query(c, "SELECT seq FROM event ORDER BY seq")).stream()
                .map(r -> ((Number) r.get("seq")).longValue()).toList();
    }

    private List<String> consumerRows() {
        return JournalAccess.transaction(database.dataSource(),
                c -> JournalAccess.query(c, "SELECT name FROM consumer ORDER BY name")).stream()
                .map(r -> (String) r.get("name")).toList();
    }

    private static List<Long> seqs(List<EventLog.Stored> events) {
        return events.stream().map(EventLog.Stored::seq).toList();
    }

    @Test
    void onlyEventsOlderThanTheRetentionArePrunedUpToTheFirstOneToKeep() {
        List<Long> old = append(3, OLD);
        List<Long> young = append(1, YOUNG);
        List<Long> oldAfterAYoungOne = append(1, OLD);
        List<Long> fresh = append(1, Duration.ZERO);

        OutboxRetention.Pruned pruned = retention(List.of()).prune();

        assertThat(pruned.events()).isEqualTo(3);
        assertThat(pruned.through()).isEqualTo(old.get(2));
        assertThat(log.prunedThrough()).isEqualTo(old.get(2));
        assertThat(storedSeqs()).containsExactly(young.get(0), oldAfterAYoungOne.get(0), fresh.get(0));
        assertThat(retention(List.of()).prune().events()).as("a second run finds nothing more").isZero();
    }

    @Test
    void timesAreComparedAsInstantsWhateverOffsetTheyWereWrittenIn() {
        long old = append(1, Duration.ZERO).get(0);
        long young = append(1, Duration.ZERO).get(0);
        Instant cutoff = NOW.minus(RETENTION);
        // as text, the old one sorts after the young one
        storedAt(old, OffsetDateTime.ofInstant(cutoff.minusSeconds(60), ZoneOffset.ofHours(14)));
        storedAt(young, OffsetDateTime.ofInstant(cutoff.plusSeconds(60), ZoneOffset.ofHours(-12)));

        retention(List.of()).prune();

        assertThat(storedSeqs()).containsExactly(young);
    }

    @Test
    void anEventIsKeptUntilEveryConfiguredConsumerHasAcknowledgedIt() {
        List<Long> seqs = append(6, OLD);
        cursors.position("notify http://a/", seqs.get(2));
        cursors.position("central", seqs.get(4));
        OutboxRetention retention = retention(List.of("notify http://a/", "central"));

        assertThat(retention.prune().through()).isEqualTo(seqs.get(2));
        assertThat(storedSeqs()).containsExactlyElementsOf(seqs.subList(3, 6));

        cursors.advance("notify http://a/", seqs.get(5));
        assertThat(retention.prune().through()).as("now central is the slowest").isEqualTo(seqs.get(4));

        cursors.advance("central", seqs.get(5));
        assertThat(retention.prune().through()).isEqualTo(seqs.get(5));
        assertThat(storedSeqs()).isEmpty();
    }

    @Test
    void aConfiguredConsumerWithoutAPositionYetHoldsEveryEventBack() {
        List<Long> seqs = append(4, OLD);
        OutboxRetention retention = retention(List.of("notify http://a/"));

        assertThat(retention.prune().events()).isZero();
        assertThat(storedSeqs()).containsExactlyElementsOf(seqs);

        cursors.position("notify http://a/", log.lastSeq());
        assertThat(retention.prune().events()).isEqualTo(4);
    }

    @Test
    void aPositionLeftByAConsumerNoLongerConfiguredHoldsNothingBackAndIsForgottenOncePassed() {
        List<Long> seqs = append(5, OLD);
        cursors.position("notify http://removed/", 0);
        cursors.position("notify http://removed-later/", seqs.get(4) + 100);
        cursors.position("notify http://a/", seqs.get(4));

        OutboxRetention.Pruned pruned = retention(List.of("notify http://a/")).prune();

        assertThat(pruned.events()).isEqualTo(5);
        assertThat(consumerRows()).as("only the position that missed pruned events is forgotten")
                .containsExactly("notify http://a/", "notify http://removed-later/");
        assertThat(cursors.position("notify http://removed/", log.lastSeq()))
                .as("configured again, it starts like a new consumer").isEqualTo(log.lastSeq());
    }

    @Test
    void aLargeBacklogIsDeletedInBatchesOfOneTransactionEach() {
        List<Long> seqs = append(10, OLD);

        OutboxRetention.Pruned pruned = retention(List.of(), 3).prune();

        assertThat(pruned).isEqualTo(new OutboxRetention.Pruned(10, 4, seqs.get(9)));
        assertThat(storedSeqs()).isEmpty();
    }

    @Test
    void batchesStopAtTheFirstEventToKeep() {
        List<Long> old = append(4, OLD);
        List<Long> rest = new ArrayList<>(append(1, YOUNG));
        rest.addAll(append(5, OLD));

        OutboxRetention.Pruned pruned = retention(List.of(), 3).prune();

        assertThat(pruned).isEqualTo(new OutboxRetention.Pruned(4, 2, old.get(3)));
        assertThat(storedSeqs()).containsExactlyElementsOf(rest);
    }

    @Test
    void afterAcrossThePrunedRangeSaysWhatIsMissingInsteadOfSkippingIt() {
        List<Long> seqs = append(10, OLD);
        cursors.position("central", seqs.get(5));
        retention(List.of("central")).prune();
        long through = seqs.get(5);

        EventsPruned fromStart = catchThrowableOfType(() -> log.after(0, 100), EventsPruned.class);
        assertThat(fromStart.since()).isZero();
        assertThat(fromStart.prunedThrough()).isEqualTo(through);
        assertThat(fromStart.getMessage()).contains("after 0 up to " + through, "nglive.events.retention");
        assertThat(catchThrowableOfType(() -> log.after(seqs.get(2), 100), EventsPruned.class).since())
                .isEqualTo(seqs.get(2));
        // the events were in memory as well: they are gone from there too
        assertThat(seqs(log.after(through, 100))).containsExactlyElementsOf(seqs.subList(6, 10));
        assertThat(seqs(log.after(seqs.get(7), 1))).containsExactly(seqs.get(8));
    }

    @Test
    void thePrunedFrameNamesWhatIsMissingAndWhereTheReplayGoesOn() throws Exception {
        JsonNode frame = JSON.readTree(new EventsPruned(3, 812).frame());

        assertThat(frame.get("type").asText()).isEqualTo("pruned");
        assertThat(frame.get("since").asLong()).isEqualTo(3);
        assertThat(frame.get("prunedThrough").asLong()).isEqualTo(812);
        assertThat(frame.get("message").asText()).contains("events after 3 up to 812 were removed",
                "replay continues after 812");
    }

    @Test
    void prunedThroughSurvivesARestartEvenWhenEveryEventWasPruned() {
        List<Long> seqs = append(5, OLD);
        retention(List.of()).prune();
        long through = seqs.get(4);
        database.stop();

        database = new Database(data);
        log = new EventLog(database.dataSource(), "node-a", JSON);

        assertThat(storedSeqs()).isEmpty();
        assertThat(log.prunedThrough()).isEqualTo(through);
        assertThat(log.lastSeq()).as("the newest seq, although its event is gone").isEqualTo(through);
        assertThat(catchThrowableOfType(() -> log.after(0, 10), EventsPruned.class).prunedThrough()).isEqualTo(through);
        assertThat(log.after(through, 10)).isEmpty();
        long next = log.record("FileClosed", Map.of());
        assertThat(next).isGreaterThan(through);
        assertThat(seqs(log.after(through, 10))).containsExactly(next);
    }

    @Test
    void aReaderNeverSkipsEventsPrunedWhileItReads() throws Exception {
        int count = 3000;
        OutboxRetention retention = new OutboxRetention(database.dataSource(), log, Duration.ZERO, List.of(),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(1)), 50);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            AtomicBoolean written = new AtomicBoolean();
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < count; i++) {
                    log.record("IsTranscode", Map.of("i", i));
                }
                written.set(true);
                return null;
            });
            Future<?> pruner = pool.submit(() -> {
                while (!written.get()) {
                    retention.prune();
                }
                return null;
            });
            // without heartbeats, the seqs are 1, 2, 3...: each event read must be the one right after the cursor,
            // unless the log said that the ones in between were pruned
            List<String> skips = new ArrayList<>();
            int[] gaps = {0};
            Future<?> reader = pool.submit(() -> {
                long cursor = 0;
                while (!written.get() || cursor < log.lastSeq()) {
                    try {
                        for (EventLog.Stored event : log.after(cursor, 64)) {
                            if (event.seq() != cursor + 1) {
                                skips.add(cursor + " -> " + event.seq());
                            }
                            cursor = event.seq();
                        }
                    } catch (EventsPruned gap) {
                        assertThat(gap.prunedThrough()).isGreaterThan(cursor);
                        cursor = gap.prunedThrough();
                        gaps[0]++;
                    }
                    Thread.sleep(1); // a slower reader, so that pruning overtakes it
                }
                return null;
            });
            writer.get(120, TimeUnit.SECONDS);
            pruner.get(120, TimeUnit.SECONDS);
            reader.get(120, TimeUnit.SECONDS);

            assertThat(skips).as("events skipped without a word").isEmpty();
            assertThat(gaps[0]).as("the reader ran into pruned ranges").isPositive();
            assertThat(log.prunedThrough()).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }
}
