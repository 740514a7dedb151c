package io.nglive.transcode;

/**
 * The output's file system is full. Not the recording's fault, so it is retried far longer than other transcode
 * failures ({@code nglive.transcode.space-retries}): the job goes on by itself once space is freed.
 */
public final class OutOfSpace extends TranscodeFailed {

    public OutOfSpace(String reason) {
        super(reason);
    }

    public OutOfSpace(String reason, Throwable cause) {
        super(reason, cause);
    }
}
