package io.nglive.api;

import static io.nglive.api.Answers.ok;

import java.util.Locale;
import java.util.Map;

import io.nglive.journal.JobJournal;
import org.apache.camel.Header;

/** {@code /api/jobs}: the journal, read-only, plus retry of a failed job. */
public final class JobsApi {

    public static final int BAD_ARGUMENT = 4002;
    public static final int JOB_NOT_FOUND = 4044;
    public static final int NOT_RETRYABLE = 4091;

    private final JobJournal journal;

    public JobsApi(JobJournal journal) {
        this.journal = journal;
    }

    /** Jobs, newest first; {@code status}, {@code roomid}, and a {@link Page} ({@code limit}, {@code offset}). */
    public Map<String, Object> list(@Header("status") String status, @Header("roomid") String roomId,
                                    @Header("limit") String limit, @Header("offset") String offset) {
        String wanted = null;
        if (status != null && !status.isBlank()) {
            wanted = status.trim().toUpperCase(Locale.ROOT);
            if (!JobJournal.STATUSES.contains(wanted)) {
                throw new ApiError(400, BAD_ARGUMENT, "status must be one of " + JobJournal.STATUSES + ", not '"
                        + status + "'");
            }
        }
        Long room = roomId == null || roomId.isBlank() ? null : number("roomid", roomId);
        Page page = Page.of(limit, offset);
        return ok(journal.list(wanted, room, page.limit(), page.offset()));
    }

    public Map<String, Object> get(@Header("id") String id) {
        long jobId = number("id", id);
        return ok(journal.find(jobId).orElseThrow(() -> notFound(jobId)));
    }

    /** Makes a FAILED job PENDING again; returns its id for the pipeline queue. */
    public long retry(@Header("id") String id) {
        long jobId = number("id", id);
        String before = journal.retry(jobId).orElseThrow(() -> notFound(jobId));
        if (!JobJournal.FAILED.equals(before)) {
            throw new ApiError(409, NOT_RETRYABLE, "job " + jobId + " is " + before + "; only a FAILED job can be retried");
        }
        return jobId;
    }

    /** A job id as the API takes it; the central server checks one before it forwards a retry to the job's node. */
    public static long jobId(String value) {
        return number("id", value);
    }

    private static ApiError notFound(long jobId) {
        return new ApiError(404, JOB_NOT_FOUND, "job " + jobId + " does not exist");
    }

    private static long number(String name, String value) {
        return Parameters.wholeNumber(name, value, 0, Long.MAX_VALUE);
    }
}
