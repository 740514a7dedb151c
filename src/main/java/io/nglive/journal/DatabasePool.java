package io.nglive.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.apache.commons.dbcp2.BasicDataSource;

/**
 * The connection pool of the node's database and of the central server's: opened, waiting while another process's
 * lock may still lapse (or the server is still starting), with the schema created; and closed.
 * <p>
 * The pool (Commons DBCP) keeps each connection's prepared statements: HSQLDB compiles a statement again whenever
 * the last one prepared from the same SQL is closed, and that compilation was the largest part of a webhook's time
 * under the append lock.
 */
public final class DatabasePool {

    /** After a crash the previous process's lock file is only taken for stale once its heartbeat lapsed. */
    private static final long OPEN_TIMEOUT_MILLIS = 30_000;
    /** How long a database server may take to answer the check of a pooled connection before it is given up. */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);

    private DatabasePool() {
    }

    /**
     * @param driver  the driver class, or null to find it by the URL
     * @param schema  statements run on every open (CREATE ... IF NOT EXISTS)
     * @param what    the database as the errors name it
     */
    public static BasicDataSource open(String driver, String url, String user, String password, String[] schema,
                                       String what) {
        BasicDataSource pool = new BasicDataSource();
        if (driver != null) {
            pool.setDriverClassName(driver);
        }
        pool.setUrl(url);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setMaxTotal(8);
        pool.setMaxIdle(8);
        pool.setPoolPreparedStatements(true);
        pool.setMaxOpenPreparedStatements(200);
        if (!inProcess(url)) {
            // DBCP checks a connection before it hands it out (JDBC 4 isValid), so that one a restart of the server
            // left dead is dropped; without a timeout that check waits for ever on a server that stopped answering
            pool.setValidationQueryTimeout(CHECK_TIMEOUT);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            // a client frozen inside a transaction (a paused JVM, a lost network) loses it after 5 s instead of holding
            // its locks, such as the leader's term that a new leader waits for; and an answer that never comes is given
            // up after a minute instead of holding a thread for ever
            pool.addConnectionProperty("options", "-c idle_in_transaction_session_timeout=5000");
            pool.addConnectionProperty("socketTimeout", "60");
        }
        waitForIt(pool, what);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            for (String ddl : schema) {
                s.execute(ddl);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the " + what + ": " + e.getMessage(), e);
        }
        return pool;
    }

    /** An HSQLDB in this process: its connections cannot be cut, nor its answer held up by a network. */
    private static boolean inProcess(String url) {
        return url.startsWith("jdbc:hsqldb:file:") || url.startsWith("jdbc:hsqldb:mem:");
    }

    private static void waitForIt(BasicDataSource pool, String what) {
        long deadline = System.currentTimeMillis() + OPEN_TIMEOUT_MILLIS;
        while (true) {
            try (Connection c = pool.getConnection()) {
                return;
            } catch (SQLException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("cannot open the " + what + ": " + e.getMessage(), e);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while the " + what + " was opening", e);
                }
            }
        }
    }

    /** Closes the pool; an embedded HSQLDB is shut down first, so that its files are left whole. */
    public static void close(BasicDataSource pool, boolean embedded) throws SQLException {
        if (pool.isClosed()) {
            return;
        }
        try {
            if (embedded) {
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                }
            }
        } finally {
            pool.close();
        }
    }
}
