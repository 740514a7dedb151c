package io.nglive.central;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.NodeSettings;
import io.nglive.Redaction;
import io.nglive.events.Cursors;
import io.nglive.events.EventLog;
import io.nglive.events.OutboxRetention;
import io.nglive.journal.Database;
import io.nglive.testing.CapturedLog;
import io.nglive.testing.CentralServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel against a real database and real sockets: what it sends, what it stores, when it gives up. */
class CentralChannelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret";
    /** A delay that a test would notice: the first backoff step waits 15 to 30 s. */
    private static final Duration NO_HURRY = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    Database database;
    EventLog log;
    Cursors cursors;
    Vertx vertx;
    CentralChannel channel;

    @BeforeEach
    void start() {
        database = new Database(dir);
        log = new EventLog(database.dataSource(), "node-a", JSON);
        cursors = new Cursors(database.dataSource());
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.stop();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        database.stop();
    }

    @Test
    void anAckBeyondWhatWasSentStoresOnlyWhatWasSentSoNothingLaterIsSkipped() throws Exception {
        List<JsonNode> frames = new CopyOnWriteArrayList<>();
        List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
        int port = server(socket -> {
            sockets.add(socket);
            socket.textMessageHandler(text -> frames.add(read(text)));
        });
        long first = log.record("RoomAdded", Map.of("roomId", 1));
        channel = channel(port, Duration.ofSeconds(30));
        channel.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() >= 2);

        sockets.get(0).writeTextMessage("{\"type\":\"ack\",\"seq\":1000000}");

        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> cursors.position(CentralChannel.CONSUMER, -1) == first);
        assertThat(channel.status().get("lastAcked")).isEqualTo(first);
        long later = log.record("RoomAdded", Map.of("roomId", 2));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() >= 3);
        assertThat(frames).extracting(f -> f.path("seq").asLong()).contains(later);
    }

    @Test
    void aHeartbeatGoesOutAfterEveryStoredEventBeforeIt() throws Exception {
        List<JsonNode> frames = new CopyOnWriteArrayList<>();
        int port = server(socket -> socket.textMessageHandler(text -> frames.add(read(text))));
        for (int i = 0; i < 200; i++) {
            log.record("RoomAdded", Map.of("roomId", i + 1));
        }
        channel = channel(port, Duration.ofSeconds(30));
        channel.start();
        log.emitTransient("heartbeat", Map.of());
        log.record("RoomRemoved", Map.of("roomId", 1));

        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> frames.stream().anyMatch(f -> f.path("type").asText().equals("RoomRemoved")));
        List<JsonNode> events = frames.subList(1, frames.size());
        assertThat(events).extracting(f -> f.path("seq").asLong()).isSorted().doesNotHaveDuplicates();
        assertThat(events).filteredOn(f -> f.path("type").asText().equals("RoomAdded")).hasSize(200);
    }

    @Test
    void aServerThatMissedPrunedEventsIsToldSoRightAfterTheHello() throws Exception {
        List<JsonNode> frames = new CopyOnWriteArrayList<>();
        int port = server(socket -> socket.textMessageHandler(text -> frames.add(read(text))));
        for (int i = 0; i < 5; i++) {
            log.record("RoomAdded", Map.of("roomId", i + 1));
        }
        // the central server was not configured while they were pruned, so nobody waited for it
        long through = new OutboxRetention(database.dataSource(), log, Duration.ZERO, List.of()).prune().through();
        long kept = log.record("RoomAdded", Map.of("roomId", 6));
        channel = channel(port, Duration.ofSeconds(30));
        channel.start();

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() >= 3);
        assertThat(frames.get(0).path("type").asText()).isEqualTo("hello");
        assertThat(frames.get(0).path("lastAcked").asLong()).isZero();
        assertThat(frames.get(1).path("type").asText()).isEqualTo("pruned");
        assertThat(frames.get(1).path("prunedThrough").asLong()).isEqualTo(through).isEqualTo(kept - 1);
        assertThat(frames.get(2).path("seq").asLong()).isEqualTo(kept);
    }

    @Test
    void aServerThatAcceptsAndThenSaysNothingIsGivenUpAfterTheTimeoutAndDialledAgain() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            channel = channel(silent.port(), Duration.ofMillis(1500));
            channel.start();

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> silent.handshakes() >= 2);
            assertThat(channel.status().get("lastProblem")).asString().contains("no answer for");
        }
    }

    @Test
    void aStandbyNamingTheLeaderHasTheNodeDialTheLeaderNextWithoutWaiting() {
        try (CentralServer standby = CentralServer.start(TOKEN);
             CentralServer otherStandby = CentralServer.start(TOKEN);
             CentralServer leader = CentralServer.start(TOKEN)) {
            standby.refuseAsStandby(leader.hostPort());
            otherStandby.refuseAsStandby(leader.hostPort());
            channel = channel(List.of(standby.url(), otherStandby.url(), leader.url()), NO_HURRY, NO_HURRY, NO_HURRY);
            long start = System.nanoTime();
            channel.start();

            leader.awaitConnection(Duration.ofSeconds(10));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a backoff would have waited 15 to 30 s")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(standby.attempts()).hasSize(1);
            assertThat(otherStandby.attempts()).as("the named leader goes before the rest of the round").isEmpty();
            assertThat(channel.status()).containsEntry("state", "connected")
                    .containsEntry("url", Redaction.url(leader.url()));
            assertThat(channel.status().get("url")).asString().doesNotContain(TOKEN);
        }
    }

    @Test
    void aStandbyThatNamesNoLeaderOrOneNotListedIsPassedForTheNextUrlAtOnceWithOneLineEach() {
        try (CapturedLog lines = new CapturedLog(CentralChannel.class.getName());
             CentralServer knowsNoLeader = CentralServer.start(TOKEN).refuseAsStandby(null);
             CentralServer namesAnother = CentralServer.start(TOKEN).refuseAsStandby("10.255.255.1:8100");
             CentralServer leader = CentralServer.start(TOKEN)) {
            channel = channel(List.of(knowsNoLeader.url(), namesAnother.url(), leader.url()), NO_HURRY, NO_HURRY,
                    NO_HURRY);
            long start = System.nanoTime();
            channel.start();

            leader.awaitConnection(Duration.ofSeconds(10));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a backoff would have waited 15 to 30 s")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(knowsNoLeader.attempts()).hasSize(1);
            assertThat(namesAnother.attempts()).hasSize(1);
            assertThat(lines.lines(Level.INFO)).filteredOn(line -> line.contains("standby")).containsExactly(
                    "INFO central server " + Redaction.url(knowsNoLeader.url())
                            + ": refused with HTTP 503 by a standby, which names no leader; trying "
                            + Redaction.url(namesAnother.url()) + " now",
                    "INFO central server " + Redaction.url(namesAnother.url())
                            + ": refused with HTTP 503 by a standby, which names the leader 10.255.255.1:8100"
                            + " (not in nglive.central.url); trying " + Redaction.url(leader.url()) + " now");
            assertThat(lines.lines(Level.DEBUG)).noneMatch(line -> line.contains(TOKEN));
        }
    }

    @Test
    void whenStandbysRefuseEveryUrlTheNodeWaitsTheirRetryAfterBetweenRoundsNotItsBackoff() {
        try (CentralServer first = CentralServer.start(TOKEN); CentralServer second = CentralServer.start(TOKEN)) {
            // each names the other: followed once per round, never back and forth without a pause
            first.refuseAsStandby(second.hostPort());
            second.refuseAsStandby(first.hostPort());

            // an election under way: about a second (0.5 to 1.5 s), not the backoff's 2 to 4 s
            assertThat(pausesBetweenRounds(first, second)).allSatisfy(pause -> assertThat(pause)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(450)).isLessThan(Duration.ofMillis(1950)));
            assertThat(channel.status()).containsEntry("state", "disconnected");
            assertThat(channel.status().get("problem")).asString().contains("HTTP 503 by a standby");
        }
    }

    @Test
    void whenEveryUrlFailsOtherwiseTheNodeWaitsItsBackoffBetweenRounds() {
        try (CentralServer first = CentralServer.start(TOKEN); CentralServer second = CentralServer.start(TOKEN)) {
            first.hangUpOnConnect(true);
            second.hangUpOnConnect(true);

            assertThat(pausesBetweenRounds(first, second)).allSatisfy(pause -> assertThat(pause)
                    .as("a delay of 2 to 4 s").isGreaterThanOrEqualTo(Duration.ofMillis(1950)));
        }
    }

    /**
     * Dials {@code first} and {@code second} with a backoff of 4 s and returns the two pauses between its first three
     * rounds, having checked that within each round the second URL is dialled right after the first.
     */
    private List<Duration> pausesBetweenRounds(CentralServer first, CentralServer second) {
        Duration fourSeconds = Duration.ofSeconds(4);
        channel = channel(List.of(first.url(), second.url()), fourSeconds, fourSeconds, NO_HURRY);
        channel.start();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> second.attempts().size() >= 3);

        List<Instant> firsts = first.attempts().subList(0, 3);
        List<Instant> seconds = second.attempts().subList(0, 3);
        String seen = "first " + firsts + ", second " + seconds;
        for (int round = 0; round < 3; round++) {
            assertThat(Duration.between(firsts.get(round), seconds.get(round)))
                    .as("within round %d; %s", round, seen).isPositive().isLessThan(Duration.ofMillis(1500));
        }
        return List.of(Duration.between(seconds.get(0), firsts.get(1)), Duration.between(seconds.get(1), firsts.get(2)));
    }

    @Test
    void aNodeWhoseCentralGoesAwayMovesToTheNextAndSendsItOnlyWhatWasNotAcknowledged() {
        try (CentralServer first = CentralServer.start(TOKEN); CentralServer second = CentralServer.start(TOKEN)) {
            second.refuseAsStandby(first.hostPort());
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                seqs.add(log.record("RoomAdded", Map.of("roomId", i + 1)));
            }
            channel = channel(List.of(first.url(), second.url()), Duration.ofMillis(200), Duration.ofMillis(400),
                    NO_HURRY);
            channel.start();
            CentralServer.Connection onFirst = first.awaitConnection(Duration.ofSeconds(10));
            onFirst.awaitEvent(e -> e.path("seq").asLong() == seqs.get(5), Duration.ofSeconds(10));
            long acked = seqs.get(2);
            first.ack(acked);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> channel.status().get("lastAcked").equals(acked));

            first.stop();
            // the standby takes over, sharing what the first one stored of the node
            second.becomeLeader().answerHelloWithAck(acked);
            long whileAway = log.record("RoomAdded", Map.of("roomId", 7));
            CentralServer.Connection onSecond = second.awaitConnection(Duration.ofSeconds(10));
            onSecond.awaitEvent(e -> e.path("seq").asLong() == whileAway, Duration.ofSeconds(10));

            assertThat(onSecond.hello().path("lastAcked").asLong()).isEqualTo(acked);
            assertThat(onSecond.events()).extracting(e -> e.path("seq").asLong())
                    .containsExactly(seqs.get(3), seqs.get(4), seqs.get(5), whileAway);
            assertThat(channel.status()).containsEntry("url", Redaction.url(second.url()));
        }
    }

    private CentralChannel channel(int port, Duration timeout) {
        return channel(List.of("ws://127.0.0.1:" + port + "/node?token=t"), Duration.ofMillis(200),
                Duration.ofMillis(400), timeout);
    }

    private CentralChannel channel(List<String> urls, Duration retryDelay, Duration retryMaxDelay, Duration timeout) {
        CentralSettings settings = new CentralSettings(urls.stream().map(URI::create).toList(), retryDelay,
                retryMaxDelay, timeout);
        NodeSettings node = new NodeSettings("node-a", Path.of("works"), Path.of("out"), 0, List.of());
        return new CentralChannel(settings, node, "id-a", "test", log, cursors,
                new CentralCommands(new DefaultCamelContext(), JSON, new RoomEpochs(database.dataSource())));
    }

    private int server(io.vertx.core.Handler<ServerWebSocket> handler) throws Exception {
        HttpServer server = vertx.createHttpServer().webSocketHandler(handler);
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Completes the WebSocket handshake, then neither reads nor writes: a peer that hangs, or a dead NAT mapping. */
    private static final class SilentServer implements AutoCloseable {

        private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread acceptor = new Thread(this::accept, "silent-server");

        SilentServer() throws IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int handshakes() {
            return accepted.size();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Matcher key = KEY.matcher(headers(socket.getInputStream()));
                    if (key.find()) {
                        String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                                (key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                        socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        accepted.add(socket);
                    }
                } catch (Exception closed) {
                    return;
                }
            }
        }

        private static String headers(InputStream in) throws IOException {
            StringBuilder text = new StringBuilder();
            while (!text.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                text.append((char) b);
            }
            return text.toString();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
