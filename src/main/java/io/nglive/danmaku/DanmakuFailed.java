package io.nglive.danmaku;

import io.nglive.pipeline.StageFailure;

/** The danmaku file could not be turned into subtitles; the message says why. Not retried: the file stays the same. */
public class DanmakuFailed extends StageFailure {

    public DanmakuFailed(String reason, Throwable cause) {
        super(reason, cause);
    }
}
