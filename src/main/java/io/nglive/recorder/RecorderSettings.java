package io.nglive.recorder;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.nglive.InvalidSetting;
import io.nglive.Redaction;
import io.nglive.ServerSettings;
import io.nglive.SettingsReader;
import io.nglive.upload.CommandLine;

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

    /** Reads {@code nglive.recorder.*}; the webhook URL defaults to this server's own (with its webhook token). */
    public static RecorderSettings read(SettingsReader settings, ServerSettings server) {
        // empty: the recorder has no HTTP API (the desktop app), so nglive only takes its webhooks
        URI url = settings.optional("nglive.recorder.url").isPresent() ? settings.httpUrl("nglive.recorder.url") : null;
        if (url != null && url.getUserInfo() != null) {
            throw new InvalidSetting("nglive.recorder.url", Redaction.url(url.toString()),
                    "must not contain credentials: set nglive.recorder.user and nglive.recorder.password");
        }
        List<String> command = List.of();
        Optional<String> line = settings.optional("nglive.recorder.command");
        if (line.isPresent()) {
            try {
                command = CommandLine.split(line.get());
            } catch (IllegalArgumentException e) {
                throw new InvalidSetting("nglive.recorder.command", line.get(), e.getMessage());
            }
            if (command.isEmpty() || Executables.find(command.get(0)).isEmpty()) {
                throw new InvalidSetting("nglive.recorder.command", line.get(),
                        "names no executable file (give its full path, or a program on the PATH)");
            }
            if (url == null) {
                throw new InvalidSetting("nglive.recorder.command", line.get(), "needs nglive.recorder.url, the address "
                        + "nglive binds the recorder's API to (nglive.recorder.url is empty: webhook-only mode)");
            }
            if (!"http".equalsIgnoreCase(url.getScheme())) {
                throw new InvalidSetting("nglive.recorder.url", url.toString(),
                        "must be an http:// URL when nglive starts the recorder (it binds it with --bind http://...)");
            }
        }
        Duration scanInterval = settings.positiveDuration("nglive.recorder.scan-interval");
        return new RecorderSettings(url, settings.optional("nglive.recorder.user").orElse(null),
                settings.optional("nglive.recorder.password").orElse(null), settings.duration("nglive.recorder.timeout"),
                command, settings.duration("nglive.recorder.sync-interval"), scanInterval,
                settings.bool("nglive.recorder.register-webhook") && url != null ? webhookUrl(settings, server) : null);
    }

    /** nglive's own webhook as the recorder must call it: {@code nglive.recorder.webhook-url}, or this server's. */
    private static String webhookUrl(SettingsReader settings, ServerSettings server) {
        Optional<String> configured = settings.optional("nglive.recorder.webhook-url");
        String url = configured.orElseGet(() -> {
            String host = server.host();
            if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                host = "127.0.0.1";
            } else if (host.contains(":") && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            return "http://" + host + ":" + server.port() + "/webhook";
        });
        SettingsReader.httpUrl(configured.isPresent() ? "nglive.recorder.webhook-url" : "camel.server.host", url);
        String token = server.webhookToken();
        if (token.isEmpty() || url.contains("token=")) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }
}
