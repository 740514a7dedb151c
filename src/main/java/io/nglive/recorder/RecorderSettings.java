package io.nglive.recorder;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How nglive reaches BililiveRecorder ({@code nglive.recorder.*}).
 *
 * @param url             the recorder's HTTP API, e.g. {@code http://127.0.0.1:2356}; null: it has none (webhook-only)
 * @param user            Basic auth user (null: none); also given to a supervised recorder
 * @param password        Basic auth password (null: none)
 * @param timeout         longest one API call may take
 * @param command         the recorder's executable and leading arguments; empty: nglive does not start it
 * @param syncInterval    period of the room and webhook synchronisation
 * @param scanInterval    period of the works-path scan, and how long a file must be unmodified to be taken
 * @param webhookUrl      the URL nglive makes sure is in the recorder's WebHookUrlsV2; null: leave it alone
 */
public record RecorderSettings(URI url, String user, String password, Duration timeout, List<String> command,
                               Duration syncInterval, Duration scanInterval, String webhookUrl) {

    /** Whether nglive can call the recorder: the desktop app has no HTTP API, and then nglive only takes webhooks. */
    public boolean hasApi() {
        return url != null;
    }

    public boolean supervised() {
        return !command.isEmpty();
    }

    public boolean hasCredentials() {
        return user != null || password != null;
    }
}
