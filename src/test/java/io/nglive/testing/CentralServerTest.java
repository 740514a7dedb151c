package io.nglive.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The test central server against the JDK's WebSocket client playing the node. */
class CentralServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Test
    void aWrongTokenIsRefusedWith401AndEveryHandshakeIsCounted() throws Exception {
        try (CentralServer central = CentralServer.start("right")) {
            assertThat(handshakeStatus(central.url("wrong"))).isEqualTo(401);
            assertThat(handshakeStatus(central.url(null))).isEqualTo(401);
            assertThat(central.attempts()).hasSize(2);
            assertThat(central.connections()).isEmpty();

            Node node = Node.connect(central.url());
            node.send("{\"type\":\"hello\",\"node\":\"n1\",\"lastAcked\":0}");
            assertThat(central.awaitHello(PATIENCE).path("node").asText()).isEqualTo("n1");
            assertThat(central.attempts()).hasSize(3).isSorted();
            assertThat(central.connections()).hasSize(1);
        }
    }

    @Test
    void framesAreKeptInOrderAcknowledgedOnRequestOrAutomaticallyAndRepliesMatchedById() throws Exception {
        try (CentralServer central = CentralServer.start("t")) {
            Node node = Node.connect(central.url());
            node.send("{\"type\":\"hello\",\"node\":\"n1\",\"lastAcked\":0}");
            node.send("{\"type\":\"SessionStarted\",\"seq\":1}");
            node.send("{\"type\":\"heartbeat\",\"seq\":2}");
            node.send("{\"type\":\"FileOpening\",\"seq\":3}");
            central.awaitEvent(e -> e.path("seq").asLong() == 3, PATIENCE);
            assertThat(central.events()).extracting(e -> e.path("seq").asLong()).containsExactly(1L, 3L);
            assertThat(central.current().seqs()).containsExactly(1L, 2L, 3L);
            assertThat(central.current().frames()).hasSize(4);

            central.ack(3);
            node.awaitFrame(f -> f.path("type").asText().equals("ack") && f.path("seq").asLong() == 3);
            central.autoAck(true);
            node.send("{\"type\":\"heartbeat\",\"seq\":4}");
            node.send("{\"type\":\"FileClosed\",\"seq\":5}");
            node.awaitFrame(f -> f.path("type").asText().equals("ack") && f.path("seq").asLong() == 5);
            assertThat(node.received()).filteredOn(f -> f.path("type").asText().equals("ack"))
                    .extracting(f -> f.path("seq").asLong()).as("heartbeats are not acknowledged").containsExactly(3L, 5L);
            assertThat(central.current().lastAck()).isEqualTo(5);

            CompletableFuture<JsonNode> first = central.command("allroom", Map.of());
            CompletableFuture<JsonNode> second = central.command("getroom", Map.of("roomid", 1));
            CompletableFuture<JsonNode> noArgs = central.command("jobs", null);
            List<JsonNode> commands = node.awaitFrames(f -> f.path("type").asText().equals("command"), 3);
            assertThat(commands.get(0).path("args").isObject()).isTrue();
            assertThat(commands.get(1).path("args").path("roomid").asInt()).isEqualTo(1);
            assertThat(commands.get(2).has("args")).isFalse();
            for (int i = 2; i >= 0; i--) { // answered in reverse order
                node.send("{\"type\":\"reply\",\"id\":\"" + commands.get(i).path("id").asText() + "\",\"code\":" + i + "}");
            }
            assertThat(first.get(5, TimeUnit.SECONDS).path("code").asInt()).isEqualTo(0);
            assertThat(second.get(5, TimeUnit.SECONDS).path("code").asInt()).isEqualTo(1);
            assertThat(noArgs.get(5, TimeUnit.SECONDS).path("code").asInt()).isEqualTo(2);
            node.send("{\"type\":\"reply\",\"id\":\"nobody\",\"code\":0}");
            Awaitility.await().atMost(PATIENCE).until(() -> central.unmatchedReplies().size() == 1);
        }
    }

    @Test
    void disconnectClosesTheConnectionAndStopThenStartComesBackOnTheSamePort() throws Exception {
        try (CentralServer central = CentralServer.start("t")) {
            int port = central.port();
            Node first = Node.connect(central.url());
            first.send("{\"type\":\"hello\",\"node\":\"a\"}");
            CentralServer.Connection one = central.awaitConnection(PATIENCE);
            central.disconnect();
            assertThat(one.isOpen()).isFalse();
            first.closed.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> central.ack(1)).isInstanceOf(IllegalStateException.class);

            Node second = Node.connect(central.url());
            second.send("{\"type\":\"hello\",\"node\":\"b\"}");
            assertThat(central.awaitHello(PATIENCE).path("node").asText()).isEqualTo("b");
            central.stop();
            second.closed.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> Node.connect(central.url())).as("nothing listens").isInstanceOf(Exception.class);

            central.start();
            assertThat(central.port()).isEqualTo(port);
            Node third = Node.connect(central.url());
            third.send("{\"type\":\"hello\",\"node\":\"c\"}");
            assertThat(central.awaitHello(PATIENCE).path("node").asText()).isEqualTo("c");
            assertThat(central.connections()).hasSize(3);
            assertThat(central.attempts()).as("a refused TCP connection is no handshake").hasSize(3);
        }
    }

    @Test
    void aStandbyRefusesWith503NamingTheLeaderUntilItLeadsAndThenAnswersTheHelloWithWhatItHas() throws Exception {
        try (CentralServer central = CentralServer.start("t").refuseAsStandby("127.0.0.1:8101")) {
            WebSocketHandshakeException refused = refusal(central.url());
            assertThat(refused.getResponse().statusCode()).isEqualTo(503);
            assertThat(refused.getResponse().headers().firstValue("Retry-After")).hasValue("5");
            JsonNode body = JSON.readTree((String) refused.getResponse().body());
            assertThat(body.path("leader").asText()).isEqualTo("127.0.0.1:8101");
            assertThat(body.path("error").asText()).isNotBlank();
            central.refuseAsStandby(null);
            JsonNode noLeader = JSON.readTree((String) refusal(central.url()).getResponse().body());
            assertThat(noLeader.get("leader").isNull()).isTrue();
            assertThat(central.attempts()).hasSize(2);
            assertThat(central.connections()).isEmpty();

            central.becomeLeader().answerHelloWithAck(41);
            Node node = Node.connect(central.url());
            node.send("{\"type\":\"hello\",\"node\":\"n1\",\"lastAcked\":40}");
            node.awaitFrame(f -> f.path("type").asText().equals("ack") && f.path("seq").asLong() == 41);
            assertThat(central.attempts()).hasSize(3);
            assertThat(central.hostPort()).isEqualTo("127.0.0.1:" + central.port());
        }
    }

    @Test
    void hangingUpClosesEveryConnectionAsSoonAsItIsAccepted() throws Exception {
        try (CentralServer central = CentralServer.start("t").hangUpOnConnect(true)) {
            Node node = Node.connect(central.url());
            assertThat(node.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1013);
            Awaitility.await().atMost(PATIENCE).until(() -> central.connections().size() == 1);
            central.awaitDisconnected(PATIENCE);
            central.hangUpOnConnect(false);
            Node kept = Node.connect(central.url());
            kept.send("{\"type\":\"hello\",\"node\":\"a\"}");
            central.awaitConnection(PATIENCE);
            assertThat(central.attempts()).hasSize(2);
        }
    }

    @Test
    void pausedReadingHoldsTheSenderBackThroughTcpAndResumingDeliversEverything() throws Exception {
        try (CentralServer central = CentralServer.start("t")) {
            Node node = Node.connect(central.url());
            node.send("{\"type\":\"hello\",\"node\":\"a\"}");
            central.awaitConnection(PATIENCE);
            central.pauseReading();

            String big = "x".repeat(60_000);
            int sent = 0;
            boolean blocked = false;
            while (sent < 1000 && !blocked) {
                try {
                    node.socket.sendText("{\"type\":\"SessionStarted\",\"seq\":" + (sent + 1) + ",\"title\":\"" + big + "\"}", true)
                            .get(2, TimeUnit.SECONDS);
                    sent++;
                } catch (TimeoutException e) {
                    blocked = true;
                }
            }
            assertThat(blocked).as("the sender blocked after %d frames of 60 KB", sent).isTrue();
            assertThat(sent).isLessThan(500);
            assertThat(central.events()).as("nothing read while paused").isEmpty();

            central.resumeReading();
            int total = sent + 1;
            central.awaitEvent(e -> e.path("seq").asInt() == total, PATIENCE);
            assertThat(central.events()).extracting(e -> e.path("seq").asInt()).isSorted().hasSize(total);
            assertThat(central.events()).allSatisfy(e -> assertThat(e.path("title").asText()).hasSize(60_000));
        }
    }

    /** The HTTP status of a refused handshake. */
    private static int handshakeStatus(String url) {
        return refusal(url).getResponse().statusCode();
    }

    /** The refusal of a handshake, with the answer's status, headers and body. */
    private static WebSocketHandshakeException refusal(String url) {
        try {
            Node.connect(url);
        } catch (Exception e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof WebSocketHandshakeException refused) {
                    return refused;
                }
            }
            throw new AssertionError("not a refused handshake", e);
        }
        throw new AssertionError("the handshake was accepted");
    }

    /** The JDK's WebSocket client, playing nglive. */
    private static final class Node {

        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket;

        static Node connect(String url) throws Exception {
            Node node = new Node();
            WebSocket.Listener listener = new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        try {
                            node.received.add(JSON.readTree(partial.toString()));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        partial.setLength(0);
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                    node.closed.complete(status);
                    return null;
                }

                @Override
                public void onError(WebSocket ws, Throwable error) {
                    node.closed.complete(-1);
                }
            };
            node.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(url), listener).get(10, TimeUnit.SECONDS);
            return node;
        }

        void send(String text) throws Exception {
            socket.sendText(text, true).get(5, TimeUnit.SECONDS);
        }

        List<JsonNode> received() {
            return List.copyOf(received);
        }

        void awaitFrame(java.util.function.Predicate<JsonNode> condition) {
            Awaitility.await().atMost(PATIENCE).until(() -> received().stream().anyMatch(condition));
        }

        List<JsonNode> awaitFrames(java.util.function.Predicate<JsonNode> condition, int count) {
            Awaitility.await().atMost(PATIENCE).until(() -> received().stream().filter(condition).count() >= count);
            return received().stream().filter(condition).toList();
        }
    }
}
