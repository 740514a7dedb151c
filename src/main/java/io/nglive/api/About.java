package io.nglive.api;

import static io.nglive.api.Answers.ok;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.nglive.Role;
import io.nglive.ServerConfiguration;

/**
 * {@code GET /api/about}: what answers on this port, so that the dashboard can choose its views (a node or the central
 * server; a node without a recorder API has no room controls), and the last event's {@code seq}, from which it replays
 * the recent events.
 */
public final class About {

    private final Map<String, Object> facts;
    private final LongSupplier lastSeq;

    private About(Map<String, Object> facts, LongSupplier lastSeq) {
        this.facts = facts;
        this.lastSeq = lastSeq;
    }

    /**
     * @param recorderApi whether nglive.recorder.url is set (otherwise the room API answers 4093)
     * @param central     whether it dials out to a central server
     */
    public static About node(String name, boolean recorderApi, boolean central, Duration heartbeatInterval,
                             LongSupplier lastSeq) {
        Map<String, Object> facts = facts(Role.NODE, name);
        facts.put("recorderApi", recorderApi);
        facts.put("central", central);
        facts.put("heartbeatInterval", heartbeatInterval.toMillis());
        return new About(facts, lastSeq);
    }

    public static About central(String name, Duration nodeTimeout, LongSupplier lastSeq) {
        Map<String, Object> facts = facts(Role.CENTRAL, name);
        facts.put("nodeTimeout", nodeTimeout.toMillis());
        return new About(facts, lastSeq);
    }

    private static Map<String, Object> facts(Role role, String name) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("role", role.settingValue());
        facts.put("name", name);
        facts.put("version", ServerConfiguration.version());
        return facts;
    }

    public Map<String, Object> answer() {
        Map<String, Object> about = new LinkedHashMap<>(facts);
        about.put("lastSeq", lastSeq.getAsLong());
        return ok(about);
    }
}
