package io.nglive.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a node's handshake on {@code /nodes} (401) without {@code nglive.cluster.node-token}, before the
 * connection is upgraded; with no token set, only nodes on this machine are let in. A refusal is counted and logged
 * with the node's address, never with what it sent as a token.
 */
final class NodeGuard implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(NodeGuard.class);

    private final byte[] token;
    private final Runnable refused;

    /** @param refused counts a refusal */
    NodeGuard(String token, Runnable refused) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.refused = refused;
    }

    @Override
    public void handle(RoutingContext context) {
        String address = context.request().remoteAddress() == null ? "" : context.request().remoteAddress().host();
        if (allows(context.request().getParam("token"), context.request().getHeader("Authorization"), address)) {
            context.next();
            return;
        }
        refused.run();
        LOG.warn("refused a node from {}: {}", address, token.length == 0
                ? "nglive.cluster.node-token is empty, so only nodes on this machine may connect"
                : "missing or wrong node token");
        context.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                .end("{\"code\":4010,\"message\":\"missing or wrong node token (nglive.cluster.node-token)\"}");
    }

    boolean allows(String tokenParameter, String authorization, String address) {
        if (token.length == 0) {
            return loopback(address);
        }
        String bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        return matches(tokenParameter) || matches(bearer);
    }

    private boolean matches(String given) {
        return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean loopback(String address) {
        try {
            return !address.isEmpty() && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
