package io.nglive.cluster;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.nglive.protocol.Ack;
import io.nglive.protocol.Command;
import io.nglive.protocol.Event;
import io.nglive.protocol.Frame;
import io.nglive.protocol.Frames;
import io.nglive.protocol.Hello;
import io.nglive.protocol.Reply;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.ServerWebSocket;
import org.apache.camel.Exchange;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes' WebSocket connections on {@code /nodes} (routes/central/10-nodes): each node's frames are handled one at
 * a time and in order (its events are stored, then acknowledged), different nodes' in parallel on a few threads, never
 * on Vert.x's event loop. Commands to a node are matched to their replies by id.
 */
public final class NodeSessions implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(NodeSessions.class);

    private final Executor workers;
    private final long commandTimeoutMillis;
    private final Map<String, Session> byConnection = new ConcurrentHashMap<>();
    private final Map<String, Session> byNode = new ConcurrentHashMap<>();
    private final AtomicLong commandIds = new AtomicLong();
    private volatile Cluster cluster;

    public NodeSessions(Executor workers, long commandTimeoutMillis) {
        this.workers = workers;
        this.commandTimeoutMillis = commandTimeoutMillis;
    }

    void handTo(Cluster cluster) {
        this.cluster = cluster;
    }

    /** A node connected (the route's OPEN event; the token was checked by {@link NodeGuard}). */
    public void open(Exchange exchange) {
        String key = exchange.getMessage().getHeader(VertxWebsocketConstants.CONNECTION_KEY, String.class);
        byConnection.put(key, new Session(exchange.getMessage().getBody(ServerWebSocket.class)));
    }

    /** A frame from a node (the route's MESSAGE event). */
    public void received(Exchange exchange) {
        Session session = byConnection.get(
                exchange.getMessage().getHeader(VertxWebsocketConstants.CONNECTION_KEY, String.class));
        String text = exchange.getMessage().getBody(String.class);
        if (session != null && text != null) {
            session.lastHeard = System.nanoTime();
            session.submit(() -> handle(session, text));
        }
    }

    /** A node's connection closed (the route's CLOSE event). */
    public void close(Exchange exchange) {
        Session session = byConnection.remove(
                exchange.getMessage().getHeader(VertxWebsocketConstants.CONNECTION_KEY, String.class));
        if (session != null) {
            session.submit(() -> closed(session));
        }
    }

    /**
     * A connection failed (the route's exceptionHandler; its CLOSE event follows). A node that vanished, killed or cut
     * off, is one line naming it, where Camel would log a warning with a stack trace; anything else keeps its trace.
     */
    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (exchange == null) {
            handleException(message, exception);
            return;
        }
        String key = exchange.getMessage().getHeader(VertxWebsocketConstants.CONNECTION_KEY, String.class);
        Session session = key == null ? null : byConnection.get(key);
        Object who = session != null ? session.shown()
                : exchange.getMessage().getHeader(VertxWebsocketConstants.REMOTE_ADDRESS);
        if (exception instanceof HttpClosedException || exception instanceof IOException) {
            LOG.info("node {}: its connection was cut ({})", who, exception.getMessage() == null
                    ? exception.getClass().getSimpleName() : exception.getMessage());
        } else {
            LOG.warn("node {}: its connection failed", who, exception);
        }
    }

    /**
     * A failure of the channel that names no connection: a connection cut is one line, anything else a warning with its
     * trace, as Camel would log it.
     */
    @Override
    public void handleException(String message, Throwable exception) {
        if (exception instanceof HttpClosedException || exception instanceof IOException) {
            LOG.info("the nodes' channel: a connection was cut ({})", exception.getMessage() == null
                    ? exception.getClass().getSimpleName() : exception.getMessage());
        } else {
            LOG.warn("the nodes' channel: {}", message, exception);
        }
    }

    @Override
    public void handleException(Throwable exception) {
        handleException("a failure", exception);
    }

    /** Sends a command to a connected node; the reply, or a failure naming why there is none. */
    public CompletableFuture<Reply> command(String nodeId, String name, JsonNode args, Long epoch) {
        Session session = byNode.get(nodeId);
        if (session == null) {
            return CompletableFuture.failedFuture(new NodeUnavailable("is not connected"));
        }
        String id = "c-" + commandIds.incrementAndGet();
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        session.pending.put(id, reply);
        session.socket.writeTextMessage(Frames.write(new Command(TextNode.valueOf(id), name, args, epoch)));
        return reply.orTimeout(commandTimeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((r, failure) -> session.pending.remove(id));
    }

    /** How long a command waits for its reply. */
    public long commandTimeoutMillis() {
        return commandTimeoutMillis;
    }

    /** How long ago the node was last heard on its connection; empty when it has none. */
    public Optional<Long> silentMillis(String nodeId) {
        Session session = byNode.get(nodeId);
        return session == null ? Optional.empty()
                : Optional.of(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - session.lastHeard));
    }

    public boolean connected(String nodeId) {
        return byNode.containsKey(nodeId);
    }

    public int size() {
        return byNode.size();
    }

    /** Closes a connection that stayed silent too long: the node dials again if it is still there. */
    public void drop(String nodeId, String why) {
        Session session = byNode.get(nodeId);
        if (session != null) {
            session.socket.close((short) 1001, why);
        }
    }

    private void handle(Session session, String text) {
        if (session.failed) {
            // an earlier frame failed and was not acknowledged: this one is not taken either (an ack of it would
            // acknowledge the failed one too), and the node sends both again on its next connection
            return;
        }
        Frame frame;
        try {
            frame = Frames.read(text);
        } catch (Frames.BadFrame e) {
            LOG.warn("node {} sent a frame that cannot be read (ignored): {}", session.shown(), e.getMessage());
            return;
        }
        if (session.nodeId == null) {
            if (!(frame instanceof Hello hello)) {
                LOG.warn("a node sent {} before its hello: connection closed", frame.type());
                session.socket.close((short) 1008, "hello first");
                return;
            }
            hello(session, hello);
            return;
        }
        if (frame instanceof Event event) {
            if (event.heartbeat()) {
                cluster.heartbeat(session.nodeId, event);
            } else {
                cluster.eventFrom(session.nodeId, session.name, event);
                session.socket.writeTextMessage(Frames.write(new Ack(event.seq())));
            }
        } else if (frame instanceof Reply reply) {
            CompletableFuture<Reply> waiting = reply.id() == null ? null : session.pending.remove(reply.id().asText());
            if (waiting != null) {
                waiting.complete(reply);
            }
        } else {
            LOG.debug("ignored a {} frame from node {}", frame.type(), session.shown());
        }
    }

    private void hello(Session session, Hello hello) {
        session.nodeId = hello.nodeId();
        session.name = hello.node();
        Session older = byNode.put(hello.nodeId(), session);
        if (older != null && older != session) {
            // the node dialled again before its old connection was seen to close: the newer one is the node
            older.socket.close((short) 1000, "replaced by a newer connection of the same node");
        }
        cluster.joined(hello);
    }

    private void closed(Session session) {
        session.pending.values().forEach(reply -> reply.completeExceptionally(
                new NodeUnavailable("closed its connection before it answered")));
        if (session.nodeId != null && byNode.remove(session.nodeId, session)) {
            cluster.disconnected(session.nodeId, session.name);
        }
    }

    /** A node's connection: its frames run one after another on the shared workers. */
    private final class Session {
        final ServerWebSocket socket;
        final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
        final ArrayDeque<Runnable> mailbox = new ArrayDeque<>();
        volatile long lastHeard = System.nanoTime();
        volatile String nodeId;
        volatile String name;
        /** A frame failed: the connection is closing, and the frames after it are dropped unread. */
        volatile boolean failed;
        private boolean running;

        Session(ServerWebSocket socket) {
            this.socket = socket;
        }

        void submit(Runnable work) {
            synchronized (mailbox) {
                mailbox.add(work);
                if (running) {
                    return;
                }
                running = true;
            }
            workers.execute(this::drain);
        }

        private void drain() {
            while (true) {
                Runnable next;
                synchronized (mailbox) {
                    next = mailbox.poll();
                    if (next == null) {
                        running = false;
                        return;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException e) {
                    // the frame is not acknowledged: the node sends it again on its next connection
                    failed = true;
                    LOG.warn("node {}: a frame failed ({}); closing the connection so that it is sent again",
                            shown(), e.toString());
                    socket.close((short) 1011, "the central server could not store a frame");
                }
            }
        }

        String shown() {
            return name != null ? name + " (" + nodeId + ")" : socket.remoteAddress() + "";
        }
    }

    /** A command that could not reach a node, or got no answer. */
    public static final class NodeUnavailable extends RuntimeException {
        public NodeUnavailable(String message) {
            super(message);
        }
    }
}
