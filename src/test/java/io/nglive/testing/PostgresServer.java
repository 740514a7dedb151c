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
 * when the JVM ends. The tests run as root, which PostgreSQL refuses, so it runs as the {@code postgres} user.
 */
public final class PostgresServer {

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
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "postgres-stop"));
        }
        return shared;
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

    private static PostgresServer start() {
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
            // fsync off: a crash of this throw-away server loses nothing a test needs
            run(dir, "pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "30",
                    "-o", "-p " + port + " -k " + dir.resolve("socket") + " -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start");
            return new PostgresServer(dir, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start PostgreSQL: " + e.getMessage(), e);
        }
    }

    private void stop() {
        try {
            run(dir, "pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
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
