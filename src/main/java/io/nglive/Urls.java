package io.nglive;

import java.net.URI;

/** Small facts about URLs that several parts need alike. */
public final class Urls {

    private Urls() {
    }

    /** The URL's port, or its scheme's default (443 for https, 80 otherwise). */
    public static int port(URI url) {
        return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }
}
