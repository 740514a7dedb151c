package io.nglive.pipeline;

/**
 * A stage could not finish. The message is the readable reason that ends up in the journal and in the
 * stage's {@code *Error} event, so it must say what went wrong in words a user understands.
 */
public class StageFailure extends Exception {

    public StageFailure(String reason) {
        super(reason);
    }

    public StageFailure(String reason, Throwable cause) {
        super(reason, cause);
    }
}
