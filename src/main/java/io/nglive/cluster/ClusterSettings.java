package io.nglive.cluster;

import java.time.Duration;

import io.nglive.SettingsReader;

/**
 * The central server's own settings ({@code nglive.cluster.*}).
 *
 * @param nodeToken   what a node must present on {@code /nodes} ({@code ?token=}); empty: nodes on this machine only
 * @param nodeTimeout a node silent this long is lost, and its rooms are placed elsewhere
 */
public record ClusterSettings(String nodeToken, Duration nodeTimeout) {

    public static ClusterSettings read(SettingsReader settings) {
        return new ClusterSettings(settings.optional("nglive.cluster.node-token").orElse(""),
                settings.positiveDuration("nglive.cluster.node-timeout"));
    }
}
