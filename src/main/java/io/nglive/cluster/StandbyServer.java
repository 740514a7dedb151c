package io.nglive.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nglive.protocol.StandbyRefusal;
import org.apache.commons.text.StringEscapeUtils;

/**
 * What a standby central instance answers on the central server's port while another instance leads: its health
 * ({@code /observe/health}: up, not the leader, who is), and 503 to everything else, naming the leader, so that a
 * node tries its next central URL and a person is sent to the leader's dashboard. The JDK's own HTTP server: a
 * standby runs no central server, and so no Camel HTTP server either.
 */
public final class StandbyServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Leadership leadership;
    private final ExecutorService threads;

    private StandbyServer(HttpServer server, Leadership leadership) {
        this.server = server;
        this.leadership = leadership;
        // a client that does not read its answer holds one of these threads, not the health checks
        this.threads = Executors.newFixedThreadPool(4, work -> {
            Thread thread = new Thread(work, "standby-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext("/", this::answer);
    }

    /** Listens on {@code host:port} (the central server's own) until closed. */
    public static StandbyServer start(String host, int port, Leadership leadership) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 50);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " as a standby: " + e.getMessage(), e);
        }
        StandbyServer standby = new StandbyServer(server, leadership);
        server.start();
        return standby;
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            Optional<String> leader = leadership.leader();
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/observe/health") || path.startsWith("/observe/health/")) {
                if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    send(exchange, 405, "application/json", "{\"error\":\"GET or HEAD\"}");
                    return;
                }
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("leader", false);
                data.put("address", leadership.address());
                data.put("leaderAddress", leader.orElse(null));
                send(exchange, 200, "application/json", JSON.writeValueAsString(Map.of("status", "UP", "checks",
                        List.of(Map.of("name", "leadership", "status", "UP", "data", data)))));
                return;
            }
            StandbyRefusal refusal = StandbyRefusal.of(leader);
            exchange.getResponseHeaders().set("Retry-After", String.valueOf(StandbyRefusal.RETRY_AFTER_SECONDS));
            if (path.equals("/") || path.equals("/index.html")) {
                String link = leader.map(StringEscapeUtils::escapeHtml4).map(l -> "<a href=\"http://" + l + "/\">" + l
                        + "</a>").orElse("未知");
                send(exchange, StandbyRefusal.STATUS, "text/html; charset=utf-8", "<!doctype html><meta "
                        + "charset=\"utf-8\"><title>nglive standby</title><p>"
                        + StringEscapeUtils.escapeHtml4(refusal.error()) + "</p><p>这是备用实例。主实例：" + link + "</p>");
                return;
            }
            send(exchange, StandbyRefusal.STATUS, "application/json", refusal.json());
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);   // the JDK server sends no body for HEAD
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
