import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.curator.test.TestingServer;

import io.nglive.testing.PostgresServer;

/**
 * What several central instances share, as the tests start it, for bench/bench.py's cluster-ha scenario: PostgreSQL
 * (the tests' PostgresServer, as the postgres user) and a ZooKeeper server (curator-test's). Prints the database's
 * JDBC URL and ZooKeeper's host:port, then serves until its standard input closes, and removes both.
 * java -cp target/test-classes:&lt;test classpath&gt; bench/ClusterServices.java
 */
public final class ClusterServices {

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("nglive-zookeeper-");
        try (TestingServer zookeeper = new TestingServer(-1, dir.toFile(), true)) {
            System.out.println("DB " + PostgresServer.shared().freshSchemaUrl());
            System.out.println("ZOOKEEPER " + zookeeper.getConnectString());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until bench.py closes the pipe
            }
        }
        // curator-test removes ZooKeeper's directory on close; PostgreSQL stops, and its directory goes, in its
        // shutdown hook. ZooKeeper's configuration file stays in java.io.tmpdir (bench.py gives it one of the run's)
        System.exit(0);
    }
}
