package io.nglive.central;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.nglive.InvalidSetting;
import io.nglive.Redaction;
import io.nglive.SettingsReader;

/**
 * Where the central server is and how the node keeps its connection to it.
 *
 * @param urls          {@code ws://} or {@code wss://}, the token in the query as the original NGlive had it; several
 *                      when the central server runs as several instances, of which the node keeps one connection to
 *                      whichever accepts it (the leader)
 * @param retryDelay    the first delay after a round in which every URL failed, doubled per further round
 * @param retryMaxDelay the longest delay between two rounds
 * @param timeout       the longest a connection may take to open, and the longest it may stay silent (not even
 *                      answering a ping) before the node gives it up and dials again
 */
public record CentralSettings(List<URI> urls, Duration retryDelay, Duration retryMaxDelay, Duration timeout) {

    public CentralSettings {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no central server URL");
        }
    }

    /** The URLs as written in {@code nglive.central.url}, separated by spaces, each checked; none twice. */
    public static List<URI> urls(String value) {
        List<String> written = List.of(value.trim().split("\\s+"));
        List<URI> urls = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String entry : written) {
            // with one URL the setting's value already names it
            String which = written.size() > 1 ? Redaction.url(entry) + ": " : "";
            URI url;
            try {
                url = url(entry);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(which + e.getMessage());
            }
            String same = url.getScheme().toLowerCase(Locale.ROOT) + "://" + CentralRound.authority(url)
                    + url.getRawPath() + "?" + url.getRawQuery();
            if (!seen.add(same)) {
                throw new IllegalArgumentException(which + "listed twice");
            }
            urls.add(url);
        }
        return urls;
    }

    /** One URL, checked. */
    static URI url(String value) {
        URI url;
        try {
            url = new URI(value);
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

    /** Every URL without its secrets, separated by spaces as in the setting. */
    public String shown() {
        return urls.stream().map(CentralSettings::shown).collect(Collectors.joining(" "));
    }

    /** A URL without its secrets, for logs and the health check. */
    static String shown(URI url) {
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
            return Optional.of(new CentralSettings(urls(url.get()), first, max, timeout));
        } catch (IllegalArgumentException e) {
            throw new InvalidSetting("nglive.central.url", Redaction.url(url.get()), e.getMessage());
        }
    }
}
