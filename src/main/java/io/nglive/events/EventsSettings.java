package io.nglive.events;

import java.time.Duration;

import io.nglive.SettingsReader;

/**
 * The heartbeat's period, and how long an event stays in the outbox once every consumer has it.
 */
public record EventsSettings(Duration heartbeatInterval, Duration retention, Duration pruneInterval) {

    public static EventsSettings read(SettingsReader settings) {
        return new EventsSettings(
                settings.duration("nglive.heartbeat.interval"),
                settings.duration("nglive.events.retention"),
                settings.positiveDuration("nglive.events.prune-interval"));
    }
}
