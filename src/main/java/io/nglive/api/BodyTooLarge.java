package io.nglive.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a request body over {@code camel.server.max-body-size} (Vert.x refuses it before any route runs) with
 * 413 and nglive's JSON error naming the limit, instead of Vert.x's plain "Request Entity Too Large", so that every
 * refusal a client gets reads the same. Other failures go on to the handlers after it.
 */
public final class BodyTooLarge implements Handler<RoutingContext> {

    public static final int TOO_LARGE = 4130;

    private final String answer;

    public BodyTooLarge(long limit) {
        this.answer = "{\"code\":" + TOO_LARGE + ",\"message\":\"request body larger than " + limit
                + " bytes (camel.server.max-body-size)\"}";
    }

    @Override
    public void handle(RoutingContext context) {
        if (context.statusCode() != 413) {
            context.next();
        } else if (!context.response().headWritten()) {
            context.response().setStatusCode(413).putHeader("Content-Type", "application/json; charset=utf-8")
                    .end(answer);
        }
    }
}
