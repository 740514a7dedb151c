import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

/**
 * N WebSocket subscribers on nglive's /ws, then M webhooks posted one after another: for each event and each
 * subscriber, the time from the webhook's request to the event's arrival, after 20 events to warm up. Prints one
 * JSON line.
 * Run: java -cp target/nglive.jar bench/WsSubscribers.java PORT SUBSCRIBERS EVENTS
 */
public class WsSubscribers {
    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1); // Vert.x's threads would keep the JVM alive
        }
    }

    static void run(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int subscribers = Integer.parseInt(args[1]);
        int events = Integer.parseInt(args[2]);
        Vertx vertx = Vertx.vertx();
        var client = vertx.createHttpClient(new HttpClientOptions().setMaxWebSockets(subscribers));
        Map<String, Long> sent = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch connected = new CountDownLatch(subscribers);
        CountDownLatch received = new CountDownLatch(subscribers * events);
        for (int i = 0; i < subscribers; i++) {
            client.webSocket(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
                    .onSuccess(ws -> {
                        connected.countDown();
                        ws.textMessageHandler(text -> {
                            long now = System.nanoTime();
                            String id = new JsonObject(text).getString("eventId");
                            Long at = id == null ? null : sent.get(id);
                            if (at != null) {
                                latencies.add(now - at);
                                received.countDown();
                            }
                        });
                    })
                    .onFailure(e -> { System.err.println("connect failed: " + e); System.exit(2); });
        }
        if (!connected.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + (subscribers - connected.getCount()) + " subscribers connected");
        }
        HttpClient http = HttpClient.newHttpClient();
        URI webhook = URI.create("http://127.0.0.1:" + port + "/webhook");
        int warmUp = 20; // the JIT's first compilations are not what a running node costs
        for (int i = -warmUp; i < events; i++) {
            String id = (i < 0 ? "warm-" : "") + UUID.randomUUID().toString();
            String body = "{\"EventType\":\"SessionStarted\",\"EventTimestamp\":\"2024-11-24T20:30:00+08:00\","
                    + "\"EventId\":\"" + id + "\",\"EventData\":{\"RoomId\":23058,\"Title\":\"bench\"}}";
            if (i >= 0) {
                sent.put(id, System.nanoTime());
            }
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(webhook)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("webhook answered " + answer.statusCode() + ": " + answer.body());
            }
            Thread.sleep(20);
        }
        boolean all = received.await(60, TimeUnit.SECONDS);
        List<Long> sorted;
        synchronized (latencies) {
            sorted = new ArrayList<>(latencies);
        }
        Collections.sort(sorted);
        System.out.printf("JSON {\"subscribers\":%d,\"events\":%d,\"deliveries\":%d,\"complete\":%b,"
                        + "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}%n", subscribers, events, sorted.size(), all,
                pct(sorted, 50), pct(sorted, 99), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
        vertx.close();
        System.exit(0);
    }

    static double pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, i)) / 1e6;
    }
}
