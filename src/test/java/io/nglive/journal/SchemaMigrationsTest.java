package io.nglive.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.nglive.testing.PostgresServer;

/** The schema's versioned SQL files on the embedded HSQLDB and on a real PostgreSQL. */
class SchemaMigrationsTest {

    enum Engine { HSQLDB, POSTGRESQL }

    @TempDir
    Path dir;

    private final List<BasicDataSource> pools = new ArrayList<>();

    @AfterEach
    void close() throws SQLException {
        for (BasicDataSource pool : pools) {
            DatabasePool.close(pool, pool.getUrl().startsWith("jdbc:hsqldb"));
        }
    }

    private BasicDataSource open(Engine engine) {
        String url = engine == Engine.HSQLDB ? "jdbc:hsqldb:file:" + dir.resolve("db") + ";hsqldb.tx=mvcc"
                : PostgresServer.shared().freshSchemaUrl();
        BasicDataSource pool = DatabasePool.open(null, url, engine == Engine.HSQLDB ? "SA" : PostgresServer.USER, "",
                new String[0], "test database");
        pools.add(pool);
        return pool;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aFreshDatabaseGetsEveryFileInOrderAndASecondRunChangesNothing(Engine engine) {
        BasicDataSource db = open(engine);

        assertThat(SchemaMigrations.apply(db, "db/two", "test database")).isEqualTo(2);
        assertThat(SchemaMigrations.apply(db, "db/two", "test database")).isEqualTo(2);

        assertThat(rows(db, "SELECT id, name, extra FROM first_table"))
                .containsExactly(Map.of("id", 1, "name", "one", "extra", 7));
        assertThat(rows(db, "SELECT version, description FROM schema_version ORDER BY version")).containsExactly(
                Map.of("version", 1, "description", "a table"), Map.of("version", 2, "description", "a column more"));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aDatabaseMadeBeforeMigrationsKeepsItsRowsAndGetsOnlyWhatItLacks(Engine engine) {
        BasicDataSource db = open(engine);
        JournalAccess.transaction(db, c -> {
            JournalAccess.update(c, "CREATE TABLE first_table (id INT PRIMARY KEY, name VARCHAR(20))");
            return JournalAccess.update(c, "INSERT INTO first_table (id, name) VALUES (5, 'kept')");
        });

        SchemaMigrations.apply(db, "db/two", "test database");

        assertThat(rows(db, "SELECT id, name, extra FROM first_table ORDER BY id")).containsExactly(
                Map.of("id", 1, "name", "one", "extra", 7), Map.of("id", 5, "name", "kept", "extra", 7));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aDatabaseNewerThanThisNgliveIsRefusedInWords(Engine engine) {
        BasicDataSource db = open(engine);
        SchemaMigrations.apply(db, "db/two", "test database");
        JournalAccess.transaction(db, c -> JournalAccess.update(c,
                "INSERT INTO schema_version (version, description, applied) VALUES (3, 'from the future', 'x')"));

        assertThatThrownBy(() -> SchemaMigrations.apply(db, "db/two", "test database"))
                .hasMessage("the test database is at schema version 3, newer than this nglive's (2): run the nglive that upgraded it, or a newer one");
    }

    @Test
    void onPostgresqlAFileThatFailsLeavesTheSchemaAsItWasAndNamesTheFile() throws SQLException {
        BasicDataSource db = open(Engine.POSTGRESQL);

        assertThatThrownBy(() -> SchemaMigrations.apply(db, "db/broken", "test database"))
                .hasMessageContaining("db/broken/2.sql: ").hasMessageContaining("CREATE TABLOID nonsense");

        assertThat(tables(db)).doesNotContain("first_table", "second_table", "schema_version");
    }

    @Test
    void onPostgresqlInstancesStartingTogetherTakeTurns() throws Exception {
        BasicDataSource db = open(Engine.POSTGRESQL);
        ExecutorService starts = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> versions = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                versions.add(starts.submit((Callable<Integer>) () -> SchemaMigrations.apply(db, "db/two", "db")));
            }
            for (Future<Integer> version : versions) {
                assertThat(version.get()).isEqualTo(2);
            }
        } finally {
            starts.shutdownNow();
        }
        assertThat(rows(db, "SELECT COUNT(*) AS n FROM schema_version")).containsExactly(Map.of("n", 2L));
        assertThat(rows(db, "SELECT COUNT(*) AS n FROM first_table")).containsExactly(Map.of("n", 1L));
    }

    @Test
    void statementsEndAtASemicolonEndingALineAndCommentsAreLeftOut() {
        assertThat(SchemaMigrations.statements("-- title\nCREATE TABLE a (x VARCHAR(9) DEFAULT ';');\n\n"
                + "INSERT INTO a (x)\n  VALUES ('b');\n")).containsExactly(
                "CREATE TABLE a (x VARCHAR(9) DEFAULT ';')", "INSERT INTO a (x)\n  VALUES ('b')");
        assertThatThrownBy(() -> SchemaMigrations.statements("CREATE TABLE a (x INT)\n"))
                .hasMessage("a statement does not end with ';': CREATE TABLE a (x INT)");
    }

    private static List<Map<String, Object>> rows(BasicDataSource db, String sql) {
        return JournalAccess.transaction(db, c -> JournalAccess.query(c, sql));
    }

    private static List<String> tables(BasicDataSource db) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            try (ResultSet rs = meta.getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return tables;
    }
}
