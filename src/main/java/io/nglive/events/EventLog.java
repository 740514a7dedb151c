package io.nglive.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.journal.JournalAccess;
import io.nglive.journal.JournalException;

/**
 * The outbox: every event nglive emits is stored here with a {@code seq} that only grows, before anyone hears of
 * it. Subscribers (the WebSocket, the central channel, the event webhooks) are cursors over this log: they are
 * woken on every append and read what comes after their cursor, so nothing is skipped and a slow reader only lags.
 * Appends are serialised so that commit order equals seq order, which is what makes a cursor safe. Old events that
 * every consumer has are pruned ({@link OutboxRetention}); a reader behind them is told ({@link EventsPruned}).
 */
public final class EventLog {

    /** Woken after an event was stored, or given a transient event (heartbeat) that is never stored. */
    public interface Listener {
        void appended(long seq);

        void transientEvent(long seq, String json);
    }

    /** The result of {@link #record}: the event's seq, whether it was a duplicate, and the extra work's result. */
    public record Recorded<T>(long seq, boolean duplicate, T extra) {
    }

    /** Work done in the same transaction as the event insert, given the event's seq. */
    public interface InTransaction<T> {
        T run(Connection c, long seq) throws SQLException;
    }

    private static final int RECENT = 4096;
    private static final int MAX_BATCH = 256;
    private static final long WRITER_IDLE_MILLIS = 1000;
    /** Characters of JSON held in {@link #recent} at most, whatever the events' sizes: older ones are read back. */
    static final long RECENT_CHARS = 4_000_000;

    private final DataSource dataSource;
    private final String node;
    private final ObjectMapper json;
    private final ReentrantLock appendLock = new ReentrantLock();
    /** Appends waiting for the writer thread's next commit (see {@link #record}). */
    private final BlockingQueue<Append<?>> waiting = new LinkedBlockingQueue<>();
    /** Whether the writer thread runs; it ends after {@link #WRITER_IDLE_MILLIS} without work. Guarded by waiting. */
    private boolean writing;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Stored> recent = new ArrayDeque<>();
    private long recentChars;
    /** Every stored event with a seq above this one is in {@link #recent}. */
    private long recentCoversAfter;
    private volatile long lastSeq;
    /** Every event up to this seq was pruned; raised before the rows are deleted, so a reader cannot miss a prune. */
    private volatile long prunedThrough;

    /** A stored event: its seq and its JSON text as sent to subscribers. */
    public record Stored(long seq, String json) {
    }

    public EventLog(DataSource dataSource, String node, ObjectMapper json) {
        this.dataSource = dataSource;
        this.node = node;
        this.json = json;
        this.prunedThrough = JournalAccess.transaction(dataSource, c -> JournalAccess.query(c,
                "SELECT value FROM installation WHERE name = 'pruned-through'").stream()
                .map(row -> Long.parseLong((String) row.get("value"))).findFirst().orElse(0L));
        long newest = JournalAccess.transaction(dataSource,
                c -> JournalAccess.query(c, "SELECT COALESCE(MAX(seq), 0) AS m FROM event").get(0).get("m") instanceof Number n
                        ? n.longValue() : 0L);
        // when every event was pruned the table is empty, but the newest seq is still the last one pruned
        this.lastSeq = Math.max(newest, prunedThrough);
        this.recentCoversAfter = lastSeq;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** Stores an event and wakes the subscribers; returns its seq. */
    public long record(String type, Map<String, Object> fields) {
        return record(type, fields, null, (c, seq) -> null).seq();
    }

    /**
     * Stores an event unless one with the same {@code sourceId} is already stored, running {@code extra} in the same
     * transaction; returns once it is committed, and the subscribers are woken after the commit.
     * <p>
     * One writer thread commits the events: all that arrived while it committed the previous ones go into one
     * transaction and one disk sync (group commit), each in a savepoint of its own, so one whose {@code extra} fails
     * fails alone. Every caller returns only after the commit that holds its event, and commit order is seq order.
     *
     * @throws RuntimeException what {@code extra} threw, or a {@link io.nglive.journal.JournalException} when the
     *                          database failed
     */
    public <T> Recorded<T> record(String type, Map<String, Object> fields, String sourceId, InTransaction<T> extra) {
        return recordFor(node, type, fields, sourceId, extra);
    }

    /** {@link #record} of an event another node emitted (the central server stores its nodes' events so). */
    public <T> Recorded<T> recordFor(String node, String type, Map<String, Object> fields, String sourceId,
                                     InTransaction<T> extra) {
        Append<T> append = new Append<>(node, type, fields, sourceId, extra);
        synchronized (waiting) {
            waiting.add(append);
            if (!writing) {
                writing = true;
                Thread writer = new Thread(this::write, "nglive-outbox-writer");
                writer.setDaemon(true);
                writer.start();
            }
        }
        append.committed.join();
        if (append.failure != null) {
            throw append.failure;
        }
        if (!append.recorded.duplicate()) {
            for (Listener l : listeners) {
                l.appended(append.recorded.seq());
            }
        }
        return append.recorded;
    }

    /** The writer thread: commits what waits, in batches, until nothing came for a while. */
    private void write() {
        List<Append<?>> batch = new ArrayList<>();
        while (true) {
            Append<?> first;
            try {
                first = waiting.poll(WRITER_IDLE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                synchronized (waiting) {
                    if (waiting.isEmpty()) {
                        writing = false;
                        return;
                    }
                }
                continue;
            }
            batch.add(first);
            waiting.drainTo(batch, MAX_BATCH - 1);
            appendLock.lock();
            try {
                commit(batch);
            } finally {
                appendLock.unlock();
                batch.forEach(Append::finish);
                batch.clear();
            }
        }
    }

    /** Commits {@code batch} in one transaction; never throws: a failure is each append's to report. */
    private void commit(List<Append<?>> batch) {
        try {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    for (Append<?> a : batch) {
                        a.runIn(c);
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
            for (Append<?> a : batch) {
                if (a.failure == null && !a.recorded.duplicate()) {
                    remember(new Stored(a.recorded.seq(), a.json));
                    lastSeq = a.recorded.seq();
                }
            }
        } catch (SQLException | RuntimeException e) {
            for (Append<?> a : batch) {
                a.failWith(e);
            }
        } catch (Error e) {
            // out of memory: nothing of the batch is known to be stored, and each caller hears so
            batch.forEach(a -> a.failWith(new IllegalStateException("the event was not stored: " + e, e)));
        }
    }

    /**
     * Sends an event that is not stored (heartbeats). It still takes a seq, under the append lock, so that every
     * stored event with a smaller seq is already committed when subscribers see it.
     */
    public String emitTransient(String type, Map<String, Object> fields) {
        long seq;
        appendLock.lock();
        try {
            seq = JournalAccess.transaction(dataSource, c -> {
                long next = JournalAccess.nextValue(c, "event_seq");
                JournalAccess.update(c, "UPDATE event_transient SET seq = ? WHERE id = 1", next);
                return next;
            });
        } finally {
            appendLock.unlock();
        }
        String text = serialise(node, type, seq, fields);
        for (Listener l : listeners) {
            l.transientEvent(seq, text);
        }
        return text;
    }

    /**
     * Up to {@code limit} stored events with a seq above {@code seq}, in order.
     *
     * @throws EventsPruned when events after {@code seq} were pruned: the reader must say so and go on after
     *                      {@link EventsPruned#prunedThrough()}, never skip them silently
     */
    public List<Stored> after(long seq, int limit) {
        requireNotPrunedAfter(seq);
        List<Stored> out = read(seq, limit);
        // a prune that ran during the read raised prunedThrough before deleting anything
        requireNotPrunedAfter(seq);
        return out;
    }

    /** The highest seq pruned from the outbox (0 when none): any events after {@code N} up to it are gone. */
    public long prunedThrough() {
        return prunedThrough;
    }

    /**
     * Deletes every stored event up to {@code through} in one transaction and remembers {@code through} durably as
     * {@link #prunedThrough()}. {@link OutboxRetention} decides what may go.
     *
     * @return how many events were deleted
     */
    int prune(long through) {
        synchronized (recent) {
            if (through <= prunedThrough) {
                return 0;
            }
            prunedThrough = through;
            while (!recent.isEmpty() && recent.peekFirst().seq() <= through) {
                recentChars -= recent.removeFirst().json().length();
            }
            recentCoversAfter = Math.max(recentCoversAfter, through);
        }
        return JournalAccess.transaction(dataSource, c -> {
            int deleted = JournalAccess.update(c, "DELETE FROM event WHERE seq <= ?", through);
            JournalAccess.update(c, "MERGE INTO installation USING (VALUES ('pruned-through', CAST(? AS VARCHAR(200)))) "
                    + "AS v (name, value) ON installation.name = v.name WHEN MATCHED THEN UPDATE SET value = v.value "
                    + "WHEN NOT MATCHED THEN INSERT VALUES (v.name, v.value)", String.valueOf(through));
            return deleted;
        });
    }

    private void requireNotPrunedAfter(long seq) {
        long pruned = prunedThrough;
        if (pruned > seq) {
            throw new EventsPruned(seq, pruned);
        }
    }

    private List<Stored> read(long seq, int limit) {
        synchronized (recent) {
            if (seq >= recentCoversAfter) {
                List<Stored> out = new ArrayList<>();
                for (Stored s : recent) {
                    if (s.seq() > seq) {
                        out.add(s);
                        if (out.size() == limit) {
                            break;
                        }
                    }
                }
                return out;
            }
        }
        return JournalAccess.transaction(dataSource, c -> {
            List<Stored> out = new ArrayList<>();
            for (Map<String, Object> row : JournalAccess.query(c,
                    "SELECT seq, body FROM event WHERE seq > ? ORDER BY seq LIMIT ?", seq, limit)) {
                out.add(new Stored(((Number) row.get("seq")).longValue(), (String) row.get("body")));
            }
            return out;
        });
    }

    /** The seq of the last stored event (0 when none). */
    public long lastSeq() {
        return lastSeq;
    }

    public String node() {
        return node;
    }

    private void remember(Stored stored) {
        synchronized (recent) {
            recent.addLast(stored);
            recentChars += stored.json().length();
            while (recent.size() > RECENT || recentChars > RECENT_CHARS) {
                Stored oldest = recent.removeFirst();
                recentChars -= oldest.json().length();
                recentCoversAfter = oldest.seq();
            }
        }
    }

    /** One caller's event, waiting to be committed with whatever else waits; written by the writer thread only. */
    private final class Append<T> {
        private final String node;
        private final String type;
        private final Map<String, Object> fields;
        private final String sourceId;
        private final InTransaction<T> extra;
        private Recorded<T> recorded;
        private String json;
        private RuntimeException failure;
        private final CompletableFuture<Void> committed = new CompletableFuture<>();

        Append(String node, String type, Map<String, Object> fields, String sourceId, InTransaction<T> extra) {
            this.node = node;
            this.type = type;
            this.fields = fields;
            this.sourceId = sourceId;
            this.extra = extra;
        }

        /** Inserts the event and runs its extra work in a savepoint of {@code c}: a failure undoes this one only. */
        void runIn(Connection c) throws SQLException {
            Savepoint savepoint = c.setSavepoint();
            try {
                if (sourceId != null) {
                    List<Map<String, Object>> existing =
                            JournalAccess.query(c, "SELECT seq FROM event WHERE source_id = ?", sourceId);
                    if (!existing.isEmpty()) {
                        recorded = new Recorded<>(((Number) existing.get(0).get("seq")).longValue(), true, null);
                        return;
                    }
                }
                long seq = JournalAccess.nextValue(c, "event_seq");
                json = serialise(node, type, seq, fields);
                JournalAccess.update(c, "INSERT INTO event (seq, type, time, source_id, body) VALUES (?, ?, ?, ?, ?)",
                        seq, type, OffsetDateTime.now().toString(), sourceId, json);
                recorded = new Recorded<>(seq, false, extra.run(c, seq));
            } catch (SQLException | RuntimeException e) {
                c.rollback(savepoint);
                recorded = null;
                failure = e instanceof RuntimeException r ? r : new JournalException((SQLException) e);
            }
        }

        /** The commit of the whole batch failed: this one too, unless it had already failed alone. */
        void failWith(Exception cause) {
            if (failure == null) {
                failure = cause instanceof SQLException e ? new JournalException(e) : (RuntimeException) cause;
                recorded = null;
            }
        }

        /** Wakes the caller; what the writer thread wrote is visible to it from here on. */
        void finish() {
            if (failure == null && recorded == null) {
                failure = new IllegalStateException("the event was not stored: its commit stopped");
            }
            committed.complete(null);
        }
    }

    private String serialise(String node, String type, long seq, Map<String, Object> fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("seq", seq);
        event.put("time", OffsetDateTime.now().toString());
        event.put("node", node);
        fields.forEach(event::putIfAbsent);
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + type + " cannot be written as JSON: " + e.getMessage(), e);
        }
    }
}
