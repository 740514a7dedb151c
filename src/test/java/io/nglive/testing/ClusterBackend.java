package io.nglive.testing;

import java.nio.file.Path;
import java.util.function.Supplier;

import io.nglive.cluster.ClusterDatabase;

/** The two databases the central server runs on. */
public enum ClusterBackend {
    HSQLDB {
        @Override
        public Supplier<ClusterDatabase> fresh(Path dataPath) {
            return () -> new ClusterDatabase(dataPath);
        }
    },
    POSTGRESQL {
        @Override
        public Supplier<ClusterDatabase> fresh(Path dataPath) {
            String url = PostgresServer.shared().freshSchemaUrl();
            return () -> new ClusterDatabase(url, PostgresServer.USER, "");
        }
    };

    /** Opens one new, empty database (the embedded one under {@code dataPath}); called again, it opens it again. */
    public abstract Supplier<ClusterDatabase> fresh(Path dataPath);
}
