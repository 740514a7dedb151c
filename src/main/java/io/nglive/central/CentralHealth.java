package io.nglive.central;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The central channel in {@code /observe/health}: connected or not, since when, why not, how far the server has
 * acknowledged. Always UP: a node without its central server goes on recording, transcoding and uploading, and
 * keeps the events for it. The reason is a detail: Camel 4.17 escapes a check's message twice ({@code ws:\/\/}).
 */
public final class CentralHealth extends AbstractHealthCheck {

    static final String PROBLEM = "not connected to the central server now (problem says why)";

    private final CentralChannel channel;

    public CentralHealth(CentralChannel channel) {
        super("nglive", "central");
        this.channel = channel;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, Object> status = channel.status();
        status.forEach((key, value) -> {
            if (value != null) {
                builder.detail(key, value);
            }
        });
        if (status.get("problem") != null) {
            builder.message(PROBLEM);
        }
        builder.up();
    }
}
