package io.nglive.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * A receiver of nglive's event webhooks ({@code nglive.notify.urls}) on {@code /hook}: a JDK HTTP server that answers
 * 500 to its first {@code failures} POSTs (until {@link #heal}), 422 to the events it was told to {@link #refuse},
 * and records the bodies it takes.
 */
public final class EventReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<String> refusedIds = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile int failures;

    private EventReceiver(int port, int failures) throws IOException {
        this.failures = failures;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/hook", exchange -> {
            try (exchange) {
                JsonNode event = JSON.readTree(new String(exchange.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8));
                if (refusedIds.contains(event.path("eventId").asText())) {
                    refused.incrementAndGet();
                    exchange.sendResponseHeaders(422, -1);
                    return;
                }
                if (refused.get() < this.failures) {
                    refused.incrementAndGet();
                    exchange.sendResponseHeaders(500, -1);
                    return;
                }
                received.add(event);
                exchange.sendResponseHeaders(204, -1);
            }
        });
        server.start();
    }

    /** A receiver on a free port that takes everything. */
    public static EventReceiver start() {
        return start(0, 0);
    }

    /** A receiver on {@code port} (0: a free one) that fails its first {@code failures} POSTs. */
    public static EventReceiver start(int port, int failures) {
        try {
            return new EventReceiver(port, failures);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void refuse(String eventId) {
        refusedIds.add(eventId);
    }

    public void heal() {
        failures = 0;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The events taken so far, in the order they came. */
    public List<JsonNode> received() {
        return received;
    }

    /** How many POSTs were answered with an error. */
    public int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
