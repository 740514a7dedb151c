package io.nglive.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.nglive.Redaction;

/**
 * One entry of {@code nglive.notify.urls}: an HTTP endpoint that receives events as JSON POSTs, optionally only
 * some types, written as the URL's fragment ({@code https://bot.example/hook#FileClosed,UpEnded}), which is never
 * sent to the server anyway.
 *
 * @param url   where the events are POSTed (without the fragment)
 * @param types the event types it wants; empty for all
 */
public record NotifyTarget(URI url, Set<String> types) {

    /** Entries separated by spaces, commas between them are not allowed (they separate the types). */
    public static List<NotifyTarget> parse(String setting) {
        List<NotifyTarget> targets = new ArrayList<>();
        for (String entry : setting.trim().split("\\s+")) {
            if (!entry.isEmpty()) {
                targets.add(parseOne(entry));
            }
        }
        return List.copyOf(targets);
    }

    static NotifyTarget parseOne(String entry) {
        int hash = entry.indexOf('#');
        String address = hash < 0 ? entry : entry.substring(0, hash);
        Set<String> types = hash < 0 ? Set.of() : Arrays.stream(entry.substring(hash + 1).split(","))
                .map(String::trim).filter(t -> !t.isEmpty()).collect(Collectors.toUnmodifiableSet());
        URI url;
        try {
            url = new URI(address);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + Redaction.url(address) + " (" + e.getReason() + ")");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("http") && !scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("must be an http:// or https:// URL with a host: " + Redaction.url(address));
        }
        return new NotifyTarget(url, types);
    }

    public boolean wants(String type) {
        return types.isEmpty() || types.contains(type);
    }

    /**
     * The name of its position in the outbox: the URL as shown in logs, so no credentials are stored with it, and
     * its types, so that one URL listed twice with different types keeps two positions.
     */
    public String consumer() {
        return "notify " + Redaction.url(url.toString()) + (types.isEmpty() ? "" : "#" + String.join(",", new TreeSet<>(types)));
    }
}
