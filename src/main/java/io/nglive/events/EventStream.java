package io.nglive.events;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.vertx.core.http.ServerWebSocket;
import org.apache.camel.Exchange;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscribers of {@code /ws}. Each one is a cursor over the {@link EventLog}: on connect it starts at
 * {@code ?since=N} (or at the newest event), and every append wakes it to send what lies after its cursor, in
 * seq order, at most one batch in flight per subscriber. A slow client holds only its cursor, never a queue. A
 * cursor behind events pruned from the outbox gets one {@code pruned} frame naming them, then goes on after them.
 */
public final class EventStream implements EventLog.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    private static final int BATCH = 256;

    private final EventLog log;
    private final Executor executor;
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();

    public EventStream(EventLog log, Executor executor) {
        this.log = log;
        this.executor = executor;
        log.addListener(this);
    }

    /** A WebSocket connected (the route's OPEN event): the body is the socket, {@code since} a query parameter. */
    public void open(Exchange exchange) {
        String key = exchange.getMessage().getHeader(VertxWebsocketConstants.CONNECTION_KEY, String.class);
        ServerWebSocket socket = exchange.getMessage().getBody(ServerWebSocket.class);
        String since = exchange.getMessage().getHeader("since", String.class);
        long cursor = log.lastSeq();
        if (since != null && !since.isBlank()) {
            try {
                cursor = Math.max(0, Long.parseLong(since.trim()));
            } catch (NumberFormatException e) {
                socket.close((short) 1008, "since must be a number");
                return;
            }
        }
        Subscriber subscriber = new Subscriber(socket, cursor);
        subscribers.put(key, subscriber);
        // no closeHandler here: it would replace Camel's, which forgets the peer and fires the route's CLOSE event
        subscriber.wake();
    }

    /** A WebSocket closed (the route's CLOSE event). */
    public void close(Exchange exchange) {
        subscribers.remove(exchange.getMessage().getHeader(VertxWebsocketConstants.CONNECTION_KEY, String.class));
    }

    public int size() {
        return subscribers.size();
    }

    @Override
    public void appended(long seq) {
        subscribers.values().forEach(Subscriber::wake);
    }

    @Override
    public void transientEvent(long seq, String json) {
        for (Subscriber s : subscribers.values()) {
            s.latestTransient.set(new EventLog.Stored(seq, json));
            s.wake();
        }
    }

    private final class Subscriber {

        /**
         * Sends the pending heartbeat once every stored event before it has been sent: its seq was taken after theirs
         * were committed, so the client sees seqs in order. A heartbeat that a faster event overtook is dropped.
         */
        private void sendTransient() {
            EventLog.Stored heartbeat = latestTransient.getAndSet(null);
            if (heartbeat != null && heartbeat.seq() > cursor) {
                socket.writeTextMessage(heartbeat.json());
                cursor = heartbeat.seq();
            }
        }

        final ServerWebSocket socket;
        volatile long cursor;
        /** The newest heartbeat not sent yet; older ones are simply replaced. */
        final AtomicReference<EventLog.Stored> latestTransient = new AtomicReference<>();
        /** Wake-ups not yet handled; only the caller that raises it from 0 schedules a drain. */
        final AtomicInteger wakeups = new AtomicInteger();

        Subscriber(ServerWebSocket socket, long cursor) {
            this.socket = socket;
            this.cursor = cursor;
        }

        void wake() {
            if (wakeups.getAndIncrement() == 0) {
                executor.execute(this::drain);
            }
        }

        private void drain() {
            int missed = 1;
            while (true) {
                try {
                    send();
                } catch (RuntimeException e) {
                    LOG.debug("WebSocket subscriber dropped: {}", e.toString());
                    socket.close();
                    return;
                }
                missed = wakeups.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void send() {
            while (!socket.isClosed()) {
                if (socket.writeQueueFull()) {
                    socket.drainHandler(v -> wake());
                    return;
                }
                List<EventLog.Stored> batch;
                try {
                    batch = log.after(cursor, BATCH);
                } catch (EventsPruned gap) {
                    socket.writeTextMessage(gap.frame());
                    cursor = gap.prunedThrough();
                    continue;
                }
                if (batch.isEmpty()) {
                    sendTransient();
                    return;
                }
                for (EventLog.Stored event : batch) {
                    socket.writeTextMessage(event.json());
                    cursor = event.seq();
                }
            }
        }
    }
}
