package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nglive.journal.JournalAccess;
import io.nglive.journal.JournalException;
import io.nglive.testing.PostgresServer;

/** The leader's term on a real PostgreSQL: an old leader's transactions write nothing once a new one took the lead. */
class LeaderFenceTest {

    private ClusterDatabase database;

    @BeforeEach
    void open() {
        database = new ClusterDatabase(PostgresServer.shared().freshSchemaUrl(), PostgresServer.USER, "");
    }

    @AfterEach
    void close() throws Exception {
        database.stop();
    }

    @Test
    void eachTakeoverTakesTheNextTermAndNamesItsLeader() {
        LeaderFence first = LeaderFence.take(database.dataSource(), "10.0.0.1:8100", () -> { });
        LeaderFence second = LeaderFence.take(database.dataSource(), "10.0.0.2:8100", () -> { });

        assertThat(second.term()).isEqualTo(first.term() + 1);
        assertThat(rows("SELECT term, leader FROM cluster_leader"))
                .containsExactly(Map.of("term", second.term(), "leader", "10.0.0.2:8100"));
    }

    @Test
    void anOldLeadersTransactionWritesNothingAndSaysWhy() {
        AtomicInteger fenced = new AtomicInteger();
        LeaderFence old = LeaderFence.take(database.dataSource(), "10.0.0.1:8100", fenced::incrementAndGet);
        JournalAccess.transaction(old, c -> JournalAccess.update(c, "INSERT INTO installation (name, value) "
                + "VALUES ('before', 'old leader')"));

        LeaderFence.take(database.dataSource(), "10.0.0.2:8100", () -> { });

        assertThatThrownBy(() -> JournalAccess.transaction(old, c -> JournalAccess.update(c,
                "INSERT INTO installation (name, value) VALUES ('after', 'old leader')")))
                .isInstanceOf(JournalException.class)
                .hasMessageContaining("this central instance no longer leads: the leader's term is " + (old.term() + 1)
                        + ", this instance's was " + old.term());
        assertThat(fenced).hasValue(1);
        assertThat(rows("SELECT name FROM installation ORDER BY name")).containsExactly(Map.of("name", "before"));
    }

    @Test
    void aTakeoverWaitsForTheOldLeadersTransactionInHandSoNoneSpansIt() throws Exception {
        LeaderFence old = LeaderFence.take(database.dataSource(), "10.0.0.1:8100", () -> { });
        CountDownLatch inTransaction = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Integer> oldWrite = CompletableFuture.supplyAsync(() -> JournalAccess.transaction(old, c -> {
            inTransaction.countDown();
            waitFor(finish);
            return JournalAccess.update(c, "INSERT INTO installation (name, value) VALUES ('late', 'old leader')");
        }));
        assertThat(inTransaction.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<LeaderFence> takeover = CompletableFuture.supplyAsync(
                () -> LeaderFence.take(database.dataSource(), "10.0.0.2:8100", () -> { }));
        // the takeover's UPDATE is waiting for the row lock (not merely not scheduled yet)
        await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) rows(
                "SELECT COUNT(*) AS n FROM pg_locks WHERE NOT granted").get(0).get("n")).longValue() > 0);
        assertThat(takeover).as("the new term waits for the transaction that read the old one").isNotDone();

        finish.countDown();
        assertThat(oldWrite.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(takeover.get(10, TimeUnit.SECONDS).term()).isEqualTo(old.term() + 1);
    }

    private List<Map<String, Object>> rows(String sql) {
        return JournalAccess.transaction(database.dataSource(), c -> JournalAccess.query(c, sql));
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
