package io.nglive.events;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.nglive.journal.JournalAccess;

/**
 * How far each consumer of the outbox has received it (the highest seq it acknowledged), kept in the journal so
 * that delivery goes on after a restart where it stopped: at least once, never skipping.
 */
public final class Cursors {

    private final DataSource dataSource;

    public Cursors(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The consumer's position; a consumer never seen before starts at {@code initial}, which is stored. */
    public long position(String consumer, long initial) {
        return JournalAccess.transaction(dataSource, c -> {
            List<Map<String, Object>> rows = JournalAccess.query(c, "SELECT acked FROM consumer WHERE name = ?", consumer);
            if (!rows.isEmpty()) {
                return ((Number) rows.get(0).get("acked")).longValue();
            }
            JournalAccess.update(c, "INSERT INTO consumer (name, acked) VALUES (?, ?)", consumer, initial);
            return initial;
        });
    }

    /** Everything up to {@code seq} reached the consumer; a position never moves back. */
    public void advance(String consumer, long seq) {
        JournalAccess.transaction(dataSource, c -> JournalAccess.update(c,
                "UPDATE consumer SET acked = GREATEST(acked, ?) WHERE name = ?", seq, consumer));
    }
}
