package io.nglive.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.journal.Database;
import io.nglive.journal.FastTempDir;
import io.nglive.journal.JournalAccess;
import io.nglive.journal.JournalException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {

    /** EventLog keeps this many recent events in memory; older ones are read from the database. */
    static final int RECENT = 4096;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(factory = FastTempDir.class)
    Path data;

    Database database;
    EventLog log;

    @BeforeEach
    void open() {
        database = new Database(data);
        log = new EventLog(database.dataSource(), "node-a", JSON);
    }

    @AfterEach
    void close() {
        database.stop();
    }

    private long append(int i) {
        return log.record("FileOpening", Map.of("roomId", 1, "n", i));
    }

    private List<Long> appendMany(int count) {
        List<Long> seqs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            seqs.add(append(i));
        }
        return seqs;
    }

    /** Everything after {@code from}, read page by page as a subscriber does. */
    private List<EventLog.Stored> readAll(long from, int page) {
        List<EventLog.Stored> out = new ArrayList<>();
        long cursor = from;
        while (true) {
            List<EventLog.Stored> batch = log.after(cursor, page);
            assertThat(batch.size()).isLessThanOrEqualTo(page);
            if (batch.isEmpty()) {
                return out;
            }
            out.addAll(batch);
            cursor = batch.get(batch.size() - 1).seq();
        }
    }

    private static long seqOf(String json) {
        try {
            return JSON.readTree(json).get("seq").asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void emptyLogHasNothingAfterZero() {
        assertThat(log.lastSeq()).isZero();
        assertThat(log.after(0, 10)).isEmpty();
        assertThat(log.node()).isEqualTo("node-a");
    }

    @Test
    void recordedEventsComeBackInOrderWithTheirEnvelope() throws Exception {
        List<Long> seqs = appendMany(5);

        List<EventLog.Stored> all = log.after(0, 100);

        assertThat(seqs).isSorted().doesNotHaveDuplicates();
        assertThat(all).extracting(EventLog.Stored::seq).containsExactlyElementsOf(seqs);
        JsonNode first = JSON.readTree(all.get(0).json());
        assertThat(first.get("type").asText()).isEqualTo("FileOpening");
        assertThat(first.get("seq").asLong()).isEqualTo(seqs.get(0));
        assertThat(first.get("node").asText()).isEqualTo("node-a");
        assertThat(first.get("time").asText()).isNotBlank();
        assertThat(first.get("roomId").asInt()).isEqualTo(1);
        assertThat(log.lastSeq()).isEqualTo(seqs.get(4));
    }

    @Test
    void fieldsCannotOverrideTheEnvelope() throws Exception {
        long seq = log.record("FileClosed", Map.of("type", "Forged", "seq", -1, "node", "other"));

        JsonNode event = JSON.readTree(log.after(0, 1).get(0).json());

        assertThat(event.get("type").asText()).isEqualTo("FileClosed");
        assertThat(event.get("seq").asLong()).isEqualTo(seq);
        assertThat(event.get("node").asText()).isEqualTo("node-a");
    }

    @Test
    void afterStartsStrictlyAfterTheGivenSeqAndRespectsTheLimit() {
        List<Long> seqs = appendMany(10);

        assertThat(log.after(seqs.get(2), 3)).extracting(EventLog.Stored::seq)
                .containsExactly(seqs.get(3), seqs.get(4), seqs.get(5));
        assertThat(log.after(seqs.get(9), 3)).isEmpty();
        assertThat(log.after(seqs.get(9) + 1000, 3)).isEmpty();
    }

    @Test
    void olderRangesComeFromTheDatabaseWithoutGapsOrDuplicates() {
        int count = RECENT + 500;
        List<Long> seqs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            seqs.add(append(i));
            if (i % 97 == 0) {
                log.emitTransient("heartbeat", Map.of()); // gaps in the seq space
            }
        }
        long lastEvicted = seqs.get(count - RECENT - 1);
        long firstInMemory = seqs.get(count - RECENT);
        long nearBoundary = seqs.get(count - RECENT - 30);

        // (start, page): from the database only, across the boundary into memory, and from memory only
        long[][] reads = {
            {0, 10_000}, {0, 256}, {seqs.get(1), 256}, {seqs.get(250), 999},
            {nearBoundary, 7}, {nearBoundary, 256}, {lastEvicted - 1, 1_000}, {lastEvicted, 10_000}, {lastEvicted, 7},
            {firstInMemory, 256}, {seqs.get(count - 200), 1}, {seqs.get(count - 2), 1}, {seqs.get(count - 1), 5},
        };
        for (long[] read : reads) {
            long from = read[0];
            int page = (int) read[1];
            List<Long> expected = seqs.stream().filter(s -> s > from).toList();
            assertThat(readAll(from, page)).extracting(EventLog.Stored::seq)
                    .as("after %d, pages of %d", from, page)
                    .containsExactlyElementsOf(expected);
        }

        String fromDatabase = log.after(lastEvicted - 1, 2).get(1).json();
        String fromMemory = log.after(lastEvicted, 1).get(0).json();
        assertThat(seqOf(fromMemory)).isEqualTo(firstInMemory);
        assertThat(fromDatabase).as("the same event read from the database and from memory").isEqualTo(fromMemory);
    }

    @Test
    void emitTransientTakesASeqButIsNeverReturnedByAfter() {
        long before = append(1);
        List<String> heard = new CopyOnWriteArrayList<>();
        log.addListener(new EventLog.Listener() {
            @Override
            public void appended(long seq) {
            }

            @Override
            public void transientEvent(long seq, String json) {
                heard.add(json);
            }
        });

        String heartbeat = log.emitTransient("heartbeat", Map.of("cpu", 1.5));
        long transientSeq = seqOf(heartbeat);
        long after = append(2);

        assertThat(transientSeq).isGreaterThan(before);
        assertThat(after).isGreaterThan(transientSeq);
        assertThat(heard).containsExactly(heartbeat);
        assertThat(heartbeat).contains("\"type\":\"heartbeat\"", "\"node\":\"node-a\"", "\"cpu\":1.5");
        assertThat(log.after(0, 100)).extracting(EventLog.Stored::seq).containsExactly(before, after);
        assertThat(log.after(before, 100)).extracting(EventLog.Stored::seq).containsExactly(after);
        assertThat(log.lastSeq()).isEqualTo(after);
    }

    @Test
    void transientSeqsAreStrictlyIncreasing() {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            seqs.add(seqOf(log.emitTransient("heartbeat", Map.of())));
            if (i % 3 == 0) {
                seqs.add(append(i));
            }
        }

        assertThat(seqs).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void listenersAreWokenOnAppendButNotForDuplicates() {
        List<Long> woken = new CopyOnWriteArrayList<>();
        EventLog.Listener listener = new EventLog.Listener() {
            @Override
            public void appended(long seq) {
                woken.add(seq);
                assertThat(log.after(seq - 1, 1)).as("the event is readable when its listener is woken")
                        .extracting(EventLog.Stored::seq).containsExactly(seq);
            }

            @Override
            public void transientEvent(long seq, String json) {
            }
        };
        log.addListener(listener);

        long a = log.record("SessionStarted", Map.of(), "event-1", (c, seq) -> null).seq();
        log.record("SessionStarted", Map.of(), "event-1", (c, seq) -> null);
        long b = append(2);
        log.removeListener(listener);
        append(3);

        assertThat(woken).containsExactly(a, b);
    }

    @Test
    void duplicateSourceIdReturnsTheFirstSeqAndSkipsTheExtraWork() {
        List<Long> extraRuns = new ArrayList<>();

        EventLog.Recorded<String> first = log.record("FileClosed", Map.of(), "id-1", (c, seq) -> {
            extraRuns.add(seq);
            return "job";
        });
        EventLog.Recorded<String> second = log.record("FileClosed", Map.of(), "id-1", (c, seq) -> {
            extraRuns.add(seq);
            return "job";
        });

        assertThat(first.duplicate()).isFalse();
        assertThat(first.extra()).isEqualTo("job");
        assertThat(second.duplicate()).isTrue();
        assertThat(second.seq()).isEqualTo(first.seq());
        assertThat(second.extra()).isNull();
        assertThat(extraRuns).containsExactly(first.seq());
        assertThat(log.after(0, 10)).hasSize(1);
    }

    @Test
    void failedExtraWorkRollsTheEventBack() {
        long before = append(1);

        assertThatThrownBy(() -> log.record("FileClosed", Map.of(), "id-2", (c, seq) -> {
            throw new SQLException("job insert failed");
        })).isInstanceOf(JournalException.class);
        assertThatThrownBy(() -> log.record("FileClosed", Map.of(), "id-3", (c, seq) -> {
            throw new IllegalStateException("bug");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(log.after(0, 10)).extracting(EventLog.Stored::seq).containsExactly(before);
        assertThat(log.lastSeq()).isEqualTo(before);
        EventLog.Recorded<Object> retried = log.record("FileClosed", Map.of(), "id-2", (c, seq) -> null);
        assertThat(retried.duplicate()).as("a rolled back event is not a duplicate").isFalse();
        assertThat(retried.seq()).isGreaterThan(before);
    }

    @Test
    void appendsWaitingBehindACommitAreCommittedTogetherAndAFailureStaysWithItsOwner() throws Exception {
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(7);
        try {
            // the first append holds its transaction open until five more are waiting behind it
            Future<EventLog.Recorded<Object>> first = pool.submit(() -> log.record("FileOpening", Map.of(), "first",
                    (c, seq) -> {
                        holding.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return null;
                    }));
            holding.await(10, TimeUnit.SECONDS);
            List<java.sql.Connection> connections = new CopyOnWriteArrayList<>();
            List<Thread> waiters = new CopyOnWriteArrayList<>();
            List<Future<EventLog.Recorded<Object>>> behind = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String id = i == 4 ? "twice" : "behind-" + i;   // "twice" twice: stored once
                int n = i;
                behind.add(pool.submit(() -> {
                    waiters.add(Thread.currentThread());
                    return log.record("FileClosed", Map.of("n", n), n == 3 ? "fails" : id, (c, seq) -> {
                        connections.add(c);
                        if (n == 3) {
                            throw new IllegalStateException("this one's job cannot be created");
                        }
                        return null;
                    });
                }));
            }
            Future<EventLog.Recorded<Object>> again = pool.submit(() -> {
                waiters.add(Thread.currentThread());
                return log.record("FileClosed", Map.of(), "twice", (c, seq) -> {
                    connections.add(c);
                    return null;
                });
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (waiters.size() < 6 || waiters.stream().anyMatch(t -> t.getState() != Thread.State.WAITING)) {
                assertThat(System.nanoTime()).as("six appends wait for the lock").isLessThan(deadline);
                Thread.sleep(5);
            }
            release.countDown();

            long firstSeq = first.get(10, TimeUnit.SECONDS).seq();
            List<Long> stored = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                if (i == 3) {
                    int n = i;
                    assertThatThrownBy(() -> behind.get(n).get(10, TimeUnit.SECONDS))
                            .hasCauseInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("this one's job cannot be created");
                } else {
                    stored.add(behind.get(i).get(10, TimeUnit.SECONDS).seq());
                }
            }
            EventLog.Recorded<Object> twice = again.get(10, TimeUnit.SECONDS);

            // of the two appends with the id "twice", whichever took the lock first is stored, the other is a duplicate
            EventLog.Recorded<Object> otherTwice = behind.get(4).get(10, TimeUnit.SECONDS);
            assertThat(List.of(twice.duplicate(), otherTwice.duplicate())).containsExactlyInAnyOrder(true, false);
            assertThat(twice.seq()).isEqualTo(otherTwice.seq());
            assertThat(connections).as("the five waiting appends ran in one transaction").hasSize(5)
                    .allSatisfy(c -> assertThat(c).isSameAs(connections.get(0)));
            assertThat(stored).contains(twice.seq());
            List<Long> expected = new ArrayList<>(List.of(firstSeq));
            expected.addAll(stored.stream().sorted().toList());
            assertThat(log.after(0, 100)).extracting(EventLog.Stored::seq).containsExactlyElementsOf(expected);
            List<Map<String, Object>> failed = JournalAccess.transaction(database.dataSource(),
                    c -> JournalAccess.query(c, "SELECT seq FROM event WHERE source_id = 'fails'"));
            assertThat(failed).as("the failed one is not stored").isEmpty();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void reopenedLogReadsOldEventsFromTheDatabaseAndContinuesAboveThem() {
        List<Long> old = appendMany(30);
        long transientSeq = seqOf(log.emitTransient("heartbeat", Map.of()));
        database.stop();

        database = new Database(data);
        log = new EventLog(database.dataSource(), "node-a", JSON);
        assertThat(log.lastSeq()).isEqualTo(old.get(old.size() - 1));
        List<Long> fresh = appendMany(5);

        assertThat(fresh.get(0)).isGreaterThan(transientSeq);
        List<Long> all = new ArrayList<>(old);
        all.addAll(fresh);
        assertThat(readAll(0, 7)).extracting(EventLog.Stored::seq).containsExactlyElementsOf(all);
        assertThat(readAll(old.get(10), 1000)).extracting(EventLog.Stored::seq)
                .containsExactlyElementsOf(all.subList(11, all.size()));
        assertThat(readAll(old.get(old.size() - 1), 2)).extracting(EventLog.Stored::seq)
                .containsExactlyElementsOf(fresh);
    }

    @Test
    void concurrentAppendsAreReadInSeqOrderWithoutGaps() throws Exception {
        int writers = 4;
        int each = 250;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            AtomicBoolean done = new AtomicBoolean();
            Semaphore woken = new Semaphore(0);
            log.addListener(new EventLog.Listener() {
                @Override
                public void appended(long seq) {
                    woken.release();
                }

                @Override
                public void transientEvent(long seq, String json) {
                }
            });
            List<Long> seen = new ArrayList<>();
            Future<?> reader = pool.submit(() -> {
                long cursor = 0;
                while (true) {
                    boolean finished = done.get();
                    List<EventLog.Stored> batch;
                    do {
                        batch = log.after(cursor, 64);
                        for (EventLog.Stored s : batch) {
                            seen.add(s.seq());
                            cursor = s.seq();
                        }
                    } while (!batch.isEmpty());
                    if (finished) {
                        return null;
                    }
                    woken.tryAcquire(50, TimeUnit.MILLISECONDS);
                }
            });
            List<Future<?>> writing = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writing.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        log.record("IsTranscode", Map.of("writer", writer, "i", i));
                        if (i % 50 == 0) {
                            log.emitTransient("heartbeat", Map.of());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : writing) {
                f.get(60, TimeUnit.SECONDS);
            }
            done.set(true);
            reader.get(60, TimeUnit.SECONDS);

            List<Long> stored = log.after(0, 100_000).stream().map(EventLog.Stored::seq).toList();
            assertThat(stored).hasSize(writers * each).isSorted().doesNotHaveDuplicates();
            assertThat(seen).containsExactlyElementsOf(stored);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyStoredEventIsInTheDatabaseTable() {
        List<Long> seqs = appendMany(12);

        List<Long> rows = JournalAccess.transaction(database.dataSource(),
                c -> JournalAccess.query(c, "SELECT seq FROM event ORDER BY seq")).stream()
                .map(r -> ((Number) r.get("seq")).longValue()).toList();

        assertThat(rows).containsExactlyElementsOf(seqs);
    }
}
