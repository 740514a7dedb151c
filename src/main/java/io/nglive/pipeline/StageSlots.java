package io.nglive.pipeline;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * At most N runs of a stage at once in this process, whatever route or trigger asked for them (a burst of
 * webhooks, a resume at start, an API retry). Counts who waits and who runs for the heartbeat, and is closed when
 * nglive stops: runs in progress and waiting ones are interrupted, and no new one starts.
 */
public final class StageSlots {

    private final String stage;
    private final int size;
    private final Semaphore permits;
    private final Set<Thread> waiting = ConcurrentHashMap.newKeySet();
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public StageSlots(String stage, int size) {
        this.stage = stage;
        this.size = size;
        this.permits = new Semaphore(size, true);
    }

    /** Runs {@code work} in a slot, waiting for one if they are all taken. */
    public <T> T run(SlotWork<T> work) throws StageFailure {
        Thread self = Thread.currentThread();
        try {
            waiting.add(self);
            try {
                if (closed) {
                    throw new StageInterrupted(stage + " not started: nglive is stopping");
                }
                permits.acquire();
            } catch (InterruptedException e) {
                throw new StageInterrupted(stage + " interrupted while waiting for a free slot");
            } finally {
                waiting.remove(self);
            }
            running.add(self);
            try {
                if (closed) {
                    throw new StageInterrupted(stage + " not started: nglive is stopping");
                }
                return work.run();
            } finally {
                running.remove(self);
                permits.release();
            }
        } finally {
            // the stage has answered an interrupt from close() by now; left set, the flag would make the worker
            // thread's next blocking call (its queue poll) fail at once, in a loop
            Thread.interrupted();
        }
    }

    /** No new run starts from now on, and every run in progress or waiting ends with {@link StageInterrupted}. */
    public void close() {
        closed = true;
        waiting.forEach(Thread::interrupt);
        running.forEach(Thread::interrupt);
    }

    public Map<String, Integer> load() {
        return Map.of("waiting", waiting(), "running", running(), "slots", size);
    }

    int waiting() {
        return waiting.size();
    }

    int running() {
        return running.size();
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
