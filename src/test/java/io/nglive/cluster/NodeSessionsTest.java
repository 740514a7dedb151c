package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import ch.qos.logback.classic.Level;
import io.nglive.testing.CapturedLog;
import io.vertx.core.http.HttpClosedException;
import org.apache.camel.Exchange;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class NodeSessionsTest {

    private final NodeSessions sessions = new NodeSessions(Runnable::run, 1000);

    private static Exchange failedConnection() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(VertxWebsocketConstants.CONNECTION_KEY, "key-1");
        exchange.getMessage().setHeader(VertxWebsocketConstants.REMOTE_ADDRESS, "192.0.2.7:40000");
        return exchange;
    }

    @Test
    void aConnectionCutByThePeerIsOneInfoLineWithoutAStackTrace() {
        try (CapturedLog log = new CapturedLog(NodeSessions.class.getName())) {
            sessions.handleException("Error processing exchange", failedConnection(),
                    new HttpClosedException("Connection was closed"));
            sessions.handleException("Error processing exchange", failedConnection(),
                    new IOException("Connection reset by peer"));

            assertThat(log.lines(Level.DEBUG)).containsExactly(
                    "INFO node 192.0.2.7:40000: its connection was cut (Connection was closed)",
                    "INFO node 192.0.2.7:40000: its connection was cut (Connection reset by peer)");
            assertThat(log.traces(Level.DEBUG)).isEmpty();
        }
    }

    @Test
    void aConnectionCutThatNamesNoExchangeIsOneInfoLineToo() {
        try (CapturedLog log = new CapturedLog(NodeSessions.class.getName())) {
            sessions.handleException(new HttpClosedException("Connection was closed"));
            sessions.handleException(new IllegalStateException("no route"));

            assertThat(log.lines(Level.DEBUG)).containsExactly(
                    "INFO the nodes' channel: a connection was cut (Connection was closed)",
                    "WARN the nodes' channel: a failure");
            assertThat(log.traces(Level.DEBUG)).containsExactly(IllegalStateException.class.getName());
        }
    }

    @Test
    void anyOtherConnectionFailureIsAWarningWithItsStackTrace() {
        try (CapturedLog log = new CapturedLog(NodeSessions.class.getName())) {
            sessions.handleException("Error processing exchange", failedConnection(),
                    new IllegalStateException("a frame too large"));

            assertThat(log.lines(Level.DEBUG)).containsExactly("WARN node 192.0.2.7:40000: its connection failed");
            assertThat(log.traces(Level.DEBUG)).containsExactly(IllegalStateException.class.getName());
        }
    }
}
