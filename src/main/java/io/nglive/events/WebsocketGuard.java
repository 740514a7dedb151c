package io.nglive.events;

import io.nglive.api.Access;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Refuses the WebSocket handshake (401) without the API token, before the connection is upgraded. */
public final class WebsocketGuard implements Handler<RoutingContext> {

    private final Access access;

    public WebsocketGuard(Access access) {
        this.access = access;
    }

    @Override
    public void handle(RoutingContext context) {
        if (access.allowsApi(context.request().getHeader("Authorization"), context.request().getParam("token"))) {
            context.next();
        } else {
            context.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                    .end("{\"code\":" + Access.UNAUTHORIZED + ",\"message\":\"missing or wrong API token\"}");
        }
    }
}
