package io.nglive.central;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which of the node's central servers it dials next: each URL once per round, in the order written, except that a
 * standby's named leader goes first. The node waits (its backoff) only when a round is over, so a standby costs no
 * delay, and two standbys naming each other cannot make it dial without pause. Used on the channel's loop only.
 */
final class CentralRound {

    private final List<URI> urls;
    private final boolean[] tried;
    private int current;
    /** A leader named this round that had already been tried: the next round starts with it. */
    private int namedAfterItsTurn = -1;

    CentralRound(List<URI> urls) {
        this.urls = List.copyOf(urls);
        this.tried = new boolean[urls.size()];
    }

    /** The URL being dialled, or connected. */
    URI current() {
        return urls.get(current);
    }

    /**
     * The current URL failed; {@code leader} is the host:port a standby named, or null. True when the next one is to
     * be dialled at once, false when every URL failed this round: the node waits, then dials the next round's first.
     */
    boolean failed(String leader) {
        tried[current] = true;
        int named = indexOf(leader);
        if (named >= 0 && !tried[named]) {
            current = named;
            return true;
        }
        if (named >= 0) {
            namedAfterItsTurn = named;
        }
        for (int step = 1; step < urls.size(); step++) {
            int next = (current + step) % urls.size();
            if (!tried[next]) {
                current = next;
                return true;
            }
        }
        current = namedAfterItsTurn >= 0 ? namedAfterItsTurn : (current + 1) % urls.size();
        reset();
        return false;
    }

    /** A central server accepted the node: its next failure starts a new round. */
    void reset() {
        Arrays.fill(tried, false);
        namedAfterItsTurn = -1;
    }

    /** The first URL whose host:port is {@code leader}'s; -1 for none (or null). */
    int indexOf(String leader) {
        if (leader == null || leader.isBlank()) {
            return -1;
        }
        String wanted;
        try {
            URI parsed = new URI("ws://" + leader.trim());
            if (parsed.getHost() == null || parsed.getPort() < 0) {
                return -1;
            }
            wanted = authority(parsed);
        } catch (URISyntaxException e) {
            return -1;
        }
        for (int i = 0; i < urls.size(); i++) {
            if (authority(urls.get(i)).equals(wanted)) {
                return i;
            }
        }
        return -1;
    }

    /** host:port, the port filled in for ws (80) and wss (443), the host in lower case. */
    static String authority(URI url) {
        int port = url.getPort() >= 0 ? url.getPort() : "wss".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
