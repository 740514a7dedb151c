package io.nglive.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP link between an S3 client and an S3 server, on 127.0.0.1, that counts the request bytes it carries and can
 * fault: answer the next part uploads with a status of its own ({@link #failParts}), drop the connection in the middle
 * of a part ({@link #dropPartAfter}), or carry requests slowly ({@link #throttle}). It reads each request's head only,
 * and makes every request the last of its connection ({@code Connection: close}), so that it always knows which
 * request the bytes belong to.
 */
public final class S3Link implements AutoCloseable {

    private final URI upstream;
    private final ServerSocket listener;
    private final AtomicLong bodyBytes = new AtomicLong();
    private final AtomicInteger partRequests = new AtomicInteger();
    private final AtomicInteger partsToFail = new AtomicInteger();
    private volatile int failStatus;
    private final AtomicLong dropAfter = new AtomicLong(-1);
    private volatile long bytesPerSecond;

    private S3Link(URI upstream) throws IOException {
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "s3-link");
        accept.setDaemon(true);
        accept.start();
    }

    /** A link to {@code upstream} (http://host:port). */
    public static S3Link to(URI upstream) {
        try {
            return new S3Link(upstream);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Request bodies carried (or begun) so far: what the client sent, without the requests' heads. */
    public long bodyBytes() {
        return bodyBytes.get();
    }

    /** Requests for one part (UploadPart, ListParts) carried or refused so far. */
    public int partRequests() {
        return partRequests.get();
    }

    public void resetCounts() {
        bodyBytes.set(0);
        partRequests.set(0);
    }

    /** The next {@code count} part uploads are answered {@code status} (503: SlowDown) without reaching the server. */
    public void failParts(int count, int status) {
        failStatus = status;
        partsToFail.set(count);
    }

    /** The next part upload's connection is closed after {@code bytes} of its body. */
    public void dropPartAfter(long bytes) {
        dropAfter.set(bytes);
    }

    /** Request bodies are carried at most this fast, on each connection (0: as fast as they come). */
    public void throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread connection = new Thread(() -> carry(client), "s3-link-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void carry(Socket client) {
        try (client) {
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            String head = readHead(fromClient);
            if (head == null) {
                return;
            }
            String requestLine = head.substring(0, head.indexOf("\r\n"));
            boolean partUpload = requestLine.startsWith("PUT ") && requestLine.contains("partNumber=");
            if (requestLine.contains("partNumber=") || requestLine.contains("uploadId=")) {
                partRequests.incrementAndGet();
            }
            if (partUpload && partsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                refuse(client.getOutputStream(), failStatus);
                return;
            }
            long drop = partUpload ? dropAfter.getAndSet(-1) : -1;
            try (Socket server = new Socket(upstream.getHost(), upstream.getPort())) {
                server.getOutputStream().write(lastRequest(head).getBytes(StandardCharsets.ISO_8859_1));
                Thread answer = new Thread(() -> pump(server, client), "s3-link-answer");
                answer.setDaemon(true);
                answer.start();
                sendBody(fromClient, server.getOutputStream(), drop);
                answer.join();
            }
        } catch (IOException | InterruptedException e) {
            // the client or the server went away: so does this connection
        }
    }

    private void sendBody(InputStream from, OutputStream to, long drop) throws IOException, InterruptedException {
        byte[] buffer = new byte[64 * 1024];
        long sent = 0;
        long started = System.nanoTime();
        int n;
        while ((n = from.read(buffer, 0, drop >= 0 ? (int) Math.min(buffer.length, Math.max(1, drop - sent))
                : buffer.length)) > 0) {
            to.write(buffer, 0, n);
            bodyBytes.addAndGet(n);
            sent += n;
            if (drop >= 0 && sent >= drop) {
                throw new IOException("dropped on purpose");
            }
            long rate = bytesPerSecond;
            if (rate > 0) {
                long due = started + sent * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // either side closed
        } finally {
            try {
                to.close();
                from.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static void refuse(OutputStream to, int status) throws IOException {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + (status == 503 ? "SlowDown"
                : "InternalError") + "</Code><Message>refused by the test's link</Message></Error>";
        to.write(("HTTP/1.1 " + status + " Refused\r\nContent-Type: application/xml\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
        to.flush();
    }

    /** The head with {@code Connection: close} instead of whatever the client said. */
    private static String lastRequest(String head) {
        StringBuilder rewritten = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                rewritten.append(line).append("\r\n");
            }
        }
        return rewritten.append("Connection: close\r\n\r\n").toString();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
