package io.nglive.cluster;

import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The central server's figures on /observe/metrics: nodes connected, rooms placed and unplaced, the newest stored
 * event's seq, and node connections refused for their token.
 */
final class ClusterMetrics {

    private final Counter refused;

    ClusterMetrics(MeterRegistry meters, NodeSessions sessions, ClusterStore store, LongSupplier lastStoredSeq) {
        Gauge.builder("nglive.cluster.nodes.connected", sessions, NodeSessions::size)
                .description("nodes connected to this central server").register(meters);
        Gauge.builder("nglive.cluster.rooms", store, s -> s.roomCount(true))
                .tag("state", "placed").description("the cluster's rooms").register(meters);
        Gauge.builder("nglive.cluster.rooms", store, s -> s.roomCount(false))
                .tag("state", "unplaced").description("the cluster's rooms").register(meters);
        Gauge.builder("nglive.cluster.events.stored", lastStoredSeq, LongSupplier::getAsLong)
                .description("the seq of the newest event the central server stored").register(meters);
        refused = Counter.builder("nglive.cluster.nodes.refused")
                .description("node connections refused for a missing or wrong nglive.cluster.node-token")
                .register(meters);
    }

    void refused() {
        refused.increment();
    }
}
