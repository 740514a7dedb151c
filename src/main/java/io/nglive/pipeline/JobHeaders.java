package io.nglive.pipeline;

/** The exchange headers that carry a job through the pipeline routes. The journal stays the truth; these point to it. */
public final class JobHeaders {

    /** The job's id in the journal. */
    public static final String JOB_ID = "NgliveJobId";
    /** The recording's RelativePath (the job's {@code file}). */
    public static final String RECORDING = "NgliveRecording";
    /** The job's room. */
    public static final String ROOM_ID = "NgliveRoomId";
    /** The recording's size in bytes when the job was claimed, for a {@code choice} in the pipeline. */
    public static final String SIZE = "NgliveRecordingSize";
    /** The recording's title (the stream's title when it was recorded), for a {@code choice} in the pipeline. */
    public static final String TITLE = "NgliveTitle";

    /** Exchange properties naming the stage that is running, for the failure path. */
    public static final String STAGE = "NgliveStage";
    public static final String ATTEMPT = "NgliveAttempt";
    /** The step (stage and input) the exchange is in, to tell its first attempt from a redelivery. */
    public static final String STEP = "NgliveStep";
    /** Set once the pipeline owns a job: failures of this exchange are the job's failures. */
    public static final String OWNED_JOB = "NgliveOwnedJob";
    /** When this exchange claimed its job ({@link System#nanoTime()}), for the job's log line. */
    public static final String CLAIMED = "NgliveClaimed";

    private JobHeaders() {
    }
}
