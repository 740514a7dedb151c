package io.nglive.events;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A reader asked for events after a seq whose successors were pruned from the outbox ({@link OutboxRetention}):
 * thrown instead of answering as if nothing were missing. The reader says so to whoever it serves and goes on
 * after {@link #prunedThrough()}.
 */
public class EventsPruned extends RuntimeException {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final long since;
    private final long prunedThrough;

    public EventsPruned(long since, long prunedThrough) {
        super("events after " + since + " up to " + prunedThrough + " were removed from the outbox (older than "
                + "nglive.events.retention and delivered to every consumer)", null, false, false);
        this.since = since;
        this.prunedThrough = prunedThrough;
    }

    /** The seq the reader asked to read after. */
    public long since() {
        return since;
    }

    /** The highest pruned seq: events after it are still there. */
    public long prunedThrough() {
        return prunedThrough;
    }

    /** The frame that takes the place of the pruned events for a reader's client, naming what is missing. */
    public String frame() {
        Map<String, Object> notice = new LinkedHashMap<>();
        notice.put("type", "pruned");
        notice.put("since", since);
        notice.put("prunedThrough", prunedThrough);
        notice.put("message", getMessage() + "; replay continues after " + prunedThrough);
        try {
            return JSON.writeValueAsString(notice);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
