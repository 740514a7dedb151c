package io.nglive.journal;

import static io.nglive.journal.JournalAccess.query;
import static io.nglive.journal.JournalAccess.transaction;
import static io.nglive.journal.JournalAccess.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

/**
 * The job journal: the only truth about a recording's way through the pipeline. A job is PENDING until a pipeline
 * worker claims it (RUNNING), then DONE or FAILED; a job of a room recorded twice may stop before its uploads, WAITING
 * for the central server to say which node uploads its session, or STANDBY while the other one does ({@link Replicas}).
 * Each stage a job passes through is a step keyed by (job, stage, input file); a step that is DONE is never run again,
 * which is what lets the pipeline simply be started over after a crash or a retry.
 */
public final class JobJournal {

    public static final String PENDING = "PENDING";
    public static final String RUNNING = "RUNNING";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";
    /** At the replica gate until the central server says which node uploads the job's session. */
    public static final String WAITING = "WAITING";
    /** The other node uploads the job's session; its files are kept in case that node is lost first. */
    public static final String STANDBY = "STANDBY";
    /** Every status, in the order a job goes through them. */
    public static final List<String> STATUSES = List.of(PENDING, RUNNING, WAITING, STANDBY, DONE, FAILED);

    /** A job's row with its session's upload role, if the central server gave one (a room recorded twice). */
    private static final String WITH_REPLICA = "SELECT job.*, replica_session.role AS replica_role, "
            + "replica_session.primary_node AS replica_primary FROM job "
            + "LEFT JOIN replica_session ON replica_session.session_id = job.session_id";

    private final DataSource dataSource;

    public JobJournal(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Creates the job for a closed recording, in the caller's transaction; empty when the file has one already.
     * {@code recorder} is the kind of recorder that reported it, null when the works-path scan found it.
     */
    public Optional<Long> create(Connection c, long eventSeq, Long roomId, String sessionId, String file, String title,
                                 String recorder) throws SQLException {
        if (!query(c, "SELECT id FROM job WHERE file = ?", file).isEmpty()) {
            return Optional.empty();
        }
        String now = now();
        update(c, "INSERT INTO job (event_seq, room_id, session_id, file, title, recorder, status, created, updated) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", eventSeq, roomId, sessionId, file,
                clip(title, 1000), recorder, PENDING, now, now);
        return Optional.of(((Number) query(c, "SELECT id FROM job WHERE file = ?", file).get(0).get("id")).longValue());
    }

    /** Which of these recording files have a job already. */
    public Set<String> withJobs(Collection<String> files) {
        return transaction(dataSource, c -> {
            Set<String> known = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM job WHERE file = ?")) {
                for (String file : files) {
                    s.setString(1, file);
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()) {
                            known.add(file);
                        }
                    }
                }
            }
            return known;
        });
    }

    /** Moves a PENDING job to RUNNING; false when someone else has it or it is not pending. */
    public boolean claim(long jobId) {
        return transaction(dataSource, c -> update(c,
                "UPDATE job SET status = ?, error = NULL, updated = ? WHERE id = ? AND status = ?",
                RUNNING, now(), jobId, PENDING) == 1);
    }

    /** Jobs that are not finished (PENDING or RUNNING), oldest first; WAITING and STANDBY ones wait for a role. */
    public List<Long> unfinished() {
        return transaction(dataSource, c -> {
            List<Long> ids = new ArrayList<>();
            for (Map<String, Object> row : query(c, "SELECT id FROM job WHERE status IN (?, ?) ORDER BY id",
                    PENDING, RUNNING)) {
                ids.add(((Number) row.get("id")).longValue());
            }
            return ids;
        });
    }

    /** Makes jobs that nobody runs (left RUNNING by a crash or a dead worker) PENDING again, with their steps. */
    public void release(List<Long> jobIds) {
        transaction(dataSource, c -> {
            for (long id : jobIds) {
                update(c, "UPDATE job SET status = ?, updated = ? WHERE id = ? AND status = ?", PENDING, now(), id, RUNNING);
                update(c, "UPDATE job_step SET status = ?, pid = NULL WHERE job_id = ? AND status = ?", PENDING, id, RUNNING);
            }
            return null;
        });
    }

    /** A child process of a step that was running when the previous nglive died, and when that step started. */
    public record Abandoned(long pid, OffsetDateTime started) {
    }

    /** Steps that were running when the previous process died, with their child process. */
    public List<Abandoned> abandonedProcesses() {
        return transaction(dataSource, c -> {
            List<Abandoned> found = new ArrayList<>();
            for (Map<String, Object> row : query(c,
                    "SELECT pid, started FROM job_step WHERE status = ? AND pid IS NOT NULL", RUNNING)) {
                found.add(new Abandoned(((Number) row.get("pid")).longValue(),
                        OffsetDateTime.parse((String) row.get("started"))));
            }
            return found;
        });
    }

    /** The output of a step that already finished, if it did. */
    public Optional<String> completedOutput(long jobId, String stage, String input) {
        return transaction(dataSource, c -> query(c,
                "SELECT output FROM job_step WHERE job_id = ? AND stage = ? AND input = ? AND status = ?",
                jobId, stage, input, DONE).stream().findFirst().map(r -> (String) r.get("output")));
    }

    /** A step begins an attempt; returns the attempt's number (1 for the first). */
    public int stepStarted(long jobId, String stage, String input) {
        return transaction(dataSource, c -> {
            String now = now();
            if (update(c, "UPDATE job_step SET status = ?, attempts = attempts + 1, started = ?, pid = NULL "
                    + "WHERE job_id = ? AND stage = ? AND input = ?", RUNNING, now, jobId, stage, input) == 0) {
                update(c, "INSERT INTO job_step (job_id, stage, input, status, attempts, started) VALUES (?, ?, ?, ?, 1, ?)",
                        jobId, stage, input, RUNNING, now);
            }
            int attempts = ((Number) query(c, "SELECT attempts FROM job_step WHERE job_id = ? AND stage = ? AND input = ?",
                    jobId, stage, input).get(0).get("attempts")).intValue();
            update(c, "UPDATE job SET stage = ?, attempts = ?, updated = ? WHERE id = ?", stage, attempts, now, jobId);
            return attempts;
        });
    }

    /** Remembers the child process of a running step (null once it ended), so that a restart can stop it if it outlived us. */
    public void stepProcess(long jobId, String stage, String input, Long pid) {
        transaction(dataSource, c -> update(c, "UPDATE job_step SET pid = ? WHERE job_id = ? AND stage = ? AND input = ?",
                pid, jobId, stage, input));
    }

    public void stepCompleted(long jobId, String stage, String input, String output) {
        transaction(dataSource, c -> stepCompleted(c, jobId, stage, input, output));
    }

    /** As {@link #stepCompleted(long, String, String, String)}, in the caller's transaction (with its event). */
    public int stepCompleted(Connection c, long jobId, String stage, String input, String output) throws SQLException {
        String now = now();
        update(c, "UPDATE job_step SET status = ?, output = ?, error = NULL, pid = NULL, finished = ? "
                + "WHERE job_id = ? AND stage = ? AND input = ?", DONE, output, now, jobId, stage, input);
        return update(c, "UPDATE job SET error = NULL, updated = ? WHERE id = ?", now, jobId);
    }

    /** One attempt of a step failed; the job keeps running while retries remain. */
    public void stepFailed(long jobId, String stage, String input, String error) {
        transaction(dataSource, c -> {
            String now = now();
            update(c, "UPDATE job_step SET status = ?, error = ?, pid = NULL, finished = ? "
                    + "WHERE job_id = ? AND stage = ? AND input = ?", FAILED, clip(error), now, jobId, stage, input);
            return update(c, "UPDATE job SET error = ?, updated = ? WHERE id = ?", clip(error), now, jobId);
        });
    }

    /** A RUNNING job failed for good; a job in any other state is left as it is. */
    public void jobFailed(long jobId, String error) {
        transaction(dataSource, c -> jobFailed(c, jobId, error));
    }

    /** As {@link #jobFailed(long, String)}, in the caller's transaction (with its event). */
    public int jobFailed(Connection c, long jobId, String error) throws SQLException {
        return update(c, "UPDATE job SET status = ?, error = ?, updated = ? WHERE id = ? AND status = ?",
                FAILED, clip(error), now(), jobId, RUNNING);
    }

    public void jobDone(long jobId) {
        transaction(dataSource, c -> jobDone(c, jobId));
    }

    /** As {@link #jobDone(long)}, in the caller's transaction (with its event). */
    public int jobDone(Connection c, long jobId) throws SQLException {
        return update(c, "UPDATE job SET status = ?, error = NULL, updated = ? WHERE id = ?", DONE, now(), jobId);
    }

    /** Moves a job from one status to another, in the caller's transaction; 0 when it was not {@code from}. */
    public int move(Connection c, long jobId, String from, String to) throws SQLException {
        return update(c, "UPDATE job SET status = ?, updated = ? WHERE id = ? AND status = ?", to, now(), jobId, from);
    }

    /** The jobs of a session, by id, with their status. */
    public Map<Long, String> session(String sessionId) {
        return transaction(dataSource, c -> session(c, sessionId));
    }

    /** As {@link #session(String)}, in the caller's transaction. */
    public Map<Long, String> session(Connection c, String sessionId) throws SQLException {
        Map<Long, String> jobs = new LinkedHashMap<>();
        for (Map<String, Object> row : query(c, "SELECT id, status FROM job WHERE session_id = ? ORDER BY id",
                sessionId)) {
            jobs.put(((Number) row.get("id")).longValue(), (String) row.get("status"));
        }
        return jobs;
    }

    /** A file a job has made or was given, by name (see io.nglive.pipeline.Artifacts). */
    public record Artifact(String name, String kind, String path, String stage) {
    }

    /** Records an artifact of the job (replacing one of the same name), with the file's size as it is now. */
    public void artifact(long jobId, Artifact artifact) {
        transaction(dataSource, c -> artifact(c, jobId, artifact));
    }

    /** As {@link #artifact(long, Artifact)}, in the caller's transaction (with the step that wrote it). */
    public int artifact(Connection c, long jobId, Artifact artifact) throws SQLException {
        Long size = null;
        try {
            size = Files.size(Path.of(artifact.path()));
        } catch (IOException | InvalidPathException e) {
            // a file that is gone has no size; the row still says where it was
        }
        update(c, "DELETE FROM job_artifact WHERE job_id = ? AND name = ?", jobId, artifact.name());
        return update(c, "INSERT INTO job_artifact (job_id, name, kind, path, stage, size, seq, created) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", jobId, artifact.name(), artifact.kind(), artifact.path(),
                artifact.stage(), size, JournalAccess.nextValue(c, "artifact_seq"), now());
    }

    /** The job's artifact of that name. */
    public Optional<Artifact> artifact(long jobId, String name) {
        return transaction(dataSource, c -> query(c, "SELECT name, kind, path, stage FROM job_artifact "
                + "WHERE job_id = ? AND name = ?", jobId, name).stream().findFirst().map(JobJournal::artifactOf));
    }

    /** The job's newest artifact of a kind (the last one written). */
    public Optional<Artifact> newest(long jobId, String kind) {
        return transaction(dataSource, c -> query(c, "SELECT name, kind, path, stage FROM job_artifact "
                + "WHERE job_id = ? AND kind = ? ORDER BY seq DESC LIMIT 1", jobId, kind).stream().findFirst()
                .map(JobJournal::artifactOf));
    }

    private static Artifact artifactOf(Map<String, Object> row) {
        return new Artifact((String) row.get("name"), (String) row.get("kind"), (String) row.get("path"),
                (String) row.get("stage"));
    }

    /**
     * DONE jobs whose local files are still theirs (retention has not deleted them), oldest first, after
     * {@code afterId}, at most {@code limit}. A job whose recording the recorder has opened again is left out.
     */
    public List<Long> doneKeepingFiles(long afterId, int limit) {
        return transaction(dataSource, c -> {
            List<Long> ids = new ArrayList<>();
            for (Map<String, Object> row : query(c, "SELECT id FROM job WHERE status = ? AND files_deleted IS NULL "
                    + "AND id > ? AND file NOT IN (SELECT file FROM open_recording) ORDER BY id LIMIT ?",
                    DONE, afterId, limit)) {
                ids.add(((Number) row.get("id")).longValue());
            }
            return ids;
        });
    }

    /**
     * Retention deleted these files (paths of the job's artifacts) of a DONE job: the job and those artifacts say
     * when, in the caller's transaction (with its event). 0 when the job is not DONE, and nothing is marked.
     */
    public int filesDeleted(Connection c, long jobId, Collection<String> paths) throws SQLException {
        String now = now();
        if (update(c, "UPDATE job SET files_deleted = ? WHERE id = ? AND status = ?", now, jobId, DONE) == 0) {
            return 0;
        }
        for (String path : paths) {
            update(c, "UPDATE job_artifact SET deleted = ? WHERE job_id = ? AND path = ?", now, jobId, path);
        }
        return 1;
    }

    /** Makes a FAILED job PENDING again; empty when there is no such job, otherwise the job's status before. */
    public Optional<String> retry(long jobId) {
        return transaction(dataSource, c -> {
            List<Map<String, Object>> rows = query(c, "SELECT status FROM job WHERE id = ?", jobId);
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            String status = (String) rows.get(0).get("status");
            if (FAILED.equals(status)) {
                update(c, "UPDATE job SET status = ?, attempts = 0, updated = ? WHERE id = ?", PENDING, now(), jobId);
                update(c, "UPDATE job_step SET attempts = 0 WHERE job_id = ? AND status <> ?", jobId, DONE);
            }
            return Optional.of(status);
        });
    }

    /** The job as the API shows it, with its steps and outputs. */
    public Optional<Map<String, Object>> find(long jobId) {
        return transaction(dataSource, c -> {
            List<Map<String, Object>> rows = query(c, WITH_REPLICA + " WHERE job.id = ?", jobId);
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            Map<String, Object> job = view(rows.get(0));
            List<Map<String, Object>> steps = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            for (Map<String, Object> s : query(c,
                    "SELECT stage, input, status, output, attempts, error, started, finished FROM job_step "
                            + "WHERE job_id = ? ORDER BY started", jobId)) {
                steps.add(s);
                if (DONE.equals(s.get("status")) && s.get("output") != null) {
                    outputs.add((String) s.get("output"));
                }
            }
            job.put("outputs", outputs);
            job.put("steps", steps);
            job.put("artifacts", artifacts(c, jobId, steps));
            return Optional.of(job);
        });
    }

    /**
     * The job's artifacts in the order they were made, each with where it went: the verified uploads of its file (an
     * upload step is named {@code upload}, or {@code upload:<target>} for a named target).
     */
    private static List<Map<String, Object>> artifacts(Connection c, long jobId, List<Map<String, Object>> steps)
            throws SQLException {
        List<Map<String, Object>> artifacts = new ArrayList<>();
        for (Map<String, Object> row : query(c, "SELECT name, kind, path, stage, size, created, deleted FROM job_artifact "
                + "WHERE job_id = ? ORDER BY seq", jobId)) {
            List<Map<String, Object>> uploads = new ArrayList<>();
            for (Map<String, Object> step : steps) {
                String stage = (String) step.get("stage");
                if (DONE.equals(step.get("status")) && row.get("path").equals(step.get("input"))
                        && (stage.equals("upload") || stage.startsWith("upload:"))) {
                    Map<String, Object> upload = new LinkedHashMap<>();
                    upload.put("target", stage.equals("upload") ? "default" : stage.substring("upload:".length()));
                    upload.put("url", step.get("output"));
                    uploads.add(upload);
                }
            }
            Map<String, Object> artifact = new LinkedHashMap<>(row);
            artifact.put("uploads", uploads);
            artifacts.add(artifact);
        }
        return artifacts;
    }

    /** Jobs, newest first, {@code limit} of them after the first {@code offset}; only those with a status or of a room. */
    public List<Map<String, Object>> list(String status, Long roomId, int limit, int offset) {
        return transaction(dataSource, c -> {
            StringBuilder sql = new StringBuilder(WITH_REPLICA + " WHERE 1 = 1");
            List<Object> args = new ArrayList<>();
            if (status != null) {
                sql.append(" AND job.status = ?");
                args.add(status);
            }
            if (roomId != null) {
                sql.append(" AND job.room_id = ?");
                args.add(roomId);
            }
            sql.append(" ORDER BY job.id DESC LIMIT ? OFFSET ?");
            args.add(limit);
            args.add(offset);
            List<Map<String, Object>> jobs = new ArrayList<>();
            for (Map<String, Object> row : query(c, sql.toString(), args.toArray())) {
                jobs.add(view(row));
            }
            return jobs;
        });
    }

    /** Job count per status, for heartbeats and metrics. */
    public Map<String, Long> countByStatus() {
        return transaction(dataSource, c -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String s : STATUSES) {
                counts.put(s, 0L);
            }
            for (Map<String, Object> row : query(c, "SELECT status, COUNT(*) AS n FROM job GROUP BY status")) {
                counts.put((String) row.get("status"), ((Number) row.get("n")).longValue());
            }
            return counts;
        });
    }

    private static Map<String, Object> view(Map<String, Object> row) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("id", row.get("id"));
        job.put("roomId", row.get("room_id"));
        job.put("sessionId", row.get("session_id"));
        job.put("file", row.get("file"));
        job.put("title", row.get("title"));
        job.put("recorder", row.get("recorder"));
        job.put("status", row.get("status"));
        job.put("stage", row.get("stage"));
        job.put("attempts", row.get("attempts"));
        job.put("error", row.get("error"));
        job.put("created", row.get("created"));
        job.put("updated", row.get("updated"));
        job.put("filesDeleted", row.get("files_deleted"));
        if (row.get("replica_role") != null) {
            Map<String, Object> replica = new LinkedHashMap<>();
            replica.put("role", row.get("replica_role"));
            replica.put("primary", row.get("replica_primary"));
            job.put("replica", replica);
        }
        return job;
    }

    private static String clip(String text) {
        return clip(text, 4000);
    }

    /** At most {@code max} characters, the column's size; a longer text ends in "...". */
    private static String clip(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    private static String now() {
        return OffsetDateTime.now().toString();
    }
}
