package io.nglive.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.apache.camel.Exchange;

/**
 * The tokens that guard the control surface ({@code nglive.api.token}: every API call and the WebSocket) and the
 * webhook ({@code nglive.webhook.token}, which the recorder can only send in the URL). Compared in constant time.
 */
public final class Access {

    public static final int UNAUTHORIZED = 4010;

    private final byte[] apiToken;
    private final byte[] webhookToken;

    public Access(String apiToken, String webhookToken) {
        this.apiToken = apiToken.getBytes(StandardCharsets.UTF_8);
        this.webhookToken = webhookToken.getBytes(StandardCharsets.UTF_8);
    }

    /** For API routes: {@code Authorization: Bearer T} or {@code ?token=T} when an API token is set. */
    public void api(Exchange exchange) {
        if (!allowsApi(exchange.getMessage().getHeader("Authorization", String.class),
                exchange.getMessage().getHeader("token", String.class))) {
            throw new ApiError(401, UNAUTHORIZED, "missing or wrong API token (send Authorization: Bearer <token> or ?token=<token>)");
        }
    }

    /** For the webhook route: {@code ?token=T} when a webhook token is set. */
    public void webhook(Exchange exchange) {
        if (webhookToken.length > 0 && !matches(webhookToken, exchange.getMessage().getHeader("token", String.class))) {
            throw new ApiError(401, UNAUTHORIZED, "missing or wrong webhook token (add ?token=<token> to the webhook URL)");
        }
    }

    /** Whether an API token is set. */
    public boolean apiTokenRequired() {
        return apiToken.length > 0;
    }

    /** Whether a request brings no API credentials at all (neither header nor parameter), right or wrong. */
    public static boolean anonymous(Exchange exchange) {
        return exchange.getMessage().getHeader("Authorization") == null
                && exchange.getMessage().getHeader("token") == null;
    }

    public boolean allowsApi(String authorization, String tokenParameter) {
        if (apiToken.length == 0) {
            return true;
        }
        String bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        return matches(apiToken, bearer) || matches(apiToken, tokenParameter);
    }

    private static boolean matches(byte[] expected, String given) {
        return given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
    }
}
