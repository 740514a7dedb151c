package io.nglive.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import io.vertx.core.Vertx;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlatformWebsocketComponentTest {

    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private Main main;
    private Vertx vertx;

    @AfterEach
    void stop() {
        if (main != null) {
            main.stop();
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    @Test
    void aConnectionsEventsAreRoutedInTheOrderTheyCame() throws Exception {
        int port = freePort();
        start(port);
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/in-order"), new WebSocket.Listener() {
                }).join();
        for (int i = 1; i <= 20; i++) {
            socket.sendText("m" + i, true).join();
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 21);
        List<String> expected = new ArrayList<>(List.of("OPEN"));
        IntStream.rangeClosed(1, 20).forEach(i -> expected.add("m" + i));
        assertThat(seen).containsExactlyElementsOf(expected);
        socket.abort();
    }

    /** A route whose open event is slow, as a bean that stores something would be. */
    private void start(int port) throws Exception {
        vertx = Vertx.vertx();
        main = new Main();
        main.configure().httpServer().withEnabled(true).withHost("127.0.0.1").withPort(port);
        main.bind("vertx", vertx);
        main.bind("vertx-websocket", new PlatformWebsocketComponent(port, context -> context.next()));
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("vertx-websocket:/in-order?fireWebSocketConnectionEvents=true").process(exchange -> {
                    String event = String.valueOf(exchange.getMessage().getHeader(VertxWebsocketConstants.EVENT));
                    if (event.equals("OPEN")) {
                        Thread.sleep(300);
                        seen.add(event);
                    } else if (event.equals("MESSAGE")) {
                        seen.add(exchange.getMessage().getBody(String.class));
                    }
                });
            }
        });
        main.start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
