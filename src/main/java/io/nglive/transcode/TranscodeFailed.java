package io.nglive.transcode;

import io.nglive.pipeline.StageFailure;

/** ffmpeg could not produce the output; the message says why (ffmpeg's own last words when it has them). */
public class TranscodeFailed extends StageFailure {

    public TranscodeFailed(String reason) {
        super(reason);
    }

    public TranscodeFailed(String reason, Throwable cause) {
        super(reason, cause);
    }
}
