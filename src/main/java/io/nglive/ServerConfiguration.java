package io.nglive;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.nglive.api.Access;
import io.nglive.api.BodyTooLarge;
import io.nglive.api.Problems;
import io.nglive.events.PlatformWebsocketComponent;
import io.nglive.events.WebsocketGuard;
import io.nglive.journal.DataLock;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.StaticHandler;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.LoggerFactory;

/**
 * What both roles serve: one HTTP port (platform-http, the WebSocket and the dashboard's files on one Vert.x), its
 * tokens, the JSON error answers, and the data directory, taken for this process alone. Beans are lazy: each is made
 * when first needed, so the configurations of a role may refer to one another's beans in any order.
 */
public final class ServerConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public SettingsReader settings(CamelContext camel) {
        return new SettingsReader(camel.getPropertiesComponent());
    }

    @BindToRegistry(lazy = true)
    public ServerSettings serverSettings(@BeanInject("settings") SettingsReader settings) {
        ServerSettings server = ServerSettings.read(settings);
        requireFreePort(server.host(), server.port());
        return server;
    }

    @BindToRegistry(lazy = true)
    public ObjectMapper json() {
        return new ObjectMapper();
    }

    /** One Vert.x for platform-http and the WebSocket, so that both serve the same port. */
    @BindToRegistry(lazy = true)
    public Vertx vertx(CamelContext camel) throws Exception {
        Vertx vertx = Vertx.vertx();
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                vertx.close();
            }
        });
        return vertx;
    }

    @BindToRegistry(lazy = true)
    public Access access(@BeanInject("serverSettings") ServerSettings server) {
        return new Access(server.apiToken(), server.webhookToken());
    }

    @BindToRegistry(value = "vertx-websocket", lazy = true)
    public PlatformWebsocketComponent websocket(@BeanInject("serverSettings") ServerSettings server,
                                                @BeanInject("access") Access access) {
        return new PlatformWebsocketComponent(server.port(), new WebsocketGuard(access));
    }

    @BindToRegistry(lazy = true)
    public Problems problems() {
        return new Problems();
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        camel.getPropertiesComponent().addPropertiesFunction(new MillisFunction(camel.getPropertiesComponent()));
        // a health check: bound as it is, so that the health registry gives it the context
        camel.getRegistry().bind("routes-started", new RoutesStartedCheck());
        ServerSettings server = camel.getRegistry().lookupByNameAndType("serverSettings", ServerSettings.class);
        // before anything opens the database: a second nglive on the same data is refused at once, naming the first
        Optional<DataLock> dataLock = DataLock.take(server.dataPath());
        if (dataLock.isPresent()) {
            camel.addService(dataLock.get());
        }
        Exposure.warning(server.host(), server.port(), server.apiToken(), server.webhookToken(),
                System.getProperties()).ifPresent(LoggerFactory.getLogger(ServerConfiguration.class)::warn);
        onTheRouter(camel, server.port(), router -> {
            server.maxBodySize().ifPresent(limit -> router.route().failureHandler(new BodyTooLarge(limit)));
            serveTheDashboard(router);
        });
    }

    /**
     * The registry /observe/metrics scrapes, bound by camel-micrometer-prometheus before the beans are made; a no-op one
     * when camel.metrics is off.
     */
    public static MeterRegistry meters(CamelContext camel) {
        return Optional.ofNullable(camel.getRegistry().lookupByNameAndType(
                MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class)).orElseGet(CompositeMeterRegistry::new);
    }

    /** Starts {@code service} once every route runs (it may send into them), and stops it with Camel. */
    public static void startWithTheRoutes(CamelContext camel, ServiceSupport service) throws Exception {
        camel.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
                context.addService(service);
            }
        });
    }

    /** Runs {@code use} once platform-http's router exists (when every route has started). */
    private static void onTheRouter(CamelContext camel, int port, Consumer<VertxPlatformHttpRouter> use)
            throws Exception {
        camel.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                        VertxPlatformHttpRouter.getRouterNameFromPort(port));
                if (router != null) {
                    use.accept(router);
                }
            }
        });
    }

    /**
     * The dashboard: the jar's {@code META-INF/resources/} at {@code /}, for GET and HEAD, after every other route.
     * Not camel.server.staticEnabled, which also serves the working directory and the whole classpath (the settings
     * with their tokens, the database) and reads files as text in the platform's charset. Only paths that name a page
     * file ({@code /} and names with the page's extensions) come here: no API path has one, so a GET on a POST-only
     * API route is still answered 405 rather than the page's 404.
     */
    private static void serveTheDashboard(VertxPlatformHttpRouter router) {
        router.routeWithRegex("/(?:[\\w./-]*\\.(?:html|css|js|svg|ico|png))?").method(HttpMethod.GET)
                .method(HttpMethod.HEAD).order(Integer.MAX_VALUE - 1)
                .handler(StaticHandler.create("META-INF/resources")
                        .setDefaultContentEncoding("UTF-8")
                        // revalidated on every load (304 when unchanged), so a new version is never half cached
                        .setMaxAgeSeconds(0)
                        .setIncludeHidden(false));
    }

    /**
     * platform-http only logs a failed bind and starts anyway, without a server: check first, so that a port in use
     * stops the start with a reason instead.
     */
    private static void requireFreePort(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new InvalidSetting("camel.server.port", String.valueOf(port),
                    "cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")");
        }
    }

    public static String version() {
        String version = ServerConfiguration.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
