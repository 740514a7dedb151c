package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Event webhooks out: every stored event, in order, at least once, to every configured endpoint. */
class NotifyIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aReceiverThatFailsTwiceThenSucceedsGetsEveryEventInOrderAndAFilteredOneOnlyItsTypes() throws Exception {
        try (Receiver all = new Receiver(2); Receiver sessions = new Receiver(0)) {
            List<String> sent = new ArrayList<>();
            try (NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                    .set("nglive.notify.urls", all.url() + " " + sessions.url() + "#SessionEnded")
                    .set("nglive.notify.retry-delay", "200ms")
                    .start()) {
                for (int i = 0; i < 10; i++) {
                    String id = UUID.randomUUID().toString();
                    String type = i % 2 == 0 ? "SessionStarted" : "SessionEnded";
                    assertThat(app.webhook(Webhooks.envelope(type, id, Webhooks.data(8001))).statusCode()).isEqualTo(200);
                    sent.add(id);
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> all.received().size() >= 10);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sessions.received().size() >= 5);

                assertThat(all.refused()).isEqualTo(2);
                assertThat(all.received()).extracting(e -> e.path("eventId").asText()).containsExactlyElementsOf(sent);
                assertThat(all.received()).extracting(e -> e.path("seq").asLong()).isSorted();
                assertThat(sessions.received()).extracting(e -> e.path("type").asText()).containsOnly("SessionEnded")
                        .hasSize(5);
            }
        }
    }

    /** A JDK HTTP server that answers 500 to its first {@code failures} POSTs and records the bodies it takes. */
    private static final class Receiver implements AutoCloseable {

        private final HttpServer server;
        private final List<JsonNode> received = new CopyOnWriteArrayList<>();
        private final AtomicInteger refused = new AtomicInteger();

        Receiver(int failures) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/hook", exchange -> {
                try (exchange) {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    if (refused.get() < failures) {
                        refused.incrementAndGet();
                        exchange.sendResponseHeaders(500, -1);
                        return;
                    }
                    received.add(JSON.readTree(new String(body, StandardCharsets.UTF_8)));
                    exchange.sendResponseHeaders(204, -1);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        List<JsonNode> received() {
            return received;
        }

        int refused() {
            return refused.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
