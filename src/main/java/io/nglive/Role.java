package io.nglive;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.nglive.central.CentralChannelConfiguration;
import io.nglive.cluster.ClusterConfiguration;
import io.nglive.events.EventsConfiguration;
import io.nglive.journal.JournalConfiguration;
import io.nglive.pipeline.PipelineConfiguration;
import io.nglive.recorder.RecorderConfiguration;
import io.nglive.retention.RetentionConfiguration;
import io.nglive.webhook.WebhookConfiguration;
import org.apache.camel.CamelConfiguration;

/**
 * What this process is ({@code nglive.role}): a node beside a recorder, or the cluster's central server. Each role
 * loads its own route folder and binds its own beans; the same jar is both.
 */
public enum Role {

    NODE("routes", List.of(ServerConfiguration.class, JournalConfiguration.class, NodeConfiguration.class,
            EventsConfiguration.class, PipelineConfiguration.class, WebhookConfiguration.class,
            RecorderConfiguration.class, CentralChannelConfiguration.class, RetentionConfiguration.class)),

    CENTRAL("routes/central", List.of(ServerConfiguration.class, ClusterConfiguration.class,
            EventsConfiguration.class));

    public static final String SETTING = "nglive.role";

    private final String routesDirectory;
    private final List<Class<? extends CamelConfiguration>> configurations;

    Role(String routesDirectory, List<Class<? extends CamelConfiguration>> configurations) {
        this.routesDirectory = routesDirectory;
        this.configurations = configurations;
    }

    /** The role's routes, in the form of camel.main.routes-include-pattern (that setting, when given, wins). */
    public String routes() {
        return "file:" + routesDirectory + "/*.camel.yaml";
    }

    /** Where an edited route file is reloaded from (camel.main.routes-reload-directory, when given, wins). */
    public String routesDirectory() {
        return routesDirectory;
    }

    /** The configuration classes that bind the role's beans (the server's first: it takes the data directory). */
    public List<Class<? extends CamelConfiguration>> configurations() {
        return configurations;
    }

    public static Optional<Role> named(String name) {
        return Arrays.stream(values()).filter(r -> r.name().equalsIgnoreCase(name.trim())).findFirst();
    }

    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
