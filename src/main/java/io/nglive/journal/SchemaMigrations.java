package io.nglive.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database's schema to this version's: the SQL files {@code <folder>/1.sql}, {@code 2.sql}... on the class
 * path, each applied once, in order, and recorded in {@code schema_version}. On PostgreSQL all pending files go in one
 * transaction under an advisory lock; HSQLDB commits each statement, so its files must bear running twice. Why not
 * Flyway or Liquibase: docs/architecture.md, "Schema".
 */
public final class SchemaMigrations {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);
    /** pg_advisory_xact_lock's key for migrations: any fixed number, the same in every nglive. */
    private static final long LOCK_KEY = 0x6e676c697665L;   // "nglive"

    private SchemaMigrations() {
    }

    /**
     * Applies the files of {@code folder} the database has not had yet.
     *
     * @param what the database as errors name it
     * @return the schema's version now
     * @throws IllegalStateException when a file cannot be applied, or the database is newer than this nglive
     */
    public static int apply(DataSource dataSource, String folder, String what) {
        List<String> files = files(folder);
        try (Connection c = dataSource.getConnection()) {
            boolean postgres = JournalAccess.postgres(c);
            c.setAutoCommit(!postgres);
            try (Statement s = c.createStatement()) {
                if (postgres) {
                    s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                }
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, "
                        + "description VARCHAR(1000) NOT NULL, applied VARCHAR(40) NOT NULL)");
                int current = current(c);
                if (current > files.size()) {
                    throw new IllegalStateException("the " + what + " is at schema version " + current
                            + ", newer than this nglive's (" + files.size() + "): run the nglive that upgraded it, or a "
                            + "newer one");
                }
                for (int version = current + 1; version <= files.size(); version++) {
                    String file = files.get(version - 1);
                    String name = folder + "/" + version + ".sql";
                    List<String> statements;
                    try {
                        statements = statements(file);
                    } catch (IllegalStateException e) {
                        throw new IllegalStateException(name + ": " + e.getMessage(), e);
                    }
                    for (String statement : statements) {
                        try {
                            s.execute(statement);
                        } catch (SQLException e) {
                            throw new SQLException(name + ": " + e.getMessage() + " in: " + statement,
                                    e.getSQLState(), e);
                        }
                    }
                    JournalAccess.update(c, "INSERT INTO schema_version (version, description, applied) "
                            + "VALUES (?, ?, ?)", version, description(file), Instant.now().toString());
                    LOG.info("{}: schema version {} ({})", what, version, description(file));
                }
                if (postgres) {
                    c.commit();
                }
                return files.size();
            } catch (SQLException | RuntimeException e) {
                if (postgres) {
                    try {
                        c.rollback();
                    } catch (SQLException rollback) {
                        e.addSuppressed(rollback);
                    }
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot bring the " + what + "'s schema up to date: " + e.getMessage(), e);
        }
    }

    private static int current(Connection c) throws SQLException {
        Object version = JournalAccess.query(c, "SELECT MAX(version) AS version FROM schema_version").get(0)
                .get("version");
        return version == null ? 0 : ((Number) version).intValue();
    }

    /** The files 1.sql, 2.sql, ... up to the first number that has none. */
    static List<String> files(String folder) {
        List<String> files = new ArrayList<>();
        ClassLoader loader = SchemaMigrations.class.getClassLoader();
        while (true) {
            try (InputStream in = loader.getResourceAsStream(folder + "/" + (files.size() + 1) + ".sql")) {
                if (in == null) {
                    if (files.isEmpty()) {
                        throw new IllegalStateException("no migrations under " + folder + " on the class path");
                    }
                    if (loader.getResource(folder + "/" + (files.size() + 2) + ".sql") != null) {
                        throw new IllegalStateException(folder + " has no " + (files.size() + 1) + ".sql but a "
                                + (files.size() + 2) + ".sql: the files are numbered without a gap");
                    }
                    return files;
                }
                files.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + folder + ": " + e.getMessage(), e);
            }
        }
    }

    /** The statements of a file: each ends with ';' at the end of a line; lines starting with "--" are comments. */
    static List<String> statements(String file) {
        List<String> statements = new ArrayList<>();
        StringBuilder statement = new StringBuilder();
        for (String line : file.split("\r?\n")) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            statement.append(line).append('\n');
            if (line.stripTrailing().endsWith(";")) {
                String text = statement.toString().strip();
                statements.add(text.substring(0, text.length() - 1));
                statement.setLength(0);
            }
        }
        if (!statement.toString().isBlank()) {
            throw new IllegalStateException("a statement does not end with ';': " + statement.toString().strip());
        }
        return statements;
    }

    /** The first comment line, without its dashes: what the file does. */
    private static String description(String file) {
        return file.lines().filter(line -> line.startsWith("--")).findFirst()
                .map(line -> line.substring(2).strip()).orElse("");
    }
}
