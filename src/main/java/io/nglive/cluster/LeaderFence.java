package io.nglive.cluster;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Instant;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.nglive.journal.JournalAccess;

/**
 * The leader's term in the shared database, and the fence it makes: each connection begins its transaction by reading
 * the term {@code FOR SHARE} and refuses to go on when a newer leader took the next one, so that a leader paused past
 * its session writes nothing when it runs again (docs/architecture.md, "Several instances").
 */
public final class LeaderFence implements DataSource {

    /** The old leader's transaction found a newer term. */
    public static final class Fenced extends SQLException {
        Fenced(long mine, long current) {
            super("this central instance no longer leads: the leader's term is " + current + ", this instance's was "
                    + mine);
        }
    }

    private final DataSource database;
    private final long term;
    private final Runnable onFenced;

    private LeaderFence(DataSource database, long term, Runnable onFenced) {
        this.database = database;
        this.term = term;
        this.onFenced = onFenced;
    }

    /**
     * Takes the next term for {@code address} and returns the database fenced with it.
     *
     * @param onFenced run when a transaction finds that another instance took a newer term
     */
    public static LeaderFence take(DataSource database, String address, Runnable onFenced) {
        long term = JournalAccess.transaction(database, c -> {
            JournalAccess.update(c, "UPDATE cluster_leader SET term = term + 1, leader = ?, since = ? WHERE id = 1",
                    address, Instant.now().toEpochMilli());
            return ((Number) JournalAccess.query(c, "SELECT term FROM cluster_leader WHERE id = 1 FOR SHARE").get(0)
                    .get("term")).longValue();
        });
        return new LeaderFence(database, term, onFenced);
    }

    public long term() {
        return term;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = database.getConnection();
        try {
            c.setAutoCommit(false);
            long current;
            try (PreparedStatement s = c.prepareStatement("SELECT term FROM cluster_leader WHERE id = 1 FOR SHARE");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                current = rs.getLong(1);
            }
            if (current != term) {
                c.rollback();
                onFenced.run();
                throw new Fenced(term, current);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the fenced database has its own credentials");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return database.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        database.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        database.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return database.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return database.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : database.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || database.isWrapperFor(type);
    }
}
