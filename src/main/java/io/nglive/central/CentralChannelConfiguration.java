package io.nglive.central;

import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.NodeSettings;
import io.nglive.ServerConfiguration;
import io.nglive.SettingsReader;
import io.nglive.events.Cursors;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * A node's link to the central server (routes/90-central): the channel it dials out on when nglive.central.url is
 * set, and the commands the central server sends through it.
 */
public final class CentralChannelConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public CentralCommands centralCommands(CamelContext camel, @BeanInject("json") ObjectMapper json,
                                           @BeanInject("database") Database database) {
        return new CentralCommands(camel, json, new RoomEpochs(database.dataSource()));
    }

    /** Empty when no central server is configured. */
    @BindToRegistry(lazy = true)
    public Optional<CentralSettings> centralSettings(@BeanInject("settings") SettingsReader settings) {
        return CentralSettings.read(settings);
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        Registry registry = camel.getRegistry();
        Optional<CentralSettings> central = settings(registry);
        if (central.isEmpty()) {
            return;
        }
        NodeSettings node = registry.lookupByNameAndType("nodeSettings", NodeSettings.class);
        Database database = registry.lookupByNameAndType("database", Database.class);
        CentralChannel channel = new CentralChannel(central.get(), node, database.nodeId(),
                ServerConfiguration.version(), registry.lookupByNameAndType("events", EventLog.class),
                registry.lookupByNameAndType("cursors", Cursors.class),
                registry.lookupByNameAndType("centralCommands", CentralCommands.class));
        registry.bind("central-health", new CentralHealth(channel));
        // the central server's commands run through the routes: the channel opens once they all run
        ServerConfiguration.startWithTheRoutes(camel, channel);
    }

    /** The central server this node dials out to; empty when none (and on the central server itself). */
    @SuppressWarnings("unchecked")
    public static Optional<CentralSettings> settings(Registry registry) {
        Optional<CentralSettings> settings = registry.lookupByNameAndType("centralSettings", Optional.class);
        return settings == null ? Optional.empty() : settings;
    }
}
