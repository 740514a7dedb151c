package io.nglive.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.cluster.ClusterDatabase;
import io.nglive.journal.FastTempDir;
import io.nglive.testing.ClusterBackend;
import io.nglive.testing.OnBothDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The outbox (EventLog, Cursors, OutboxRetention) on the central server's database, embedded or PostgreSQL. */
class CentralOutboxTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(factory = FastTempDir.class)
    Path data;

    Supplier<ClusterDatabase> opener;
    ClusterDatabase database;
    EventLog log;

    private void open(ClusterBackend backend) {
        opener = backend.fresh(data);
        database = opener.get();
        log = new EventLog(database.dataSource(), "central", JSON);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private EventLog.Recorded<Object> nodeEvent(String sourceId) {
        return log.record("FileClosed", Map.of("roomId", 1), sourceId, (c, seq) -> null);
    }

    @OnBothDatabases
    void eventWithTheSameSourceIdIsStoredOnce(ClusterBackend backend) {
        open(backend);

        EventLog.Recorded<Object> first = nodeEvent("node-a:1");
        EventLog.Recorded<Object> again = nodeEvent("node-a:1");

        assertThat(again.duplicate()).isTrue();
        assertThat(again.seq()).isEqualTo(first.seq());
        assertThat(log.after(0, 10)).extracting(EventLog.Stored::seq).containsExactly(first.seq());
    }

    @OnBothDatabases
    void eventsAfterASeqComeBackInOrderAlsoAfterARestart(ClusterBackend backend) {
        open(backend);
        long one = nodeEvent("node-a:1").seq();
        long two = nodeEvent("node-a:2").seq();
        long three = nodeEvent("node-b:1").seq();
        database.stop();
        database = opener.get();

        log = new EventLog(database.dataSource(), "central", JSON);

        assertThat(log.lastSeq()).isEqualTo(three);
        assertThat(log.after(one, 10)).extracting(EventLog.Stored::seq).containsExactly(two, three);
        assertThat(log.after(0, 2)).extracting(EventLog.Stored::seq).containsExactly(one, two);
        assertThat(nodeEvent("node-a:2").duplicate()).isTrue();
    }

    @OnBothDatabases
    void transientEventTakesASeqBetweenStoredOnes(ClusterBackend backend) throws Exception {
        open(backend);
        long stored = nodeEvent("node-a:1").seq();

        long heartbeat = JSON.readTree(log.emitTransient("Heartbeat", Map.of())).get("seq").asLong();

        assertThat(heartbeat).isGreaterThan(stored);
        assertThat(nodeEvent("node-a:2").seq()).isGreaterThan(heartbeat);
    }

    @OnBothDatabases
    void consumerPositionStartsWhereItIsFirstAskedForAndNeverMovesBack(ClusterBackend backend) {
        open(backend);
        Cursors cursors = new Cursors(database.dataSource());

        assertThat(cursors.position("webhook", 7)).isEqualTo(7);
        cursors.advance("webhook", 9);
        cursors.advance("webhook", 8);

        assertThat(cursors.position("webhook", 0)).isEqualTo(9);
    }

    @OnBothDatabases
    void oldAcknowledgedEventsArePrunedAndTheLogRemembersHowFarAfterARestart(ClusterBackend backend) {
        open(backend);
        long one = nodeEvent("node-a:1").seq();
        long two = nodeEvent("node-a:2").seq();
        long three = nodeEvent("node-a:3").seq();
        Cursors cursors = new Cursors(database.dataSource());
        cursors.position("webhook", 0);
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(1)), ZoneOffset.UTC);
        OutboxRetention retention =
                new OutboxRetention(database.dataSource(), log, Duration.ofHours(1), List.of("webhook"), later, 1000);

        cursors.advance("webhook", one);
        assertThat(retention.prune().through()).isEqualTo(one);
        cursors.advance("webhook", two);
        assertThat(retention.prune().through()).isEqualTo(two);

        log = new EventLog(database.dataSource(), "central", JSON);
        assertThat(log.prunedThrough()).isEqualTo(two);
        assertThat(log.after(two, 10)).extracting(EventLog.Stored::seq).containsExactly(three);
        assertThatThrownBy(() -> log.after(0, 10)).isInstanceOf(EventsPruned.class);
    }
}
