package io.nglive.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Builds and sends the {@code heartbeat} event: load, queues, rooms, version. Heartbeats are never stored. */
public final class Heartbeat {

    private final EventLog events;
    private final SystemLoad load;
    private final Supplier<Map<String, Object>> queues;
    private final Supplier<Long> rooms;
    private final Supplier<Integer> subscribers;
    private final String version;

    public Heartbeat(EventLog events, SystemLoad load, Supplier<Map<String, Object>> queues, Supplier<Long> rooms,
                     Supplier<Integer> subscribers, String version) {
        this.events = events;
        this.load = load;
        this.queues = queues;
        this.rooms = rooms;
        this.subscribers = subscribers;
        this.version = version;
    }

    public String beat() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("cpu", load.cpu());
        fields.put("memory", load.memory());
        fields.put("disk", load.disk());
        fields.put("queues", queues.get());
        fields.put("rooms", rooms.get());
        fields.put("subscribers", subscribers.get());
        fields.put("version", version);
        return events.emitTransient("heartbeat", fields);
    }
}
