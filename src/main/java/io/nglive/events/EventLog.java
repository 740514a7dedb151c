package io.nglive.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.journal.JournalAccess;

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
    /** Characters of JSON held in {@link #recent} at most, whatever the events' sizes: older ones are read back. */
    static final long RECENT_CHARS = 4_000_000;

    private final DataSource dataSource;
    private final String node;
    private final ObjectMapper json;
    private final ReentrantLock appendLock = new ReentrantLock();
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
     * transaction; the subscribers are woken after the commit.
     */
    public <T> Recorded<T> record(String type, Map<String, Object> fields, String sourceId, InTransaction<T> extra) {
        Recorded<T> recorded;
        String body;
        appendLock.lock();
        try {
            Object[] holder = new Object[1];
            recorded = JournalAccess.transaction(dataSource, c -> {
                if (sourceId != null) {
                    List<Map<String, Object>> existing =
                            JournalAccess.query(c, "SELECT seq FROM event WHERE source_id = ?", sourceId);
                    if (!existing.isEmpty()) {
                        return new Recorded<T>(((Number) existing.get(0).get("seq")).longValue(), true, null);
                    }
                }
                long seq = JournalAccess.nextValue(c, "event_seq");
                String text = serialise(type, seq, fields);
                holder[0] = text;
                JournalAccess.update(c, "INSERT INTO event (seq, type, time, source_id, body) VALUES (?, ?, ?, ?, ?)",
                        seq, type, OffsetDateTime.now().toString(), sourceId, text);
                return new Recorded<>(seq, false, extra.run(c, seq));
            });
            if (recorded.duplicate()) {
                return recorded;
            }
            body = (String) holder[0];
            remember(new Stored(recorded.seq(), body));
            lastSeq = recorded.seq();
        } finally {
            appendLock.unlock();
        }
        for (Listener l : listeners) {
            l.appended(recorded.seq());
        }
        return recorded;
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
        String text = serialise(type, seq, fields);
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

    private String serialise(String type, long seq, Map<String, Object> fields) {
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
