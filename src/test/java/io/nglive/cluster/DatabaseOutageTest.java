package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;

import ch.qos.logback.classic.Level;
import io.nglive.journal.JournalException;
import io.nglive.testing.CapturedLog;
import org.junit.jupiter.api.Test;

class DatabaseOutageTest {

    private final ClusterStoreTest.TestClock clock = new ClusterStoreTest.TestClock();
    private final DatabaseOutage outage = new DatabaseOutage(clock);
    private final JournalException refused = new JournalException(new SQLException("Connection refused"));

    @Test
    void anOutageIsLoggedWhenItStartsOnceAMinuteWhileItLastsAndWhenItEnds() {
        try (CapturedLog log = new CapturedLog(DatabaseOutage.class.getName())) {
            outage.passed();
            for (int second = 0; second < 150; second++) {
                outage.failed(refused);
                clock.advance(Duration.ofSeconds(1));
            }
            outage.passed();
            outage.passed();

            assertThat(log.lines(Level.DEBUG)).containsExactly(
                    "WARN the cluster database failed (database error: Connection refused): the watch (lost nodes, "
                            + "placement, heartbeats) tries again every second, and no node's event is acknowledged "
                            + "before it is stored",
                    "WARN the cluster database has been failing for 60 s (database error: Connection refused)",
                    "WARN the cluster database has been failing for 120 s (database error: Connection refused)",
                    "INFO the cluster database works again, after 150 s");
        }
    }

    @Test
    void aSecondOutageIsLoggedAsNew() {
        try (CapturedLog log = new CapturedLog(DatabaseOutage.class.getName())) {
            outage.failed(refused);
            clock.advance(Duration.ofSeconds(5));
            outage.passed();
            clock.advance(Duration.ofSeconds(5));
            outage.failed(refused);
            outage.passed();

            assertThat(log.lines(Level.DEBUG)).hasSize(4).last().isEqualTo("INFO the cluster database works again, after 0 s");
        }
    }
}
