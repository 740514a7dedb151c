package io.nglive.pipeline;

/** The exchange headers that carry a job through the pipeline routes. The journal stays the truth; these point to it. */
public final class JobHeaders {

    /** The job's id in the journal. */
    public static final String JOB_ID = "NgliveJobId";
    /** The recording's RelativePath (the job's {@code file}). */
    public static final String RECORDING = "NgliveRecording";
    /** The job's room. */
    public static final String ROOM_ID = "NgliveRoomId";
    /** The file the next stage works on: the recording at first, then each stage's output. An absolute path. */
    public static final String FILE = "NgliveFile";

    /** Exchange properties naming the step that is running, for the failure path. */
    public static final String STAGE = "NgliveStage";
    public static final String STAGE_INPUT = "NgliveStageInput";
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
