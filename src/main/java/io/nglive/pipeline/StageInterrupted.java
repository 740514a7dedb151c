package io.nglive.pipeline;

/**
 * A stage stopped because nglive is shutting down. The job is not failed: it stays unfinished in the
 * journal and is picked up again on the next start.
 */
public class StageInterrupted extends RuntimeException {

    public StageInterrupted(String message) {
        super(message);
    }
}
