package io.nglive.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.nglive.api.Access;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The handshake's guard on a real Vert.x server: {@code /ws} upgrades after it, {@code /open} answers 200 after it
 * (so the headers it set can be read), {@code /unguarded} is the same without a token set.
 */
class WebsocketGuardTest {

    static final String TOKEN = "s3cr3t-令牌";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Vertx vertx;
    static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        WebsocketGuard guard = new WebsocketGuard(new Access(TOKEN, ""));
        router.route("/ws").handler(guard).handler(context -> context.request().toWebSocket());
        router.route("/open").handler(guard).handler(context -> context.response().end("through"));
        router.route("/unguarded").handler(new WebsocketGuard(new Access("", "")))
                .handler(context -> context.response().end("through"));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static String bearer(String token) {
        return WebsocketGuard.BEARER
                + Base64.getUrlEncoder().withoutPadding().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> get(String path, String offered) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
        if (offered != null) {
            request.header("Sec-WebSocket-Protocol", offered);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBrowsersHandshakeWithTheTokenInTheSubprotocolIsUpgradedAndAnsweredNglive() {
        WebSocket socket = HTTP.newWebSocketBuilder().subprotocols("nglive", bearer(TOKEN))
                .buildAsync(URI.create("ws://127.0.0.1:" + server.actualPort() + "/ws"), new WebSocket.Listener() {
                }).join();
        assertThat(socket.getSubprotocol()).isEqualTo("nglive");
        socket.abort();
    }

    @Test
    void onlyNgliveIsEchoedNeverTheBearerEntry() throws Exception {
        HttpResponse<String> answer = get("/open", "nglive, " + bearer(TOKEN));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().allValues("Sec-WebSocket-Protocol")).containsExactly("nglive");
        assertThat(answer.headers().map().toString()).doesNotContain(bearer(TOKEN).substring(WebsocketGuard.BEARER.length()));
    }

    @Test
    void nothingIsEchoedWhenNgliveIsNotOffered() throws Exception {
        HttpResponse<String> bearerOnly = get("/open", bearer(TOKEN));
        assertThat(bearerOnly.statusCode()).isEqualTo(200);
        assertThat(bearerOnly.headers().firstValue("Sec-WebSocket-Protocol")).isEmpty();

        HttpResponse<String> query = get("/open?token=" + java.net.URLEncoder.encode(TOKEN, StandardCharsets.UTF_8), null);
        assertThat(query.statusCode()).as("the token as before, without subprotocols").isEqualTo(200);
        assertThat(query.headers().firstValue("Sec-WebSocket-Protocol")).isEmpty();
    }

    @Test
    void aWrongTokenInTheSubprotocolIsRefused() throws Exception {
        assertThat(get("/open", "nglive, " + bearer("wrong")).statusCode()).isEqualTo(401);
        assertThat(get("/open", "nglive, " + bearer(TOKEN + "x")).statusCode()).isEqualTo(401);
        assertThat(get("/open", "nglive, " + WebsocketGuard.BEARER).statusCode()).as("empty").isEqualTo(401);
        assertThat(get("/open", "nglive").statusCode()).as("no token at all").isEqualTo(401);
        HttpResponse<String> refused = get("/open", "nglive, " + bearer("wrong"));
        assertThat(refused.headers().firstValue("Sec-WebSocket-Protocol")).isEmpty();
        assertThat(refused.body()).contains("4010");

        assertThatThrownBy(() -> HTTP.newWebSocketBuilder().subprotocols("nglive", bearer("wrong"))
                .buildAsync(URI.create("ws://127.0.0.1:" + server.actualPort() + "/ws"), new WebSocket.Listener() {
                }).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(WebSocketHandshakeException.class)
                .extracting(e -> ((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(401);
    }

    @Test
    void aBearerEntryThatIsNotBase64urlIsRefused() throws Exception {
        // "A": one character is no whole byte; "+" and "/" are standard base64, not base64url
        for (String bad : new String[] {"***", "A", "czNj+/", "%E4%BB%A4"}) {
            assertThat(get("/open", "nglive, " + WebsocketGuard.BEARER + bad).statusCode()).as(bad).isEqualTo(401);
        }
    }

    @Test
    void withoutAnApiTokenTheHandshakeIsOpenAndNgliveStillAnswered() throws Exception {
        HttpResponse<String> answer = get("/unguarded", "nglive");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Sec-WebSocket-Protocol")).isEqualTo(Optional.of("nglive"));
    }
}
