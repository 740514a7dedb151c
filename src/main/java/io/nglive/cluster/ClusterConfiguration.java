package io.nglive.cluster;

import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.Role;
import io.nglive.ServerConfiguration;
import io.nglive.ServerSettings;
import io.nglive.SettingsReader;
import io.nglive.StartupSummary;
import io.nglive.api.About;
import io.nglive.api.Access;
import io.nglive.events.EventLog;
import io.nglive.events.PlatformWebsocketComponent;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.health.HealthCheckRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The central server (nglive.role=central, routes/central): its database, the nodes' connections on /nodes, the
 * cluster's placement and its API. Its outbox, /ws and event webhooks are the node's (EventsConfiguration), over this
 * database.
 */
public final class ClusterConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterConfiguration.class);

    /** The name the central server's own events carry; nodes' events carry their node's. */
    public static final String OUTBOX_NAME = "central";
    /** Threads that store the nodes' frames (each node's in order): the outbox commits what they bring together. */
    private static final int FRAME_WORKERS = 8;
    private static final long COMMAND_TIMEOUT_MILLIS = 10_000;

    @BindToRegistry(lazy = true)
    public ClusterSettings clusterSettings(@BeanInject("settings") SettingsReader settings) {
        return ClusterSettings.read(settings);
    }

    /**
     * The embedded database, or the shared one. A leader on a shared database takes the next term and fences it: a
     * transaction that finds a newer term stops this central server (Startup then stands by).
     */
    @BindToRegistry(lazy = true)
    public ClusterDatabase clusterDatabase(CamelContext camel, @BeanInject("serverSettings") ServerSettings server,
                                           @BeanInject("clusterSettings") ClusterSettings settings) throws Exception {
        ClusterDatabase database = settings.db()
                .map(db -> new ClusterDatabase(db.url(), db.user(), db.password()))
                .orElseGet(() -> new ClusterDatabase(server.dataPath()));
        camel.addService(database);
        Leadership leadership = camel.getRegistry().lookupByNameAndType("leadership", Leadership.class);
        if (leadership != null) {
            OptionalLong term = OptionalLong.empty();
            if (!database.embedded()) {
                // a lead lost while this central server starts must not take a term from the instance that has it now
                leadership.requireLead();
                term = OptionalLong.of(database.fence(leadership.address(), leadership::stepDown));
                leadership.requireLead();
                LOG.info("{} leads with term {} of the shared database", leadership.address(), term.getAsLong());
            }
            HealthCheckRegistry.get(camel).register(new LeadershipHealth(leadership, term));
        }
        return database;
    }

    /** The database the outbox (EventsConfiguration) writes to. */
    @BindToRegistry(value = "outbox", lazy = true)
    public DataSource outbox(@BeanInject("clusterDatabase") ClusterDatabase database) {
        return database.dataSource();
    }

    @BindToRegistry(value = "outboxName", lazy = true)
    public String outboxName() {
        return OUTBOX_NAME;
    }

    @BindToRegistry(lazy = true)
    public ClusterStore clusterStore(@BeanInject("clusterDatabase") ClusterDatabase database) {
        return new ClusterStore(database.dataSource());
    }

    @BindToRegistry(lazy = true)
    public NodeSessions nodeSessions(CamelContext camel) {
        ExecutorService workers = camel.getExecutorServiceManager().newFixedThreadPool(this, "node-frames",
                FRAME_WORKERS);
        return new NodeSessions(workers, COMMAND_TIMEOUT_MILLIS);
    }

    @BindToRegistry(lazy = true)
    public Cluster cluster(CamelContext camel, @BeanInject("clusterStore") ClusterStore store,
                           @BeanInject("events") EventLog events, @BeanInject("nodeSessions") NodeSessions sessions,
                           @BeanInject("clusterSettings") ClusterSettings settings,
                           @BeanInject("json") ObjectMapper json) {
        return new Cluster(store, events, sessions, settings.nodeTimeout(), settings.spread(), json,
                coordinator(camel, this));
    }

    /**
     * One thread decides every placement, so two decisions never race for a room. Its queue has no limit: with Camel's
     * default (1,000 tasks) it refused nodes' hellos when 1,000 nodes dialled at once while it was busy.
     */
    static ScheduledExecutorService coordinator(CamelContext camel, Object source) {
        return camel.getExecutorServiceManager().newScheduledThreadPool(source, "cluster-coordinator",
                new ThreadPoolProfileBuilder("cluster-coordinator").poolSize(1).maxPoolSize(1).maxQueueSize(-1)
                        .build());
    }

    @BindToRegistry(value = "roomsApi", lazy = true)
    public ClusterRooms rooms(@BeanInject("cluster") Cluster cluster, @BeanInject("clusterStore") ClusterStore store,
                              @BeanInject("json") ObjectMapper json) {
        return new ClusterRooms(cluster, store, json);
    }

    @BindToRegistry(lazy = true)
    public ClusterApi clusterApi(@BeanInject("cluster") Cluster cluster, @BeanInject("clusterStore") ClusterStore store,
                                 @BeanInject("json") ObjectMapper json) {
        return new ClusterApi(cluster, store, json);
    }

    @BindToRegistry(lazy = true)
    public JobRetry jobRetry(@BeanInject("clusterStore") ClusterStore store,
                             @BeanInject("nodeSessions") NodeSessions sessions) {
        return new JobRetry(store, sessions);
    }

    @BindToRegistry(lazy = true)
    public About about(@BeanInject("clusterSettings") ClusterSettings settings, @BeanInject("events") EventLog events,
                       @BeanInject("access") Access access) {
        return About.central(OUTBOX_NAME, settings.nodeTimeout(), settings.address(),
                settings.leadership().settingValue(), events::lastSeq, access);
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        ClusterSettings settings = camel.getRegistry().lookupByNameAndType("clusterSettings", ClusterSettings.class);
        NodeSessions sessions = camel.getRegistry().lookupByNameAndType("nodeSessions", NodeSessions.class);
        ClusterStore store = camel.getRegistry().lookupByNameAndType("clusterStore", ClusterStore.class);
        ClusterMetrics metrics = new ClusterMetrics(ServerConfiguration.meters(camel), sessions, store,
                () -> camel.getRegistry().lookupByNameAndType("events", EventLog.class).lastSeq());
        camel.getRegistry().lookupByNameAndType("vertx-websocket", PlatformWebsocketComponent.class)
                .guard("/nodes", new NodeGuard(settings.nodeToken(), metrics::refused));
        camel.addStartupListener(new StartupSummary(camel.getRegistry(), Role.CENTRAL));
    }
}
