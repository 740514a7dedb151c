package io.nglive.events;

import io.vertx.ext.web.Router;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.vertx.websocket.VertxWebsocketComponent;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConsumer;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHost;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHostConfiguration;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHostKey;
import org.apache.camel.spi.annotations.Component;

/**
 * {@code vertx-websocket} served on the HTTP port of platform-http: consumers mount on that server's router and
 * never start a server of their own (the stock component would also listen on a second, random port, where a
 * broadcast then finds no peer). The same approach Camel Quarkus takes. The annotation must stay: without it
 * Camel ignores endpoint options such as {@code fireWebSocketConnectionEvents}.
 */
@Component("vertx-websocket")
public class PlatformWebsocketComponent extends VertxWebsocketComponent {

    private final int port;
    private final WebsocketGuard guard;
    private final java.util.Set<String> guardedPaths = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public PlatformWebsocketComponent(int port, WebsocketGuard guard) {
        this.port = port;
        this.guard = guard;
    }

    @Override
    public void connectConsumer(VertxWebsocketConsumer consumer) {
        if (getRouter() == null) {
            Router router = VertxPlatformHttpRouter.lookup(getCamelContext(),
                    VertxPlatformHttpRouter.getRouterNameFromPort(port));
            if (router == null) {
                throw new IllegalStateException("the HTTP server on port " + port + " is not started yet");
            }
            setRouter(router);
        }
        String path = consumer.getEndpoint().getConfiguration().getWebsocketURI().getPath();
        if (guardedPaths.add(path)) {
            getRouter().route(path).order(-1).handler(guard);
        }
        super.connectConsumer(consumer);
    }

    @Override
    protected VertxWebsocketHost createVertxWebsocketHost(VertxWebsocketHostConfiguration configuration,
                                                          VertxWebsocketHostKey key) {
        return new VertxWebsocketHost(getCamelContext(), configuration, key) {
            @Override
            public void start() {
                // platform-http owns the server
            }
        };
    }
}
