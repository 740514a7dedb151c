package io.nglive.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL (15 on Debian 12; the newest installed), started once per test JVM on a port and socket directory of its own (about 2 s) and stopped
 * when the JVM ends; or one of a test's own ({@link #startOwn}), which it may stop and start again. The tests run as
 * root, which PostgreSQL refuses, so it runs as the {@code postgres} user.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Path BIN = newestInstalled(Path.of("/usr/lib/postgresql"));
    public static final String USER = "postgres";
    private static PostgresServer shared;

    private final Path dir;
    private final int port;
    private final AtomicInteger schemas = new AtomicInteger();

    private PostgresServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = create();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "postgres-stop"));
        }
        return shared;
    }

    /**
     * A server of the caller's own, which it may {@link #stop} and {@link #start} again (same port, same data) without
     * disturbing the other tests' shared one; {@link #close} removes it.
     */
    public static PostgresServer startOwn() {
        PostgresServer own = create();
        Runtime.getRuntime().addShutdownHook(new Thread(own::close, "postgres-stop"));
        return own;
    }

    /** Stops the server as a crash would (every connection cut at once, no checkpoint); its data stays. */
    public void stop() {
        try {
            run(dir, "pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } catch (IOException e) {
            throw new IllegalStateException("cannot stop PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Starts the server again on its port, with its data (after a {@link #stop}, it recovers from its WAL first). */
    public void start() {
        try {
            startOn(dir, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** A JDBC URL to an empty schema of its own, so that each test starts from nothing without a new server. */
    public String freshSchemaUrl() {
        String schema = "t" + schemas.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url(""), USER, ""); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema " + schema + ": " + e.getMessage(), e);
        }
        return url("?currentSchema=" + schema);
    }

    private String url(String parameters) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres" + parameters;
    }

    /** /usr/lib/postgresql/N/bin of the highest N, or 15's when there is none (named in the error). */
    private static Path newestInstalled(Path versions) {
        try (var dirs = Files.list(versions)) {
            return dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .max(java.util.Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())))
                    .map(d -> d.resolve("bin")).orElse(versions.resolve("15/bin"));
        } catch (IOException e) {
            return versions.resolve("15/bin");
        }
    }

    private static PostgresServer create() {
        if (!Files.isExecutable(BIN.resolve("pg_ctl"))) {
            throw new IllegalStateException("PostgreSQL is not installed (no " + BIN + "/pg_ctl): apt-get install postgresql");
        }
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "nglive-pg-")
                    : Files.createTempDirectory("nglive-pg-");
            Files.createDirectories(dir.resolve("socket"));
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(USER);
            Files.setOwner(dir, postgres);
            Files.setOwner(dir.resolve("socket"), postgres);
            int port = freePort();
            run(dir, "initdb", "-D", dir.resolve("data").toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
                    "--locale=C", "--no-sync", "--no-instructions");
            startOn(dir, port);
            return new PostgresServer(dir, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start PostgreSQL: " + e.getMessage(), e);
        }
    }

    // fsync off: an immediate stop still loses nothing committed (the WAL is written, only not synced), and a crash of
    // the machine under this throw-away server loses nothing a test needs
    private static void startOn(Path dir, int port) throws IOException {
        run(dir, "pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "30",
                "-o", "-p " + port + " -k " + dir.resolve("socket") + " -c listen_addresses=127.0.0.1 -c fsync=off",
                "start");
    }

    /** Stops the server, if it runs, and deletes its data; once is enough. */
    @Override
    public synchronized void close() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                stop();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("PostgreSQL in " + dir + " did not stop: " + e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Runs one of PostgreSQL's programs as the postgres user; its output goes to {@code dir/commands.log}. */
    private static void run(Path dir, String program, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", USER, "--", BIN.resolve(program).toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("commands.log").toFile())).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(program + " failed; see " + dir.resolve("commands.log")
                        + " and " + dir.resolve("log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + program, e);
        }
    }
}
