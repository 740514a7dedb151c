package io.nglive.events;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.nglive.api.Access;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses the WebSocket handshake (401) without the API token, before the connection is upgraded. A browser cannot set
 * headers on a WebSocket, so the dashboard offers the subprotocols {@code nglive} and
 * {@code nglive.bearer.<the token in base64url>}; the answer names {@code nglive} (a browser drops a connection whose
 * offered subprotocol goes unanswered), never the bearer entry.
 */
public final class WebsocketGuard implements Handler<RoutingContext> {

    static final String PROTOCOL = "nglive";
    static final String BEARER = "nglive.bearer.";
    private static final String OFFERED = "Sec-WebSocket-Protocol";

    private final Access access;

    public WebsocketGuard(Access access) {
        this.access = access;
    }

    @Override
    public void handle(RoutingContext context) {
        boolean speaksNglive = false;
        String bearer = null;
        String offered = context.request().getHeader(OFFERED);
        if (offered != null) {
            for (String protocol : offered.split(",")) {
                protocol = protocol.trim();
                if (protocol.equals(PROTOCOL)) {
                    speaksNglive = true;
                } else if (protocol.startsWith(BEARER)) {
                    bearer = decode(protocol.substring(BEARER.length()));
                }
            }
        }
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null && bearer != null) {
            authorization = "Bearer " + bearer;
        }
        if (access.allowsApi(authorization, context.request().getParam("token"))) {
            if (speaksNglive) {
                context.response().putHeader(OFFERED, PROTOCOL);
            }
            context.next();
        } else {
            context.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                    .end("{\"code\":" + Access.UNAUTHORIZED + ",\"message\":\"missing or wrong API token\"}");
        }
    }

    /** The token, or "" (never the right token) when the value is not base64url. */
    private static String decode(String value) {
        try {
            return new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
