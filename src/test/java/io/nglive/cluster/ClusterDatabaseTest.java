package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import io.nglive.journal.JournalAccess;
import io.nglive.testing.PostgresServer;
import org.junit.jupiter.api.Test;

class ClusterDatabaseTest {

    @Test
    void aConnectionLeftInThePoolAcrossARestartOfPostgresqlIsNotHandedOut() throws Exception {
        try (PostgresServer postgres = PostgresServer.startOwn()) {
            ClusterDatabase database = new ClusterDatabase(postgres.freshSchemaUrl(), PostgresServer.USER, "");
            database.start();
            try {
                // several connections, left idle in the pool
                List<Connection> open = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    open.add(database.dataSource().getConnection());
                }
                for (Connection c : open) {
                    c.close();
                }
                postgres.stop();
                postgres.start();

                for (int i = 0; i < 4; i++) {
                    assertThat(JournalAccess.transaction(database.dataSource(), c -> JournalAccess.query(c,
                            "SELECT COUNT(*) AS nodes FROM cluster_node")).get(0).get("nodes"))
                            .as("transaction %d after the restart", i + 1).isEqualTo(0L);
                }
            } finally {
                database.stop();
            }
        }
    }

    @Test
    void aTransactionLeftIdleOnPostgresqlIsEndedByTheServerSoItsLocksGo() throws Exception {
        ClusterDatabase database = new ClusterDatabase(PostgresServer.shared().freshSchemaUrl(), PostgresServer.USER,
                "");
        try (Connection frozen = database.dataSource().getConnection()) {
            frozen.setAutoCommit(false);
            try (var s = frozen.createStatement()) {
                s.executeQuery("SELECT term FROM cluster_leader WHERE id = 1 FOR UPDATE").close();
            }
            // another client waits for the row no longer than the server's idle-in-transaction limit (5 s)
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(15),
                    () -> JournalAccess.transaction(database.dataSource(), c -> JournalAccess.update(c,
                            "UPDATE cluster_leader SET term = term + 1 WHERE id = 1")));
        } catch (java.sql.SQLException closedByTheServer) {
            // closing the frozen connection finds it ended by the server: expected
        } finally {
            database.stop();
        }
    }
}
