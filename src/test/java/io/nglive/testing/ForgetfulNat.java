package io.nglive.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay to {@code upstream} that behaves like a home router's NAT: a connection idle for longer than
 * {@code forgetAfter} is forgotten without a word to either end. Both sockets stay open, and from then on every byte
 * either end sends is dropped, so a client that sends a request on it waits for an answer that never comes.
 */
public final class ForgetfulNat implements AutoCloseable {

    private final URI upstream;
    private final long forgetAfterNanos;
    private final ServerSocket listener;
    private final AtomicInteger connections = new AtomicInteger();

    private ForgetfulNat(URI upstream, Duration forgetAfter) throws IOException {
        this.upstream = upstream;
        this.forgetAfterNanos = forgetAfter.toNanos();
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "forgetful-nat");
        accept.setDaemon(true);
        accept.start();
    }

    /** A relay to {@code upstream} (http://host:port) that forgets connections idle for {@code forgetAfter}. */
    public static ForgetfulNat to(URI upstream, Duration forgetAfter) {
        try {
            return new ForgetfulNat(upstream, forgetAfter);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** TCP connections opened through the relay so far. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(upstream.getHost(), upstream.getPort());
                connections.incrementAndGet();
                AtomicLong lastActive = new AtomicLong(System.nanoTime());
                AtomicBoolean forgotten = new AtomicBoolean();
                start(() -> relay(client, server, lastActive, forgotten));
                start(() -> relay(server, client, lastActive, forgotten));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket from, Socket to, AtomicLong lastActive, AtomicBoolean forgotten) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                long now = System.nanoTime();
                if (now - lastActive.getAndSet(now) > forgetAfterNanos) {
                    forgotten.set(true);
                }
                if (!forgotten.get()) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // one end went away
        } finally {
            if (!forgotten.get()) {
                close(to);
            }
        }
    }

    private static void start(Runnable relay) {
        Thread thread = new Thread(relay, "forgetful-nat-connection");
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
