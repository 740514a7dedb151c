package io.nglive.cluster;

import java.nio.file.Path;

import javax.sql.DataSource;

import io.nglive.journal.DatabasePool;
import io.nglive.journal.SchemaMigrations;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * The central server's database: the embedded HSQLDB file {@code <data path>/central}, or any JDBC URL (PostgreSQL,
 * where several central instances share it). Its schema is the SQL files under {@code db/central} (SchemaMigrations),
 * applied as the database opens; every statement there and in {@link ClusterStore} is the same text on both.
 */
public final class ClusterDatabase extends ServiceSupport {

    /** The schema's migrations on the class path (SchemaMigrations). */
    static final String MIGRATIONS = "db/central";
    private static final String WHAT = "cluster database";

    private final BasicDataSource pool;
    private final boolean embedded;
    private volatile DataSource dataSource;

    /** The embedded database under {@code dataPath}; its plain tables are disk (cached) tables, not held in memory. */
    public ClusterDatabase(Path dataPath) {
        this("jdbc:hsqldb:file:" + dataPath.resolve("central").toAbsolutePath()
                + ";hsqldb.write_delay=false;hsqldb.tx=mvcc;hsqldb.default_table_type=cached", "SA", "", true);
    }

    /** A database at {@code url} (PostgreSQL 15 or later), with its driver on the class path. */
    public ClusterDatabase(String url, String user, String password) {
        this(url, user, password, false);
    }

    private ClusterDatabase(String url, String user, String password, boolean embedded) {
        this.embedded = embedded;
        this.pool = DatabasePool.open(null, url, user, password, new String[0], WHAT);
        this.dataSource = pool;
        try {
            SchemaMigrations.apply(pool, MIGRATIONS, WHAT);
        } catch (RuntimeException e) {
            try {
                DatabasePool.close(pool, embedded);
            } catch (java.sql.SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The database; once {@link #fence fenced}, every transaction checks the leader's term first. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Whether this is the embedded database under the data path, which no other process opens. */
    public boolean embedded() {
        return embedded;
    }

    /**
     * Takes the next leader's term for {@code address}; from now on a transaction that finds a newer term (another
     * instance took the lead) writes nothing, fails, and runs {@code onFenced}. Call it before anything uses the
     * database.
     *
     * @return the term
     */
    public long fence(String address, Runnable onFenced) {
        LeaderFence fence = LeaderFence.take(pool, address, onFenced);
        dataSource = fence;
        return fence.term();
    }

    @Override
    protected void doStop() throws Exception {
        DatabasePool.close(pool, embedded);
    }
}
