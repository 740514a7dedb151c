package io.nglive.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A real WebSocket client of {@code /ws} (the JDK's), keeping every event it receives in order. */
public final class EventClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private WebSocket socket;

    private EventClient() {
    }

    public static EventClient connect(URI uri) {
        EventClient client = new EventClient();
        StringBuilder partial = new StringBuilder();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        client.events.add(JSON.readTree(partial.toString()));
                    } catch (IOException e) {
                        throw new IllegalStateException("not JSON: " + partial, e);
                    }
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }
        };
        try {
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
            return client;
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + uri + ": " + e, e);
        }
    }

    /** Every event received so far, in order. */
    public List<JsonNode> all() {
        return List.copyOf(events);
    }

    /** The events received so far, heartbeats left out. */
    public List<JsonNode> stored() {
        return all().stream().filter(e -> !"heartbeat".equals(e.path("type").asText())).toList();
    }

    /** The types of the events about one job, in order. */
    public List<String> typesOfJob(long jobId) {
        List<String> types = new ArrayList<>();
        for (JsonNode e : all()) {
            if (e.path("jobId").asLong(-1) == jobId) {
                types.add(e.path("type").asText());
            }
        }
        return types;
    }

    /** Waits until an event matching {@code condition} has arrived, and returns it. */
    public JsonNode await(Predicate<JsonNode> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode e : all()) {
                if (condition.test(e)) {
                    return e;
                }
            }
            NgliveProcess.sleep(50);
        }
        throw new AssertionError("no matching event within " + timeout + "; received: " + all());
    }

    public JsonNode awaitType(String type, Duration timeout) {
        return await(e -> type.equals(e.path("type").asText()), timeout);
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
}
