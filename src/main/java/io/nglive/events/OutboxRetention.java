package io.nglive.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import io.nglive.journal.JournalAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the outbox from growing for ever ({@code nglive.events.retention}): an event is deleted once it is older
 * than the retention <em>and</em> every configured consumer (the event webhooks, the central server) has
 * acknowledged it; {@code /ws} subscribers, whose cursors are their own, are told what they missed instead
 * ({@link EventsPruned}). Events go in seq order, in batches of one transaction each, up to the first one that must
 * be kept. A consumer that has no position yet holds every event back (where it will start is not known), and a
 * position left by a consumer that is no longer configured holds nothing back; once events it had not received are
 * pruned, that position is forgotten, so that if it is configured again it starts like a new one.
 */
public final class OutboxRetention {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRetention.class);
    private static final int BATCH = 1000;

    /** What one {@link #prune()} did: events deleted, in how many transactions, and the highest pruned seq. */
    public record Pruned(int events, int batches, long through) {
    }

    private final DataSource dataSource;
    private final EventLog log;
    private final Duration retention;
    private final List<String> consumers;
    private final Clock clock;
    private final int batch;
    /** The last reason given for keeping old events, so that it is logged when it changes, not every period. */
    private String heldBackBy = "";

    /**
     * @param consumers the names of the consumers configured now, as in the {@code consumer} table ({@link Cursors})
     */
    public OutboxRetention(DataSource dataSource, EventLog log, Duration retention, List<String> consumers) {
        this(dataSource, log, retention, consumers, Clock.systemUTC(), BATCH);
    }

    OutboxRetention(DataSource dataSource, EventLog log, Duration retention, List<String> consumers, Clock clock,
                    int batch) {
        this.dataSource = dataSource;
        this.log = log;
        this.retention = retention;
        this.consumers = List.copyOf(consumers);
        this.clock = clock;
        this.batch = batch;
    }

    /** Deletes what may go (the {@code events-prune} route calls it every {@code nglive.events.prune-interval}). */
    public synchronized Pruned prune() {
        Instant cutoff = clock.instant().minus(retention);
        Map<String, Long> positions = positions();
        long acknowledged = Long.MAX_VALUE;
        String slowest = null;
        for (String consumer : consumers) {
            long acked = positions.getOrDefault(consumer, 0L);
            if (acked < acknowledged) {
                acknowledged = acked;
                slowest = consumer;
            }
        }
        int events = 0;
        int batches = 0;
        boolean keptForAConsumer = false;
        while (true) {
            List<Map<String, Object>> rows = JournalAccess.transaction(dataSource, c -> JournalAccess.query(c,
                    "SELECT seq, time FROM event WHERE seq > ? ORDER BY seq LIMIT ?", log.prunedThrough(), batch));
            long through = 0;
            boolean keep = false;
            for (Map<String, Object> row : rows) {
                long seq = ((Number) row.get("seq")).longValue();
                if (!stored(seq, (String) row.get("time")).isBefore(cutoff)) {
                    keep = true;
                    break;
                }
                if (seq > acknowledged) {
                    keep = true;
                    keptForAConsumer = true;
                    break;
                }
                through = seq;
            }
            if (through > 0) {
                events += log.prune(through);
                batches++;
            }
            if (keep || rows.size() < batch) {
                break;
            }
        }
        if (events > 0) {
            LOG.info("outbox: pruned {} events up to seq {} in {} transactions (older than {} and acknowledged by "
                    + "every consumer)", events, log.prunedThrough(), batches, shown(retention));
        }
        reportHeldBack(keptForAConsumer ? slowest : "", acknowledged);
        forgetUnconfiguredBehind(positions);
        return new Pruned(events, batches, log.prunedThrough());
    }

    private Map<String, Long> positions() {
        Map<String, Long> positions = new HashMap<>();
        JournalAccess.transaction(dataSource, c -> JournalAccess.query(c, "SELECT name, acked FROM consumer"))
                .forEach(row -> positions.put((String) row.get("name"), ((Number) row.get("acked")).longValue()));
        return positions;
    }

    private static Instant stored(long seq, String time) {
        try {
            return OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("event " + seq + " has an unreadable time '" + time + "'", e);
        }
    }

    private void reportHeldBack(String consumer, long acked) {
        if (!consumer.isEmpty() && !consumer.equals(heldBackBy)) {
            LOG.info("outbox: events older than {} are kept until {} has them (it acknowledged up to seq {})",
                    shown(retention), consumer, acked);
        }
        heldBackBy = consumer;
    }

    /** 168h, 1h30m, 2s: as the setting is written, not PT168H. */
    private static String shown(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private void forgetUnconfiguredBehind(Map<String, Long> positions) {
        long pruned = log.prunedThrough();
        positions.forEach((consumer, acked) -> {
            if (!consumers.contains(consumer) && acked < pruned) {
                JournalAccess.transaction(dataSource, c -> JournalAccess.update(c,
                        "DELETE FROM consumer WHERE name = ? AND acked < ?", consumer, pruned));
                LOG.info("outbox: forgot the position of {}, which is no longer configured and missed pruned events "
                        + "(configured again, it starts with the events that come after that start)", consumer);
            }
        });
    }
}
