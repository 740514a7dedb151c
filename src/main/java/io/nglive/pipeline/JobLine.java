package io.nglive.pipeline;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import io.nglive.Durations;
import io.nglive.journal.JobJournal;

/**
 * The one line a job leaves in the log when it ends (its file, the stages it ran, how long it took, where it went), or
 * when the replica gate stops it or lets it go on.
 */
final class JobLine {

    private JobLine() {
    }

    /** {@code job 12 DONE 23058/a.flv: transcode 2.1 s, upload 0.4 s, took 2.6 s -> <outputs>}, from the journal. */
    @SuppressWarnings("unchecked")
    static String done(Map<String, Object> job, Duration took) {
        StringJoiner stages = new StringJoiner(", ");
        List<String> outputs = new ArrayList<>();
        for (Map<String, Object> step : (List<Map<String, Object>>) job.get("steps")) {
            if (JobJournal.DONE.equals(step.get("status"))) {
                stages.add(step.get("stage") + " " + Durations.readable(Duration.between(
                        OffsetDateTime.parse((String) step.get("started")),
                        OffsetDateTime.parse((String) step.get("finished")))));
                if (step.get("output") != null) {
                    outputs.add((String) step.get("output"));
                }
            }
        }
        return "job " + job.get("id") + " DONE " + job.get("file") + ": "
                + (stages.length() == 0 ? "no stage" : stages) + ", took " + Durations.readable(took)
                + (outputs.isEmpty() ? "" : " -> " + String.join(", ", outputs));
    }

    /** {@code job 12 STANDBY 23058/a.flv: node-b uploads session 7c7f...}: a job the replica gate stops or lets go. */
    static String held(long jobId, String file, String status, String why) {
        return "job " + jobId + " " + status + " " + file + ": " + why;
    }

    /** {@code job 12 FAILED 23058/a.flv in upload (attempt 3), took 5.0 s: the reason}. */
    static String failed(long jobId, String file, String stage, Integer attempt, Duration took, String reason) {
        return "job " + jobId + " FAILED " + file + " in " + (stage == null ? "the pipeline" : stage)
                + (attempt == null ? "" : " (attempt " + attempt + ")") + ", took " + Durations.readable(took)
                + ": " + reason;
    }
}
