package io.nglive.api;

import static io.nglive.api.Answers.ok;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.nglive.Role;
import io.nglive.ServerConfiguration;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/about}: what answers on this port, so that the dashboard can choose its views (a node or the central
 * server; a node without a recorder API has no room controls), and the last event's {@code seq}, from which it replays
 * the recent events. A request without credentials to a server with an API token learns only that a token is
 * required: the page then asks for it without a refused request first, which browsers log as an error.
 */
public final class About {

    private final Map<String, Object> facts;
    private final LongSupplier lastSeq;
    private final Access access;

    private About(Map<String, Object> facts, LongSupplier lastSeq, Access access) {
        this.facts = facts;
        this.lastSeq = lastSeq;
        this.access = access;
    }

    /**
     * @param recorderApi whether nglive.recorder.url is set (otherwise the room API answers 4093)
     * @param central     whether it dials out to a central server
     */
    public static About node(String name, boolean recorderApi, boolean central, Duration heartbeatInterval,
                             LongSupplier lastSeq, Access access) {
        Map<String, Object> facts = facts(Role.NODE, name);
        facts.put("recorderApi", recorderApi);
        facts.put("central", central);
        facts.put("heartbeatInterval", heartbeatInterval.toMillis());
        return new About(facts, lastSeq, access);
    }

    /**
     * @param instance   this instance's address (nglive.cluster.address): several instances take turns to lead
     * @param leadership how they choose the leader (file, zookeeper, kubernetes)
     */
    public static About central(String name, Duration nodeTimeout, String instance, String leadership,
                                LongSupplier lastSeq, Access access) {
        Map<String, Object> facts = facts(Role.CENTRAL, name);
        facts.put("nodeTimeout", nodeTimeout.toMillis());
        facts.put("instance", instance);
        facts.put("leadership", leadership);
        return new About(facts, lastSeq, access);
    }

    private static Map<String, Object> facts(Role role, String name) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("role", role.settingValue());
        facts.put("name", name);
        facts.put("version", ServerConfiguration.version());
        return facts;
    }

    /** The facts; {@code {"tokenRequired":true}} alone without credentials; 401 for a wrong token. */
    public Map<String, Object> answer(Exchange exchange) {
        if (access.apiTokenRequired() && Access.anonymous(exchange)) {
            return ok(Map.of("tokenRequired", true));
        }
        access.api(exchange);
        Map<String, Object> about = new LinkedHashMap<>(facts);
        about.put("tokenRequired", access.apiTokenRequired());
        about.put("lastSeq", lastSeq.getAsLong());
        return ok(about);
    }
}
