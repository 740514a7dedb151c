package io.nglive.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.SettingsReader;
import io.nglive.central.CentralChannel;
import io.nglive.central.CentralChannelConfiguration;
import io.nglive.notify.NotifyDelivery;
import io.nglive.notify.NotifySettings;
import io.nglive.notify.NotifyTarget;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * Events, on a node and on the central server: the outbox every event is stored in before anyone hears of it, the
 * WebSocket that streams it, the event webhooks that POST it, and the pruning of what every consumer has.
 */
public final class EventsConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public EventsSettings eventsSettings(@BeanInject("settings") SettingsReader settings) {
        return EventsSettings.read(settings);
    }

    @BindToRegistry(lazy = true)
    public NotifySettings notifySettings(@BeanInject("settings") SettingsReader settings) {
        return NotifySettings.read(settings);
    }

    /** The outbox: in the role's database ({@code outbox}), its events named by {@code outboxName}. */
    @BindToRegistry(lazy = true)
    public EventLog events(@BeanInject("outbox") DataSource outbox, @BeanInject("outboxName") String name,
                           @BeanInject("json") ObjectMapper json) {
        return new EventLog(outbox, name, json);
    }

    @BindToRegistry(lazy = true)
    public Cursors cursors(@BeanInject("outbox") DataSource outbox) {
        return new Cursors(outbox);
    }

    @BindToRegistry(lazy = true)
    public EventStream eventStream(CamelContext camel, @BeanInject("events") EventLog events) {
        // a fixed pool: one of 1..4 threads with a queue never grows past its first thread
        ExecutorService writers = camel.getExecutorServiceManager().newFixedThreadPool(this, "ws-subscribers",
                Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors())));
        return new EventStream(events, writers);
    }

    /** An event leaves the outbox once it is older than the retention and each consumer has it. */
    @BindToRegistry(lazy = true)
    public OutboxRetention outboxRetention(@BeanInject("outbox") DataSource outbox,
                                           @BeanInject("events") EventLog events,
                                           @BeanInject("eventsSettings") EventsSettings settings,
                                           @BeanInject("notifySettings") NotifySettings notify,
                                           CamelContext camel) {
        List<String> consumers = new ArrayList<>();
        notify.targets().forEach(target -> consumers.add(target.consumer()));
        if (CentralChannelConfiguration.settings(camel.getRegistry()).isPresent()) {
            consumers.add(CentralChannel.CONSUMER);
        }
        return new OutboxRetention(outbox, events, settings.retention(), consumers);
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        camel.getRegistry().lookupByName("eventsSettings");
        NotifySettings notify = camel.getRegistry().lookupByNameAndType("notifySettings", NotifySettings.class);
        EventLog events = camel.getRegistry().lookupByNameAndType("events", EventLog.class);
        Cursors cursors = camel.getRegistry().lookupByNameAndType("cursors", Cursors.class);
        for (NotifyTarget target : notify.targets()) {
            camel.addService(new NotifyDelivery(target, events, cursors, notify.timeout(), notify.retryDelay(),
                    notify.retryMaxDelay(), notify.refusedAttempts()));
        }
    }
}
