package io.nglive.recorder;

import io.nglive.NodeSettings;
import io.nglive.ServerSettings;
import io.nglive.SettingsReader;
import io.nglive.api.RecorderManagedRooms;
import io.nglive.api.RoomsApi;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.rooms.RoomList;
import io.nglive.rooms.RoomSettings;
import io.nglive.rooms.RoomSync;
import io.nglive.webhook.RecordingScan;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder (routes/70-rooms, 80-recorder): the rooms nglive wants it to have, kept in step through its API, its
 * webhook setting, and its process when nglive starts it. Without an API (nglive.recorder.url empty: the desktop
 * recorder) nglive only takes its webhooks: the sync routes are not created and the room API refuses.
 */
public final class RecorderConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RecorderConfiguration.class);

    @BindToRegistry(lazy = true)
    public RecorderSettings recorderSettings(@BeanInject("settings") SettingsReader settings,
                                             @BeanInject("serverSettings") ServerSettings server) {
        return RecorderSettings.read(settings, server);
    }

    @BindToRegistry(lazy = true)
    public RoomSettings roomSettings(@BeanInject("settings") SettingsReader settings) {
        return RoomSettings.read(settings);
    }

    @BindToRegistry(lazy = true)
    public RoomList rooms(@BeanInject("database") Database database, @BeanInject("events") EventLog events) {
        return new RoomList(database.dataSource(), events);
    }

    /** The beans that exist only with a recorder API are bound here, where that can be decided. */
    @Override
    public void configure(CamelContext camel) throws Exception {
        Registry registry = camel.getRegistry();
        RecorderSettings settings = registry.lookupByNameAndType("recorderSettings", RecorderSettings.class);
        RoomSettings rooms = registry.lookupByNameAndType("roomSettings", RoomSettings.class);
        RoomList list = registry.lookupByNameAndType("rooms", RoomList.class);
        if (!settings.hasApi()) {
            registry.bind("roomsApi", new RecorderManagedRooms());
            registry.bind("recorder-health", RecorderHealth.webhookOnly());
            // no recorder to ask: a file its webhooks left open stays open until one of them closes it
            registry.bind("roomIdle", (RecordingScan.RoomIdle) room -> false);
            return;
        }
        RecorderClient recorder = new RecorderClient(settings);
        RoomSync roomSync = new RoomSync(list, recorder, rooms.blacklist());
        registry.bind("roomSync", roomSync);
        registry.bind("roomsApi", new RoomsApi(list, roomSync, rooms.blacklist()));
        registry.bind("webhookRegistration", new WebhookRegistration(recorder, settings.webhookUrl()));
        registry.bind("roomIdle", (RecordingScan.RoomIdle) room ->
                roomSync.reachable() && roomSync.seen(room).map(r -> !r.recording()).orElse(false));
        RecorderSupervisor supervisor = null;
        if (settings.supervised()) {
            NodeSettings node = registry.lookupByNameAndType("nodeSettings", NodeSettings.class);
            ServerSettings server = registry.lookupByNameAndType("serverSettings", ServerSettings.class);
            supervisor = new RecorderSupervisor(settings, node.worksPath(), server.dataPath(), recorder,
                    pid -> recorderStarted(camel, pid));
            camel.addService(supervisor);
            registry.bind("recorderSupervisor", supervisor);
        }
        registry.bind("recorder-health", new RecorderHealth(roomSync::status, supervisor));
    }

    /** Tells the routes (seda:recorder-started) that the recorder (re)started, so that rooms and webhook are applied. */
    private static void recorderStarted(CamelContext camel, long pid) {
        try (ProducerTemplate signal = camel.createProducerTemplate()) {
            signal.sendBody("seda:recorder-started", pid);
        } catch (Exception e) {
            LOG.warn("cannot signal the recorder's start to the routes: {}", e.toString());
        }
    }
}
