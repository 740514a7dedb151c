package io.nglive.testing;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.nglive.protocol.Ack;
import io.nglive.protocol.Command;
import io.nglive.protocol.Frames;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

/**
 * The central server of nglive's reverse WebSocket ({@code nglive.central.url}), for tests: a real WebSocket
 * server on 127.0.0.1 (Vert.x) that the node dials out to.
 *
 * <ul>
 * <li>A handshake whose {@code ?token=} is not the expected one is refused with HTTP 401. Every handshake attempt,
 * accepted or refused, is counted with its time ({@link #attempts()}).</li>
 * <li>It can be one of several instances of a central server: a standby that refuses every node with HTTP 503 naming
 * the leader ({@link #refuseAsStandby}) until it leads ({@link #becomeLeader}), and that answers each hello with an
 * ack of what it has of the node ({@link #answerHelloWithAck}).</li>
 * <li>Every frame received is kept, parsed, per connection and in arrival order ({@link Connection#frames()}).
 * {@link #events()} are the stored events (frames with a {@code seq}, heartbeats left out).</li>
 * <li>It acknowledges on request ({@link #ack}) or every event as it arrives ({@link #autoAck}), sends commands
 * and matches the replies by id ({@link #command}).</li>
 * <li>It can misbehave: close the connection ({@link #disconnect}), go away and come back on the same port
 * ({@link #stop}, {@link #start}), stop reading so that TCP backpressure reaches the node ({@link #pauseReading}),
 * accept connections only to close them at once ({@link #hangUpOnConnect}).</li>
 * </ul>
 * Every method may be called from any thread.
 */
public final class CentralServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final Vertx vertx = Vertx.vertx();
    private final String token;
    private final List<Instant> attempts = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<JsonNode>> pendingReplies = new ConcurrentHashMap<>();
    private final List<JsonNode> unmatchedReplies = new CopyOnWriteArrayList<>();
    private final AtomicLong commandIds = new AtomicLong();
    private volatile boolean autoAck;
    private volatile boolean hangUp;
    private volatile boolean paused;
    /** Refusing nodes as a standby; {@link #leader} is the leader it names (null: none). */
    private volatile boolean standby;
    private volatile String leader;
    private volatile long helloAck = -1;
    private volatile int port;
    private HttpServer server;

    /** A server for {@code port} (0: a free one, chosen at the first {@link #start}) that expects {@code token}. */
    public CentralServer(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** A server started on a free port. */
    public static CentralServer start(String token) {
        return new CentralServer(0, token).start();
    }

    /** Starts listening (again, on the same port after a {@link #stop}). */
    public synchronized CentralServer start() {
        if (server != null) {
            return this;
        }
        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                .setMaxWebSocketFrameSize(16 << 20).setMaxWebSocketMessageSize(16 << 20)
                // a fixed, small receive buffer: when reading is paused, the node feels it after a few frames
                .setReceiveBufferSize(64 * 1024);
        HttpServer started = vertx.createHttpServer(options).requestHandler(this::handshake);
        server = await(started.listen(), "listen on 127.0.0.1:" + port);
        port = server.actualPort();
        return this;
    }

    /** Stops listening and drops every connection, as a central server that goes away. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        await(server.close(), "close the server");
        server = null;
        connections.forEach(Connection::close);
        awaitDisconnected(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        stop();
        await(vertx.close(), "close Vert.x");
    }

    public int port() {
        return port;
    }

    /** The URL nglive dials ({@code nglive.central.url}), with the expected token. */
    public String url() {
        return url(token);
    }

    /** The URL with another token (null: none). */
    public String url(String withToken) {
        return "ws://127.0.0.1:" + port + "/central" + (withToken == null ? "" : "?token=" + withToken);
    }

    /** 127.0.0.1:port, as a standby names the leader. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** The time of every handshake attempt so far, accepted or refused, in order. */
    public List<Instant> attempts() {
        return List.copyOf(attempts);
    }

    /** Every connection accepted so far, oldest first. */
    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** The newest connection, open or not; null before the first. */
    public Connection current() {
        List<Connection> all = connections();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Waits for an open connection whose hello has arrived, and returns it (the newest if several are open). */
    public Connection awaitConnection(Duration timeout) {
        return poll("an open connection with a hello", timeout, () -> {
            Connection c = current();
            return c != null && c.isOpen() && c.hello() != null ? c : null;
        });
    }

    /** The hello of the connection {@link #awaitConnection} waits for. */
    public JsonNode awaitHello(Duration timeout) {
        return awaitConnection(timeout).hello();
    }

    /** Waits until no connection is open (after the node went away, or after {@link #disconnect}). */
    public void awaitDisconnected(Duration timeout) {
        poll("no open connection", timeout, () -> connections.stream().noneMatch(Connection::isOpen) ? true : null);
    }

    /** The stored events received on the newest connection, in arrival order (none before the first connection). */
    public List<JsonNode> events() {
        Connection c = current();
        return c == null ? List.of() : c.events();
    }

    /** The stored events received on every connection, in arrival order: a resent event appears more than once. */
    public List<JsonNode> allEvents() {
        List<JsonNode> all = new ArrayList<>();
        connections.forEach(c -> all.addAll(c.events()));
        return all;
    }

    /** Waits until a stored event matching {@code condition} has arrived on any connection, and returns the first. */
    public JsonNode awaitEvent(Predicate<JsonNode> condition, Duration timeout) {
        return poll("an event matching the condition", timeout,
                () -> allEvents().stream().filter(condition).findFirst().orElse(null));
    }

    /** Acknowledges everything up to {@code seq} on the newest connection; returns once the frame is written. */
    public void ack(long seq) {
        await(openConnection().ack(seq), "ack " + seq);
    }

    /** When on, every stored event is acknowledged as soon as it arrives (heartbeats are not). Off at first. */
    public CentralServer autoAck(boolean on) {
        autoAck = on;
        return this;
    }

    /**
     * Sends a command on the newest connection and returns its reply, matched by id, when it comes. {@code args}
     * is written as JSON (a Map, a JsonNode, but also a string or a list, to test bad arguments); null leaves
     * {@code args} out of the frame.
     */
    public CompletableFuture<JsonNode> command(String name, Object args) {
        return command(name, args, null);
    }

    /** {@link #command} with the room's placement {@code epoch} (null: none). */
    public CompletableFuture<JsonNode> command(String name, Object args, Long epoch) {
        String id = "cmd-" + commandIds.incrementAndGet();
        Command frame = new Command(TextNode.valueOf(id), name, args == null ? null : JSON.valueToTree(args), epoch);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pendingReplies.put(id, reply);
        send(Frames.write(frame));
        return reply;
    }

    /** {@link #command} and waits up to 30 s for its reply. */
    public JsonNode call(String name, Object args) {
        return call(name, args, null);
    }

    /** {@link #command} with the room's placement {@code epoch} (null: none), and waits up to 30 s for its reply. */
    public JsonNode call(String name, Object args, Long epoch) {
        try {
            return command(name, args, epoch).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no reply to " + name + " " + args + " within 30 s", e);
        }
    }

    /** Replies whose id matched no command sent (or a command already answered). */
    public List<JsonNode> unmatchedReplies() {
        return List.copyOf(unmatchedReplies);
    }

    /** Sends any frame (written as JSON) on the newest connection; returns once it is written. */
    public void send(Object frame) {
        String text = frame instanceof String s ? s : JSON.valueToTree(frame).toString();
        await(openConnection().socket.writeTextMessage(text), "send " + text);
    }

    /** Closes the newest connection from the server's side (1001 going away) and waits until it is closed. */
    public void disconnect() {
        Connection c = openConnection();
        c.close();
        poll("the connection closed", Duration.ofSeconds(10), () -> c.isOpen() ? null : true);
    }

    /** When on, every connection is closed (1013 try again later) as soon as it is accepted. Off at first. */
    public CentralServer hangUpOnConnect(boolean on) {
        hangUp = on;
        return this;
    }

    /**
     * From now on every handshake is refused as a standby does: HTTP 503, {@code Retry-After: 5} and
     * {@code {"error": ..., "leader": leaderHostPort}} (null: the standby does not know the leader).
     */
    public CentralServer refuseAsStandby(String leaderHostPort) {
        leader = leaderHostPort;
        standby = true;
        return this;
    }

    /** Accepts nodes again, as a standby that took over. */
    public CentralServer becomeLeader() {
        standby = false;
        return this;
    }

    /**
     * From now on each hello is answered with {@code {"type":"ack","seq":seq}}: what this instance has of the node,
     * when it shares its store with the one the node left (negative: no answer, the default).
     */
    public CentralServer answerHelloWithAck(long seq) {
        helloAck = seq;
        return this;
    }

    /** Stops reading from every connection, present and future: what the node sends piles up in TCP buffers. */
    public void pauseReading() {
        paused = true;
        connections.forEach(c -> c.onContext(c.socket::pause));
    }

    /** Reads again: what was held back arrives. */
    public void resumeReading() {
        paused = false;
        connections.forEach(c -> c.onContext(c.socket::resume));
    }

    private void handshake(HttpServerRequest request) {
        attempts.add(Instant.now());
        if (standby) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "this central server is a standby; nodes connect to the leader");
            body.put("leader", leader);
            request.response().setStatusCode(503).putHeader("Retry-After", "5")
                    .putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                    .end(JSON.valueToTree(body).toString());
            return;
        }
        if (token != null && !token.equals(request.getParam("token"))) {
            request.response().setStatusCode(401).putHeader("Connection", "close").end("wrong token");
            return;
        }
        request.toWebSocket().onSuccess(socket -> {
            Connection c = new Connection(socket, Vertx.currentContext());
            socket.textMessageHandler(c::received);
            socket.closeHandler(v -> c.open = false);
            connections.add(c);
            if (hangUp) {
                socket.close((short) 1013, "try again later");
            } else if (paused) {
                socket.pause();
            }
        });
    }

    private Connection openConnection() {
        Connection c = current();
        if (c == null || !c.isOpen()) {
            throw new IllegalStateException("no open connection");
        }
        return c;
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": " + e, e);
        }
    }

    private <T> T poll(String what, Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + "; " + this);
            }
            NgliveProcess.sleep(20);
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("central server on port " + port + ": " + attempts.size()
                + " handshake attempts, " + connections.size() + " connections");
        for (Connection c : connections) {
            text.append("\n  ").append(c);
        }
        return text.toString();
    }

    /** One accepted WebSocket connection and everything received on it. */
    public final class Connection {

        private final ServerWebSocket socket;
        private final Context context;
        private final Instant opened = Instant.now();
        private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        private volatile boolean open = true;
        private volatile long lastAck = -1;

        private Connection(ServerWebSocket socket, Context context) {
            this.socket = socket;
            this.context = context;
        }

        /** Every frame received, parsed (a frame that is not JSON is kept as a JSON string), in arrival order. */
        public List<JsonNode> frames() {
            return List.copyOf(frames);
        }

        /** The first frame if it is a hello, else null. */
        public JsonNode hello() {
            JsonNode first = frames.isEmpty() ? null : frames.get(0);
            return first != null && "hello".equals(first.path("type").asText()) ? first : null;
        }

        /** The stored events: frames that have a {@code seq}, heartbeats left out. */
        public List<JsonNode> events() {
            return frames.stream().filter(CentralServer::isEvent).toList();
        }

        /** The {@code seq} of every frame that has one (events and heartbeats), in arrival order. */
        public List<Long> seqs() {
            return frames.stream().filter(f -> f.path("seq").isNumber()).map(f -> f.path("seq").asLong()).toList();
        }

        /** Waits until a stored event matching {@code condition} has arrived on this connection, and returns it. */
        public JsonNode awaitEvent(Predicate<JsonNode> condition, Duration timeout) {
            return poll("event matching the condition on " + this, timeout,
                    () -> events().stream().filter(condition).findFirst().orElse(null));
        }

        public boolean isOpen() {
            return open;
        }

        public Instant opened() {
            return opened;
        }

        /** The highest seq acknowledged on this connection, -1 if none. */
        public long lastAck() {
            return lastAck;
        }

        private void received(String text) {
            JsonNode frame;
            try {
                frame = JSON.readTree(text);
            } catch (IOException e) {
                frame = JSON.getNodeFactory().textNode(text);
            }
            frames.add(frame);
            if (frames.size() == 1 && "hello".equals(frame.path("type").asText()) && helloAck >= 0) {
                ack(helloAck);
            } else if ("reply".equals(frame.path("type").asText())) {
                CompletableFuture<JsonNode> reply = pendingReplies.remove(frame.path("id").asText());
                if (reply == null) {
                    unmatchedReplies.add(frame);
                } else {
                    reply.complete(frame);
                }
            } else if (autoAck && isEvent(frame)) {
                ack(frame.path("seq").asLong());
            }
        }

        private Future<Void> ack(long seq) {
            lastAck = Math.max(lastAck, seq);
            return socket.writeTextMessage(Frames.write(new Ack(seq)));
        }

        private void close() {
            if (open) {
                socket.close((short) 1001, "going away");
            }
        }

        /** Runs on the connection's event loop and waits: Vert.x wants pause and resume there. */
        private void onContext(Runnable action) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            context.runOnContext(v -> {
                action.run();
                done.complete(null);
            });
            done.join();
        }

        @Override
        public String toString() {
            List<JsonNode> all = frames();
            List<Long> seqs = seqs();
            return "connection opened " + opened + (open ? " (open)" : " (closed)") + ": " + all.size() + " frames, "
                    + events().size() + " events" + (seqs.isEmpty() ? "" : ", seq " + seqs.get(0) + ".."
                    + seqs.get(seqs.size() - 1)) + ", hello " + hello() + ", last ack " + lastAck;
        }
    }

    private static boolean isEvent(JsonNode frame) {
        return frame.path("seq").isNumber() && !"heartbeat".equals(frame.path("type").asText());
    }
}
