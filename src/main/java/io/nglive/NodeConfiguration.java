package io.nglive;

import io.nglive.api.About;
import io.nglive.api.Access;
import io.nglive.central.CentralChannelConfiguration;
import io.nglive.events.EventLog;
import io.nglive.events.EventStream;
import io.nglive.events.EventsSettings;
import io.nglive.events.Heartbeat;
import io.nglive.events.SystemLoad;
import io.nglive.pipeline.Pipeline;
import io.nglive.recorder.RecorderSettings;
import io.nglive.rooms.RoomList;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * A node: its name, the recorder's work directory and the outputs' directory, its heartbeat, what it tells the
 * dashboard about itself, its start summary.
 */
public final class NodeConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public NodeSettings nodeSettings(@BeanInject("settings") SettingsReader settings) {
        return NodeSettings.read(settings);
    }

    /** The node's events carry its name. */
    @BindToRegistry(value = "outboxName", lazy = true)
    public String outboxName(@BeanInject("nodeSettings") NodeSettings node) {
        return node.name();
    }

    @BindToRegistry(lazy = true)
    public Heartbeat heartbeat(@BeanInject("events") EventLog events, @BeanInject("nodeSettings") NodeSettings node,
                               @BeanInject("pipeline") Pipeline pipeline, @BeanInject("rooms") RoomList rooms,
                               @BeanInject("eventStream") EventStream stream) {
        return new Heartbeat(events, new SystemLoad(node.worksPath()), pipeline::load, rooms::count, stream::size,
                ServerConfiguration.version());
    }

    @BindToRegistry(lazy = true)
    public About about(CamelContext camel, @BeanInject("nodeSettings") NodeSettings node,
                       @BeanInject("recorderSettings") RecorderSettings recorder,
                       @BeanInject("eventsSettings") EventsSettings events, @BeanInject("events") EventLog log,
                       @BeanInject("access") Access access) {
        return About.node(node.name(), recorder.hasApi(),
                CentralChannelConfiguration.settings(camel.getRegistry()).isPresent(), events.heartbeatInterval(),
                log::lastSeq, access);
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        // read now: a wrong works path stops the start (a route's bean would only fail that route, retried for ever)
        camel.getRegistry().lookupByName("nodeSettings");
        // Vert.x takes a few hundred ms to make: now, while JournalConfiguration opens the database on another thread
        camel.getRegistry().lookupByName("vertx");
        camel.addStartupListener(new StartupSummary(camel.getRegistry(), Role.NODE));
    }
}
