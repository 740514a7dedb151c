package io.nglive.recorder;

/**
 * The recorder could not be used: not reachable, too slow, refusing nglive's credentials, or answering with
 * something that is not its API. The message says which, in words a user can act on.
 */
public class RecorderUnavailable extends RuntimeException {

    public RecorderUnavailable(String message) {
        super(message);
    }
}
