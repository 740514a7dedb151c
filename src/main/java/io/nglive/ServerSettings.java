package io.nglive;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What both roles have: where the one HTTP port listens, the tokens that guard it, where the database lives.
 *
 * @param webhookToken what {@code /webhook} needs as {@code ?token=} (a node's recorders send it); empty: none
 */
public record ServerSettings(String host, int port, String apiToken, String webhookToken, Path dataPath,
                             Optional<Long> maxBodySize) {

    public static ServerSettings read(SettingsReader settings) {
        return new ServerSettings(
                settings.required("camel.server.host"),
                settings.integer("camel.server.port", 1, 65535),
                settings.optional("nglive.api.token").orElse(""),
                settings.optional("nglive.webhook.token").orElse(""),
                settings.writableDirectory("nglive.data-path"),
                settings.optional("camel.server.max-body-size").map(Long::parseLong));
    }
}
