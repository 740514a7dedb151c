package io.nglive.central;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.nglive.Backoff;
import io.nglive.NodeSettings;
import io.nglive.Redaction;
import io.nglive.events.Cursors;
import io.nglive.events.EventLog;
import io.nglive.events.EventsPruned;
import io.nglive.protocol.Ack;
import io.nglive.protocol.Command;
import io.nglive.protocol.Frame;
import io.nglive.protocol.Frames;
import io.nglive.protocol.Hello;
import io.nglive.protocol.Reply;
import io.nglive.protocol.StandbyRefusal;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of the central channel (docs/protocol.md): one WebSocket that the node dials out to
 * {@code nglive.central.url}, so that a central server can reach machines behind NAT; of several URLs (one central
 * server's instances), to whichever accepts it ({@link CentralRound}). On every connection the node says hello (its
 * name, its stable id, its version and the last seq the server acknowledged, whichever instance it was), sends every
 * stored event after that seq in order, then live events and heartbeats, and runs the server's commands.
 *
 * <p>The outbox is the database: the node reads the next events from the {@link EventLog} only when the previous
 * frame has been written to the socket, so a slow or stalled server holds up a cursor, never memory, and what was
 * emitted while no server was there is sent when one is. Acknowledgements are stored ({@link Cursors}, consumer
 * {@value #CONSUMER}); after a reconnect everything after the last one is sent again (at least once).
 *
 * <p>The connection is kept for as long as the node runs: lost or refused, the next URL is dialled at once, and once
 * every URL failed in a round, after a delay that doubles up to {@code nglive.central.retry-max-delay}, with jitter,
 * for ever; the round and the delay start over once a server has acknowledged something or sent a command. A
 * connection that stays silent (not even answering pings) for {@code nglive.central.timeout} is given up. None of
 * this ever holds up recording, transcoding or uploading.
 *
 * <p>Every connection's state lives on one thread ({@link #loop}); the socket's callbacks hand their work to it.
 */
public final class CentralChannel extends ServiceSupport implements EventLog.Listener {

    /** The central server's name in the consumer table. */
    public static final String CONSUMER = "central";

    private static final Logger LOG = LoggerFactory.getLogger(CentralChannel.class);
    /** Events read from the outbox at once; the only events held in memory. */
    private static final int BATCH = 32;
    /** The longest frame accepted from the server (commands are small). */
    private static final int MAX_FRAME_CHARS = 1 << 20;
    /** Replies waiting to be written before the node gives the connection up: a server that sends but never reads. */
    private static final int MAX_PENDING_FRAMES = 1000;
    /** Commands run one at a time, in the order they came: "add" then "remove" must not be swapped. */
    private static final int COMMAND_THREADS = 1;
    private static final int COMMAND_QUEUE = 64;
    /** How long an acknowledgement may wait to be stored, so that many make one commit. */
    private static final long ACK_STORE_DELAY_MS = 100;

    private final CentralSettings settings;
    private final NodeSettings node;
    private final String nodeId;
    private final String version;
    private final EventLog log;
    private final Cursors cursors;
    private final CentralCommands commands;
    private final HttpClient client;
    private final Backoff backoff;
    /** A standby refused the node in the current round (StandbyServer's 503): an election is under way. */
    private boolean standbyThisRound;
    /** Only touched on {@link #loop}. */
    private final CentralRound round;
    private final AtomicReference<EventLog.Stored> heartbeat = new AtomicReference<>();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    private ScheduledExecutorService loop;
    /** A {@link #storeAck} is scheduled; only touched on {@link #loop}, as is {@link #ackStored}. */
    private boolean ackStoreQueued;
    private long ackStored;
    private ExecutorService commandPool;
    /** The connection being opened or open; only touched on {@link #loop}. */
    private Connection current;
    private volatile boolean stopping;

    // what /observe/health shows
    /** The URL connected, being dialled, or last tried: redacted. */
    private volatile String url;
    private volatile String state = "starting";
    private volatile String problem;
    /** Why the last connection ended or failed, kept while the next one is up. */
    private volatile String lastProblem;
    private volatile Instant since = Instant.now();
    private volatile int attempts;
    /** The last seq the server acknowledged (written on {@link #loop} only); stored up to {@link #ackStored}. */
    private volatile long acked;

    public CentralChannel(CentralSettings settings, NodeSettings node, String nodeId, String version, EventLog log,
                          Cursors cursors, CentralCommands commands) {
        this.settings = settings;
        this.node = node;
        this.nodeId = nodeId;
        this.version = version;
        this.log = log;
        this.cursors = cursors;
        this.commands = commands;
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.backoff = new Backoff(settings.retryDelay(), settings.retryMaxDelay());
        this.round = new CentralRound(settings.urls());
        this.url = CentralSettings.shown(round.current());
    }

    @Override
    protected void doStart() {
        stopping = false;
        acked = cursors.position(CONSUMER, 0);
        ackStored = acked;
        ScheduledThreadPoolExecutor single = new ScheduledThreadPoolExecutor(1, daemon("nglive-central"));
        single.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // a stop does not wait for the next dial
        loop = single;
        commandPool = new ThreadPoolExecutor(COMMAND_THREADS, COMMAND_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(COMMAND_QUEUE), daemon("nglive-central-command"));
        log.addListener(this);
        long check = Math.max(200, settings.timeout().toMillis() / 3);
        loop.scheduleWithFixedDelay(this::checkAlive, check, check, TimeUnit.MILLISECONDS);
        loop.execute(this::connect);
    }

    @Override
    protected void doStop() throws InterruptedException {
        stopping = true;
        log.removeListener(this);
        loop.execute(() -> {
            storeAck();
            Connection c = current;
            current = null;
            if (c != null && c.socket != null) {
                c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "node stopping");
            }
        });
        loop.shutdown();
        if (!loop.awaitTermination(2, TimeUnit.SECONDS)) {
            loop.shutdownNow();
        }
        commandPool.shutdownNow();
        state = "stopped";
    }

    /** What {@code /observe/health} shows: the state of the connection and how far the server has received. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("url", url);
        status.put("state", state);
        status.put("since", since.toString());
        status.put("lastAcked", acked);
        status.put("lastSeq", log.lastSeq());
        status.put("failedAttempts", attempts);
        status.put("problem", problem);
        status.put("lastProblem", lastProblem);
        return status;
    }

    @Override
    public void appended(long seq) {
        wake();
    }

    @Override
    public void transientEvent(long seq, String json) {
        heartbeat.set(new EventLog.Stored(seq, json));
        wake();
    }

    /** Asks the loop to send what is pending; many wake-ups before it runs make one. */
    private void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            onLoop(() -> {
                wakeQueued.set(false);
                pump(current);
            });
        }
    }

    private void connect() {
        if (stopping) {
            return;
        }
        Connection c = new Connection(round.current());
        current = c;
        url = c.shown;
        changeState("connecting", problem);
        client.newWebSocketBuilder()
                .connectTimeout(settings.timeout())
                .buildAsync(c.url, c)
                .whenCompleteAsync((socket, failure) -> {
                    if (failure != null) {
                        Standby standby = Standby.of(failure);
                        lost(c, standby != null ? standby.why(round) : "cannot connect: " + reason(failure), standby);
                    }
                }, loop);
    }

    /** The handshake succeeded: hello, then the events after the last acknowledged one. */
    private void opened(Connection c, WebSocket socket) {
        if (c != current || stopping) {
            socket.abort();
            return;
        }
        c.socket = socket;
        c.lastHeard = System.nanoTime();
        // acked is the stored position: read at start, written when the last connection ended (storeAck)
        c.cursor = acked;
        c.frames.add(Frames.write(new Hello(node.name(), nodeId, version, acked, node.capacity(), node.labels())));
        heartbeat.set(null); // one from before this connection is stale: the next comes within the interval
        changeState("connected", null);
        LOG.info("connected to the central server {} (sending the events after seq {})", c.shown, acked);
        pump(c);
    }

    /** Writes the next frame unless one is being written: replies first, then stored events, then the heartbeat. */
    private void pump(Connection c) {
        if (c == null || c != current || c.socket == null || c.writing) {
            return;
        }
        String frame = c.nextFrame();
        if (frame == null) {
            return;
        }
        c.writing = true;
        c.socket.sendText(frame, true).whenCompleteAsync((socket, failure) -> {
            c.writing = false;
            if (failure != null) {
                lost(c, "cannot send: " + reason(failure));
            } else {
                pump(c);
            }
        }, loop);
    }

    private void received(Connection c, String text) {
        if (c != current) {
            return;
        }
        c.lastHeard = System.nanoTime();
        Frame frame;
        try {
            frame = Frames.read(text);
        } catch (Frames.BadFrame e) {
            LOG.warn("the central server sent a frame that nglive cannot read (ignored): {}", e.getMessage());
            return;
        }
        if (frame instanceof Ack ack) {
            ack(c, ack.seq());
        } else if (frame instanceof Command command) {
            command(c, command);
        } else {
            LOG.debug("ignored a frame of type '{}' from the central server", frame.type());
        }
    }

    /** Everything up to {@code seq} reached the server: stored, never past what was sent on this connection. */
    private void ack(Connection c, long seq) {
        long upTo = Math.min(seq, c.cursor);
        serverAnswered();
        if (upTo > acked) {
            acked = upTo;
            if (!ackStoreQueued) {
                // a server that acknowledges every event costs one commit per ACK_STORE_DELAY, not one per event
                ackStoreQueued = true;
                loop.schedule(this::storeAck, ACK_STORE_DELAY_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The server acknowledged something or sent a command: it accepts this node, so the next dial is soon again. */
    private void serverAnswered() {
        backoff.reset();
        round.reset();
        standbyThisRound = false;
        attempts = 0;
    }

    /** Stores the last acknowledgement (a crash before it only makes those events come again). */
    private void storeAck() {
        ackStoreQueued = false;
        if (acked > ackStored) {
            cursors.advance(CONSUMER, acked);
            ackStored = acked;
        }
    }

    /** Runs the command on the command threads, never on the loop (a room change may wait for the recorder). */
    private void command(Connection c, Command command) {
        serverAnswered();
        try {
            commandPool.execute(() -> {
                Reply reply = commands.run(command);
                onLoop(() -> reply(c, reply));
            });
        } catch (RejectedExecutionException busy) {
            reply(c, commands.busy(command));
        }
    }

    private void reply(Connection c, Reply reply) {
        if (c != current) {
            return; // the connection the command came on is gone; the server knows it got no reply
        }
        if (c.frames.size() >= MAX_PENDING_FRAMES) {
            lost(c, MAX_PENDING_FRAMES + " replies waiting: the central server sends commands but does not read");
            return;
        }
        c.frames.add(Frames.write(reply));
        pump(c);
    }

    /** Pings the server, and gives up a connection that has been silent for longer than the timeout. */
    private void checkAlive() {
        Connection c = current;
        if (c == null || c.socket == null) {
            return;
        }
        long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c.lastHeard);
        if (silentMillis > settings.timeout().toMillis()) {
            lost(c, "no answer for " + silentMillis + " ms, not even to a ping (nglive.central.timeout)");
            return;
        }
        if (!c.pinging) {
            c.pinging = true;
            c.socket.sendPing(ByteBuffer.wrap("nglive".getBytes(StandardCharsets.US_ASCII)))
                    .whenCompleteAsync((socket, failure) -> {
                        c.pinging = false;
                        if (failure != null) {
                            lost(c, "cannot send: " + reason(failure));
                        }
                    }, loop);
        }
    }

    private void lost(Connection c, String why) {
        lost(c, why, null);
    }

    /**
     * The connection failed or ended: dial the next URL at once, or, when every URL failed this round, after the next
     * delay. {@code standby} is a standby's refusal (null for any other failure); the leader it names is dialled next.
     */
    private void lost(Connection c, String why, Standby standby) {
        if (c != current) {
            return;
        }
        current = null;
        if (c.socket != null) {
            c.socket.abort();
        }
        storeAck();
        if (stopping) {
            return;
        }
        attempts++;
        String shownWhy = Redaction.secrets(why);
        changeState("disconnected", shownWhy);
        standbyThisRound |= standby != null;
        boolean atOnce = round.failed(standby == null ? null : standby.leader());
        String next = CentralSettings.shown(round.current());
        if (atOnce) {
            if (standby != null) {
                // the cluster working as meant, not a fault; a whole round refused is still a warning (below)
                LOG.info("central server {}: {}; trying {} now", c.shown, shownWhy, next);
            } else {
                LOG.warn("central server {}: {}; trying {} now (attempt {})", c.shown, shownWhy, next, attempts + 1);
            }
            onLoop(this::connect);
            return;
        }
        // a standby answered this round: the instances are up and electing a leader, which takes seconds; wait as
        // its Retry-After says, so that a node is back soon after the election, not after a grown backoff
        Duration delay = standbyThisRound ? standbyDelay() : backoff.next();
        standbyThisRound = false;
        LOG.warn("central server {}: {}; trying {} in {} ms (attempt {})", c.shown, shownWhy,
                next.equals(c.shown) ? "again" : next, delay.toMillis(), attempts + 1);
        loop.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A standby's Retry-After (1 s), spread over 0.5 to 1.5 s so that many nodes do not come back at one instant. */
    private static Duration standbyDelay() {
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(500, 1_500));
    }

    private void changeState(String newState, String newProblem) {
        if (!newState.equals(state)) {
            since = Instant.now();
        }
        state = newState;
        problem = newProblem;
        if (newProblem != null) {
            lastProblem = newProblem;
        }
    }

    /** Runs {@code work} on the loop; after the stop there is none, and nothing left to do. */
    private void onLoop(Runnable work) {
        try {
            loop.execute(work);
        } catch (RejectedExecutionException stopped) {
            // the node is stopping
        }
    }

    private static String reason(Throwable failure) {
        Throwable cause = cause(failure);
        if (cause instanceof WebSocketHandshakeException handshake) {
            return "the server refused the WebSocket handshake with HTTP " + handshake.getResponse().statusCode()
                    + (handshake.getResponse().statusCode() == 401 || handshake.getResponse().statusCode() == 403
                    ? " (is the token in nglive.central.url right?)" : "");
        }
        if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException) {
            return "no connection within nglive.central.timeout";
        }
        String message = cause.getMessage();
        if (cause instanceof ConnectException && (message == null || message.isBlank())) {
            return "connection refused";
        }
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static Throwable cause(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * A central server's standby refusing the handshake with 503 and {@code {"error": ..., "leader": "host:port"}}.
     *
     * @param leader the leader's host:port, or null when the standby does not know it
     */
    record Standby(String leader) {

        static final int STATUS = StandbyRefusal.STATUS;

        /**
         * The standby's refusal in {@code failure}; null when the failure is something else, such as a proxy's 503
         * (no {@code leader} in a JSON body). The JDK reads a refused handshake's body as a String.
         */
        static Standby of(Throwable failure) {
            if (!(cause(failure) instanceof WebSocketHandshakeException handshake)
                    || handshake.getResponse().statusCode() != STATUS
                    || !(handshake.getResponse().body() instanceof String body)) {
                return null;
            }
            return StandbyRefusal.read(body).map(refusal -> new Standby(refusal.leader())).orElse(null);
        }

        String why(CentralRound round) {
            return "refused with HTTP " + STATUS + " by a standby, " + (leader == null ? "which names no leader"
                    : "which names the leader " + leader
                    + (round.indexOf(leader) < 0 ? " (not in nglive.central.url)" : ""));
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One connection: the socket's callbacks (on the HTTP client's threads) hand everything to the loop. */
    private final class Connection implements WebSocket.Listener {

        final URI url;
        /** The URL without its secrets. */
        final String shown;
        WebSocket socket;
        /** The seq of the last event or heartbeat handed to the socket. */
        long cursor;
        long lastHeard;
        boolean writing;
        boolean pinging;
        /** Frames that go before events: the hello and replies. */
        final ArrayDeque<String> frames = new ArrayDeque<>();
        /** Events read from the outbox and not yet written. */
        final ArrayDeque<EventLog.Stored> events = new ArrayDeque<>();
        /** A text message arriving in parts. */
        private final StringBuilder partial = new StringBuilder();

        Connection(URI url) {
            this.url = url;
            this.shown = CentralSettings.shown(url);
        }

        String nextFrame() {
            if (!frames.isEmpty()) {
                return frames.poll();
            }
            if (events.isEmpty()) {
                try {
                    events.addAll(log.after(cursor, BATCH));
                } catch (EventsPruned gap) {
                    // only when the server was away for longer than the retention while not configured
                    LOG.warn("the central server has not received {}", gap.getMessage());
                    cursor = gap.prunedThrough();
                    return gap.frame();
                }
            }
            EventLog.Stored event = events.poll();
            if (event != null) {
                cursor = event.seq();
                return event.json();
            }
            // a heartbeat's seq was taken after every stored event before it was committed, so it goes out last
            EventLog.Stored beat = heartbeat.getAndSet(null);
            if (beat != null && beat.seq() > cursor) {
                cursor = beat.seq();
                return beat.json();
            }
            return null;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
            onLoop(() -> opened(this, webSocket));
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (partial.length() + data.length() > MAX_FRAME_CHARS) {
                partial.setLength(0);
                onLoop(() -> lost(this, "the central server sent a frame over " + MAX_FRAME_CHARS + " characters"));
                return null;
            }
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onLoop(() -> received(this, text));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            heard();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            heard();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            onLoop(() -> lost(this, "closed by the central server (" + statusCode
                    + (reason == null || reason.isBlank() ? "" : " " + reason) + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onLoop(() -> lost(this, reason(error)));
        }

        private void heard() {
            onLoop(() -> lastHeard = System.nanoTime());
        }
    }
}
