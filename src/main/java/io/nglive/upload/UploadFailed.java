package io.nglive.upload;

import io.nglive.pipeline.StageFailure;

/** The file did not reach the target, or did not arrive whole; the message says why. */
public class UploadFailed extends StageFailure {

    public UploadFailed(String reason) {
        super(reason);
    }

    public UploadFailed(String reason, Throwable cause) {
        super(reason, cause);
    }
}
