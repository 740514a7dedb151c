package io.nglive.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.nglive.journal.JournalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The cluster database failing under the one-second watch: logged when it starts, once a minute, and when it ends. */
final class DatabaseOutage {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseOutage.class);
    static final Duration REMINDER = Duration.ofMinutes(1);

    private final Clock clock;
    private Instant since;
    private Instant told;

    DatabaseOutage(Clock clock) {
        this.clock = clock;
    }

    /** The watch failed on the database; it tries again in a second. */
    synchronized void failed(JournalException e) {
        Instant now = clock.instant();
        if (since == null) {
            since = now;
            told = now;
            LOG.warn("the cluster database failed ({}): the watch (lost nodes, placement, heartbeats) tries again every "
                    + "second, and no node's event is acknowledged before it is stored", e.getMessage());
        } else if (Duration.between(told, now).compareTo(REMINDER) >= 0) {
            told = now;
            LOG.warn("the cluster database has been failing for {} s ({})", Duration.between(since, now).toSeconds(),
                    e.getMessage());
        }
    }

    /** The watch went through: an outage, if there was one, is over. */
    synchronized void passed() {
        if (since != null) {
            LOG.info("the cluster database works again, after {} s", Duration.between(since, clock.instant())
                    .toSeconds());
            since = null;
        }
    }
}
