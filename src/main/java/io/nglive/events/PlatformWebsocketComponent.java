package io.nglive.events;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.vertx.websocket.VertxWebsocketComponent;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConfiguration;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConsumer;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEndpoint;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHost;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHostConfiguration;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHostKey;
import org.apache.camel.spi.annotations.Component;

/**
 * {@code vertx-websocket} served on the HTTP port of platform-http: consumers mount on that server's router and
 * never start a server of their own (the stock component would also listen on a second, random port, where a
 * broadcast then finds no peer). The same approach Camel Quarkus takes. The annotation must stay: without it
 * Camel ignores endpoint options such as {@code fireWebSocketConnectionEvents}. Its consumers keep each connection's
 * events in order ({@link OrderedConsumer}).
 */
@Component("vertx-websocket")
public class PlatformWebsocketComponent extends VertxWebsocketComponent {

    private final int port;
    private final Handler<RoutingContext> guard;
    private final Map<String, Handler<RoutingContext>> guards = new ConcurrentHashMap<>();
    private final Set<String> guardedPaths = ConcurrentHashMap.newKeySet();

    /** @param guard checks every handshake before it is upgraded (the API token), unless a path has its own */
    public PlatformWebsocketComponent(int port, Handler<RoutingContext> guard) {
        this.port = port;
        this.guard = guard;
    }

    /** A path whose handshakes another guard checks (the central server's {@code /nodes}: the node token). */
    public void guard(String path, Handler<RoutingContext> pathGuard) {
        guards.put(path, pathGuard);
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
            getRouter().route(path).order(-1).handler(guards.getOrDefault(path, guard));
        }
        super.connectConsumer(consumer);
    }

    @Override
    protected VertxWebsocketEndpoint createEndpointInstance(String uri, VertxWebsocketConfiguration configuration) {
        return new VertxWebsocketEndpoint(uri, this, configuration) {
            @Override
            public Consumer createConsumer(Processor processor) throws Exception {
                if (getConfiguration().isConsumeAsClient()) {
                    return super.createConsumer(processor);
                }
                Consumer consumer = new OrderedConsumer(this, processor);
                configureConsumer(consumer);
                return consumer;
            }
        };
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

    /**
     * Runs a connection's OPEN, MESSAGE and CLOSE events through the route in the order they happened. The stock
     * consumer hands each to a worker unordered, so a node's hello could reach the central server after its first
     * event (and the connection was refused), its events were stored out of order, and a CLOSE could overtake its
     * OPEN. Ordered blocking tasks run one at a time per event loop, which suits routes that only hand work on.
     */
    static final class OrderedConsumer extends VertxWebsocketConsumer {

        OrderedConsumer(VertxWebsocketEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
        }

        @Override
        protected void processExchange(Exchange exchange, RoutingContext routingContext) {
            routingContext.vertx().executeBlocking(() -> {
                createUoW(exchange);
                getProcessor().process(exchange);
                return null;
            }, true).onComplete(result -> {
                try {
                    if (result.failed()) {
                        // with the exchange, so that the handler can name the connection (a node that vanished)
                        getExceptionHandler().handleException("the connection failed", exchange, result.cause());
                        routingContext.fail(result.cause());
                    }
                } finally {
                    doneUoW(exchange);
                    releaseExchange(exchange, false);
                }
            });
        }
    }
}
