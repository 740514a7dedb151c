package io.nglive.events;

/**
 * A reader asked for events after a seq whose successors were pruned from the outbox ({@link OutboxRetention}):
 * thrown instead of answering as if nothing were missing. The reader says so to whoever it serves and goes on
 * after {@link #prunedThrough()}.
 */
public class EventsPruned extends RuntimeException {

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
}
