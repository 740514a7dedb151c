package io.nglive.central;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import io.nglive.InvalidSetting;
import io.nglive.Redaction;
import io.nglive.SettingsReader;

/**
 * Where the central server is and how the node keeps its connection to it.
 *
 * @param url           {@code ws://} or {@code wss://}, the token in its query as the original NGlive had it
 * @param retryDelay    the first delay after a failed or lost connection, doubled per further failure
 * @param retryMaxDelay the longest delay between two attempts
 * @param timeout       the longest a connection may take to open, and the longest it may stay silent (not even
 *                      answering a ping) before the node gives it up and dials again
 */
public record CentralSettings(URI url, Duration retryDelay, Duration retryMaxDelay, Duration timeout) {

    /** The URL as written in {@code nglive.central.url}, checked. */
    public static URI url(String value) {
        URI url;
        try {
            url = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL (" + e.getReason() + ")");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("must start with ws:// or wss://");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("has no host");
        }
        if (url.getFragment() != null) {
            throw new IllegalArgumentException("must not have a #fragment (WebSocket URLs cannot)");
        }
        return url;
    }

    /** The URL without its secrets, for logs and the health check. */
    public String shown() {
        return Redaction.url(url.toString());
    }

    /** Reads {@code nglive.central.*}; empty when no central server is configured. */
    public static Optional<CentralSettings> read(SettingsReader settings) {
        Optional<String> url = settings.optional("nglive.central.url");
        Duration first = settings.duration("nglive.central.retry-delay");
        Duration max = settings.maxDelay("nglive.central.retry-max-delay", "nglive.central.retry-delay");
        Duration timeout = settings.positiveDuration("nglive.central.timeout");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CentralSettings(url(url.get()), first, max, timeout));
        } catch (IllegalArgumentException e) {
            throw new InvalidSetting("nglive.central.url", Redaction.url(url.get()), e.getMessage());
        }
    }
}
