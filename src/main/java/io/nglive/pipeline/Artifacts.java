package io.nglive.pipeline;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.nglive.journal.JobJournal;

/**
 * The names of what a job is made of, and of what each kind is. A stage reads artifacts by name and writes them by
 * name; the journal keeps each one's path ({@code job_artifact}). {@code video} is not stored: it names the newest
 * video artifact of the job (the burnt video, else the MP4, else the recording), so that a pipeline written for "the
 * video" works whether or not it transcodes. Names are lower case letters, digits and '-', so that a user can name
 * the output of a stage of their own.
 */
public final class Artifacts {

    /** The recording as the recorder wrote it (under the works path). */
    public static final String RECORDING = "recording";
    /** The recorder's danmaku XML beside the recording, when there is one. */
    public static final String DANMAKU = "danmaku";
    /** The transcode's output. */
    public static final String MP4 = "mp4";
    /** The danmaku as ASS subtitles. */
    public static final String ASS = "ass";
    /** The video burnt with its subtitles. */
    public static final String BURNT = "burnt";
    /** A picture of the video. */
    public static final String COVER = "cover";
    /** The newest video artifact of the job; never stored. */
    public static final String VIDEO = "video";

    public static final String KIND_VIDEO = "video";
    public static final String KIND_DANMAKU = "danmaku";
    public static final String KIND_SUBTITLES = "subtitles";

    private static final Map<String, String> KINDS = Map.of(RECORDING, KIND_VIDEO, MP4, KIND_VIDEO, BURNT, KIND_VIDEO,
            DANMAKU, KIND_DANMAKU, ASS, KIND_SUBTITLES, COVER, "image");

    private Artifacts() {
    }

    /** The kind of a named artifact: what nglive knows it to be, {@code file} for a name of the user's. */
    public static String kind(String name) {
        return KINDS.getOrDefault(name, "file");
    }

    /** The job's artifact of that name; {@code video} is its newest video artifact. */
    public static Optional<JobJournal.Artifact> find(JobJournal journal, long jobId, String name) {
        return VIDEO.equals(name) ? journal.newest(jobId, KIND_VIDEO) : journal.artifact(jobId, name);
    }

    /**
     * The name as given in a route, checked.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static String name(String name) {
        String n = Optional.ofNullable(name).map(String::trim).orElse("").toLowerCase(Locale.ROOT);
        if (!n.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("an artifact's name is 1 to 64 letters, digits or '-', like mp4 or ass;"
                    + " got '" + name + "'");
        }
        return n;
    }
}
