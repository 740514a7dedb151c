package io.nglive.pipeline;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most N runs of a stage at once in this process, whatever route or trigger asked for them (a burst of
 * webhooks, a resume at start, an API retry). Counts who waits and who runs for the heartbeat, and can interrupt
 * every run when nglive shuts down.
 */
public final class StageSlots {

    private final String stage;
    private final int size;
    private final Semaphore permits;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();

    public StageSlots(String stage, int size) {
        this.stage = stage;
        this.size = size;
        this.permits = new Semaphore(size, true);
    }

    /** Runs {@code work} in a slot, waiting for one if they are all taken. */
    public <T> T run(SlotWork<T> work) throws StageFailure {
        waiting.incrementAndGet();
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageInterrupted(stage + " interrupted while waiting for a free slot");
        } finally {
            waiting.decrementAndGet();
        }
        running.add(Thread.currentThread());
        try {
            return work.run();
        } finally {
            running.remove(Thread.currentThread());
            permits.release();
            // the stage has answered an interrupt from interruptAll() by now; left set, the flag would make the
            // worker thread's next blocking call (its queue poll) fail at once, in a loop
            Thread.interrupted();
        }
    }

    /** Interrupts every run in progress: their stages end with {@link StageInterrupted}. */
    public void interruptAll() {
        running.forEach(Thread::interrupt);
    }

    public Map<String, Integer> load() {
        return Map.of("waiting", waiting.get(), "running", running.size(), "slots", size);
    }

    public String stage() {
        return stage;
    }

    /** The work done inside a slot. */
    @FunctionalInterface
    public interface SlotWork<T> {
        T run() throws StageFailure;
    }
}
