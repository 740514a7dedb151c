package io.nglive.cluster;

import java.util.Map;
import java.util.OptionalLong;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The leader's side of {@code /observe/health}'s {@code leadership} check (a standby's is StandbyServer's): this
 * instance leads, its address, and its term on a shared database.
 */
final class LeadershipHealth extends AbstractHealthCheck {

    private final Leadership leadership;
    private final OptionalLong term;

    LeadershipHealth(Leadership leadership, OptionalLong term) {
        super("nglive", "leadership");
        this.leadership = leadership;
        this.term = term;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("leader", leadership.isLeader());
        builder.detail("address", leadership.address());
        leadership.leader().ifPresent(leader -> builder.detail("leaderAddress", leader));
        term.ifPresent(t -> builder.detail("term", t));
        builder.up();
    }
}
