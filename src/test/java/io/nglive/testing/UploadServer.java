package io.nglive.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A minimal WebDAV target on 127.0.0.1 for tests, built on the JDK's HTTP server: PUT (parent must exist, 409
 * otherwise, as real WebDAV), MKCOL (405 when it exists), PROPFIND (depth 0 only), HEAD and GET.
 * It counts what it receives and can be made to fail while a test runs: answer every request with one status
 * ({@link #respondWith}) or only uploads ({@link #failPutsWith}), answer slowly ({@link #delayResponses}), take
 * uploads slowly ({@link #throttle}), drop the connection in the middle of an upload without answering
 * ({@link #dropPutsAfter}), store less than it received while answering success ({@link #loseBytes}), or go away
 * and come back on the same port ({@link #stop}, {@link #start}). {@link #plainHttp} turns it into a plain HTTP PUT
 * server without WebDAV.
 *
 * <p>Paths given to and returned by this class are relative to {@link #root()}, decoded, '/'-separated, without
 * a leading slash: {@code "room/录制 1.mp4"}.
 */
public final class UploadServer implements AutoCloseable {

    /** The name a PUT's body has while it is being received, before it is moved to its path. */
    public static final String PART_PREFIX = ".upload-server";

    private final Path root;
    private final String user;
    private final String password;
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> stored = new ConcurrentHashMap<>();
    private volatile int failureStatus;
    private volatile Duration delay = Duration.ZERO;
    private volatile int lostBytes;
    private volatile int putFailureStatus;
    private volatile long bytesPerSecond;
    private volatile long dropAfter = -1;
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile boolean plainHttp;
    private int port;
    private HttpServer server;
    private ExecutorService executor;

    private UploadServer(Path root, String user, String password) {
        this.root = root.toAbsolutePath().normalize();
        this.user = user;
        this.password = password;
    }

    /** Starts a server without authentication on a free port, storing under {@code root}. */
    public static UploadServer start(Path root) {
        return start(root, null, null);
    }

    /** Starts a server that requires HTTP Basic {@code user}/{@code password}, answering 401 otherwise. */
    public static UploadServer start(Path root, String user, String password) {
        UploadServer server = new UploadServer(root, user, password);
        server.start();
        return server;
    }

    /** The root URL, ending with '/': {@code http://127.0.0.1:<port>/}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public int port() {
        return port;
    }

    /** Where uploaded files are stored. */
    public Path root() {
        return root;
    }

    /**
     * How many PUTs stored the whole body they carried at {@code relativePath}: rejected, dropped and
     * {@link #loseBytes} PUTs are not counted.
     */
    public int puts(String relativePath) {
        return count(stored, relativePath);
    }

    /** How many PUTs stored the whole body they carried, at any path. */
    public int totalPuts() {
        return stored.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** How many requests with {@code method} arrived, whatever the answer (failures and 401s included). */
    public int requests(String method) {
        String prefix = method.toUpperCase(Locale.ROOT) + " ";
        return received.entrySet().stream()
                .filter(entry -> entry.getKey().startsWith(prefix))
                .mapToInt(entry -> entry.getValue().get())
                .sum();
    }

    /** How many requests with {@code method} arrived for {@code relativePath}, whatever the answer. */
    public int requests(String method, String relativePath) {
        return count(received, method.toUpperCase(Locale.ROOT) + " " + relativePath);
    }

    /** Forgets all counts. */
    public void resetCounts() {
        received.clear();
        stored.clear();
    }

    /** From now on, answers every request with {@code status} (after reading its body), until {@link #healthy()}. */
    public void respondWith(int status) {
        failureStatus = status;
    }

    /** Back to normal answers, no delay, no throttle, nothing lost or dropped. */
    public void healthy() {
        failureStatus = 0;
        putFailureStatus = 0;
        delay = Duration.ZERO;
        lostBytes = 0;
        bytesPerSecond = 0;
        dropAfter = -1;
    }

    /**
     * From now on, PUT reads the whole body and answers {@code status} without storing it, as a server whose disk is
     * full (507) or whose backend fails (500); other requests are answered normally.
     */
    public void failPutsWith(int status) {
        putFailureStatus = status;
    }

    /** From now on, PUT bodies are read at most {@code rate} bytes per second (0: as fast as they come). */
    public void throttle(long rate) {
        bytesPerSecond = rate;
    }

    /**
     * From now on, PUT reads the first {@code bytes} of the body, writes them in place at the target path (as a
     * server that writes uploads in place leaves them) and closes the connection without answering.
     */
    public void dropPutsAfter(long bytes) {
        dropAfter = bytes;
    }

    /** How many PUTs were cut off by {@link #dropPutsAfter}. */
    public int droppedPuts() {
        return dropped.get();
    }

    /** From now on, PUT stores all but the last {@code bytes} of the body and still answers success. */
    public void loseBytes(int bytes) {
        lostBytes = bytes;
    }

    /**
     * With {@code true}, behaves as a plain HTTP server that accepts PUT: MKCOL and PROPFIND answer 405, and
     * PUT creates missing parent folders itself.
     */
    public void plainHttp(boolean plain) {
        plainHttp = plain;
    }

    /** Waits {@code delay} before handling each request, to make clients time out. */
    public void delayResponses(Duration delay) {
        this.delay = delay;
    }

    /** (Re)starts listening, on the same port as before if it was started already. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            created.createContext("/", this::handle);
            executor = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "upload-server");
                thread.setDaemon(true);
                return thread;
            });
            created.setExecutor(executor);
            created.start();
            server = created;
            port = created.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    /**
     * Stops listening (clients get "connection refused") until {@link #start()}. Waits for the requests in hand to
     * end, so that none writes under the root after the test that owns it has cleaned it up.
     */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = decode(exchange.getRequestURI().getRawPath());
            received.computeIfAbsent(method + " " + path, key -> new AtomicInteger()).incrementAndGet();
            pause();
            Path target = root.resolve(path).normalize();
            if (!target.startsWith(root)) {
                answer(exchange, 400);
            } else if (user != null && !authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"upload-server\"");
                answer(exchange, 401);
            } else if (failureStatus != 0) {
                answer(exchange, failureStatus);
            } else if (plainHttp && (method.equals("MKCOL") || method.equals("PROPFIND"))) {
                answer(exchange, 405);
            } else {
                switch (method) {
                    case "PUT" -> put(exchange, path, target);
                    case "MKCOL" -> mkcol(exchange, target);
                    case "PROPFIND" -> propfind(exchange, target);
                    case "HEAD" -> head(exchange, target);
                    case "GET" -> get(exchange, target);
                    default -> answer(exchange, 405);
                }
            }
        }
    }

    private void put(HttpExchange exchange, String path, Path target) throws IOException {
        if (plainHttp) {
            Files.createDirectories(target.getParent());
        }
        long dropAt = dropAfter;
        if (!Files.isDirectory(target.getParent())) {
            answer(exchange, 409);
        } else if (Files.isDirectory(target)) {
            answer(exchange, 405);
        } else if (putFailureStatus != 0) {
            answer(exchange, putFailureStatus);
        } else if (dropAt >= 0) {
            try (OutputStream partial = Files.newOutputStream(target)) {
                copy(exchange.getRequestBody(), partial, dropAt);
            }
            dropped.incrementAndGet();
            // no answer: closing the exchange before the response headers closes the connection
        } else {
            boolean existed = Files.exists(target);
            Path temp = Files.createTempFile(target.getParent(), PART_PREFIX, ".part");
            try (InputStream body = exchange.getRequestBody();
                 OutputStream out = Files.newOutputStream(temp)) {
                copy(body, out, Long.MAX_VALUE);
                out.close();
                int lost = lostBytes;
                if (lost > 0) {
                    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                        channel.truncate(Math.max(0, channel.size() - lost));
                    }
                }
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                if (lost == 0) {
                    stored.computeIfAbsent(path, key -> new AtomicInteger()).incrementAndGet();
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            exchange.sendResponseHeaders(existed ? 204 : 201, -1);
        }
    }

    private void mkcol(HttpExchange exchange, Path target) throws IOException {
        if (Files.exists(target)) {
            answer(exchange, 405);
        } else if (!Files.isDirectory(target.getParent())) {
            answer(exchange, 409);
        } else {
            Files.createDirectory(target);
            answer(exchange, 201);
        }
    }

    private void propfind(HttpExchange exchange, Path target) throws IOException {
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        if (!Files.exists(target)) {
            answer(exchange, 404);
            return;
        }
        String properties = Files.isDirectory(target)
                ? "<D:resourcetype><D:collection/></D:resourcetype>"
                : "<D:resourcetype/><D:getcontentlength>" + Files.size(target) + "</D:getcontentlength>";
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:multistatus xmlns:D=\"DAV:\"><D:response>"
                + "<D:href>" + escapeXml(exchange.getRequestURI().getRawPath()) + "</D:href><D:propstat><D:prop>"
                + properties + "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
                + "</D:multistatus>";
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml; charset=utf-8");
        exchange.sendResponseHeaders(207, body.length);
        exchange.getResponseBody().write(body);
    }

    private void head(HttpExchange exchange, Path target) throws IOException {
        if (!Files.isRegularFile(target)) {
            answer(exchange, 404);
            return;
        }
        // For HEAD the JDK server ignores the length passed to sendResponseHeaders: the header is set by hand.
        exchange.getResponseHeaders().set("Content-Length", Long.toString(Files.size(target)));
        exchange.sendResponseHeaders(200, -1);
    }

    private void get(HttpExchange exchange, Path target) throws IOException {
        if (!Files.isRegularFile(target)) {
            answer(exchange, 404);
            return;
        }
        exchange.sendResponseHeaders(200, Files.size(target));
        Files.copy(target, exchange.getResponseBody());
    }

    /** Copies up to {@code limit} bytes, at most {@link #throttle} bytes per second, read anew for each chunk. */
    private void copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long copied = 0;
        long started = System.nanoTime();
        while (copied < limit) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
            if (read < 0) {
                break;
            }
            out.write(buffer, 0, read);
            copied += read;
            long rate = bytesPerSecond;
            if (rate > 0) {
                long due = started + copied * 1_000_000_000L / rate;
                long wait = (due - System.nanoTime()) / 1_000_000L;
                if (wait > 0) {
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
            }
        }
    }

    /** Reads the whole request body first, as a server that took the upload and then failed would. */
    private static void answer(HttpExchange exchange, int status) throws IOException {
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        exchange.sendResponseHeaders(status, -1);
    }

    private boolean authorized(HttpExchange exchange) {
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
    }

    private void pause() {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Percent-decoding of a URL path as UTF-8; unlike URLDecoder, '+' stays '+'. Leading and trailing '/' go. */
    private static String decode(String rawPath) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%' && i + 2 < rawPath.length()) {
                bytes.write(Integer.parseInt(rawPath.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        String path = bytes.toString(StandardCharsets.UTF_8);
        int start = path.startsWith("/") ? 1 : 0;
        int end = path.endsWith("/") && path.length() > start ? path.length() - 1 : path.length();
        return path.substring(start, Math.max(start, end));
    }

    private static String escapeXml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static int count(Map<String, AtomicInteger> counts, String key) {
        AtomicInteger count = counts.get(key);
        return count == null ? 0 : count.get();
    }
}
