package io.nglive.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real WebDAV server for tests: {@code rclone serve webdav} on 127.0.0.1, serving a directory.
 * Needs the {@code rclone} executable on the PATH.
 */
public final class WebdavServer implements AutoCloseable {

    private static final long START_TIMEOUT_MILLIS = 15_000;

    private final Path root;
    private final int port;
    private final Process process;
    private final Path log;

    private WebdavServer(Path root, int port, Process process, Path log) {
        this.root = root;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Serves {@code root} without authentication. */
    public static WebdavServer start(Path root) {
        return start(root, null, null);
    }

    /** Serves {@code root} to HTTP Basic {@code user}/{@code password} only (401 otherwise). */
    public static WebdavServer start(Path root, String user, String password) {
        IllegalStateException failure = null;
        // Another process may take the free port between finding and binding it: try a few ports.
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return tryStart(root.toAbsolutePath().normalize(), freePort(), user, password);
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        throw failure;
    }

    /** The root URL, ending with '/': {@code http://127.0.0.1:<port>/}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public int port() {
        return port;
    }

    /** The directory rclone serves: uploaded files appear here. */
    public Path root() {
        return root;
    }

    /** Stops rclone (and anything it started) and waits until it is gone, so the port is closed afterwards. */
    @Override
    public void close() {
        stop(process);
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static WebdavServer tryStart(Path root, int port, String user, String password) {
        List<String> command = new ArrayList<>(List.of("rclone", "serve", "webdav", root.toString(),
                "--addr", "127.0.0.1:" + port,
                // No rclone.conf is read or written: a local directory needs no remote configured.
                "--config", "/dev/null",
                // Files that tests put into root() directly are visible at once, not after 5 minutes.
                "--dir-cache-time", "0s"));
        if (user != null) {
            command.addAll(List.of("--user", user, "--pass", password));
        }
        Path log;
        Process process;
        try {
            log = Files.createTempFile("rclone-webdav", ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start rclone (is it installed?): " + e.getMessage(), e);
        }
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("rclone exited with code " + process.exitValue() + ": " + read(log));
            }
            if (answers(port)) {
                return new WebdavServer(root, port, process, log);
            }
            sleep(50);
        }
        stop(process);
        throw new IllegalStateException("rclone did not listen on port " + port + " within "
                + START_TIMEOUT_MILLIS + " ms: " + read(log));
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for rclone", e);
        }
    }
}
