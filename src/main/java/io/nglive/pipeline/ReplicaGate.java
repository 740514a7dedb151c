package io.nglive.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import io.nglive.api.Answers;
import io.nglive.api.ApiError;
import io.nglive.api.JobsApi;
import io.nglive.api.RoomRequest;
import io.nglive.api.RoomsApi;
import io.nglive.events.EventLog;
import io.nglive.journal.JobJournal;
import io.nglive.journal.Replicas;
import io.nglive.protocol.Frames;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Of a room the central server records on two nodes, one node uploads each session (routes/55-replicas): the gate
 * before the uploads stops a job until the central server's uploadrole names the node. The gate's read of a role and
 * its write of WAITING, uploadrole's write of a role and its moves of the jobs, a primary job's DONE or FAILED, and
 * the resume of waiting jobs whose room is not recorded twice any more are one at a time (one lock), so that a role
 * that arrives while a job is at the gate is never missed.
 */
public final class ReplicaGate {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaGate.class);

    private final Replicas replicas;
    private final JobJournal journal;
    private final EventLog events;
    private final PipelineMetrics metrics;
    /** Without a central server nobody gives a role: every job goes through. */
    private final boolean central;
    private final ReentrantLock lock = new ReentrantLock();
    /** Run by the gate, holding the lock, right after it read the job's session (tests: a role arriving then). */
    volatile Runnable afterRead = () -> { };

    public ReplicaGate(Replicas replicas, JobJournal journal, EventLog events, PipelineMetrics metrics,
                       boolean central) {
        this.replicas = replicas;
        this.journal = journal;
        this.events = events;
        this.metrics = metrics;
        this.central = central;
    }

    /** addroom's {@code replicas}: 2 remembers that the room is recorded twice, absent, blank or 1 forgets it. */
    public void replicas(@Header("roomid") String roomId, @Header("replicas") String replicas) {
        boolean twice = RoomRequest.replicas(replicas == null || replicas.isBlank() ? null : replicas) == 2;
        this.replicas.replicated(RoomsApi.roomId(roomId), twice);
    }

    /** kamelet:replica-gate: the job goes on to its uploads, or stops here (the route ends for it). */
    public void pass(Exchange exchange) {
        if (!central) {
            return;
        }
        long jobId = exchange.getMessage().getHeader(JobHeaders.JOB_ID, Long.class);
        String file = exchange.getMessage().getHeader(JobHeaders.RECORDING, String.class);
        lock.lock();
        try {
            // a role once given holds even when the room is not recorded twice any more (moved away by hand): the
            // central server may have named the other node for the session
            Optional<Replicas.Session> session = replicas.session(jobId)
                    .filter(s -> s.replicated() || s.role().isPresent());
            afterRead.run();
            if (session.isEmpty()) {
                return;
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("jobId", jobId);
            fields.put("roomId", session.get().roomId());
            fields.put("sessionId", session.get().sessionId());
            fields.put("file", file);
            Optional<Replicas.Role> role = session.get().role();
            if (role.isEmpty()) {
                // the status and its event together: a crash between them would leave a job nobody hears of
                events.record("UploadWaiting", fields, null,
                        (c, seq) -> journal.move(c, jobId, JobJournal.RUNNING, JobJournal.WAITING));
                LOG.info(JobLine.held(jobId, file, JobJournal.WAITING, "its room is recorded twice; it waits for the "
                        + "central server to say which node uploads session " + session.get().sessionId()));
                exchange.setRouteStop(true);
                return;
            }
            String primary = role.get().primary() == null ? "the other node" : role.get().primary();
            switch (role.get().role()) {
                case Replicas.STANDBY -> {
                    fields.put("primary", role.get().primary());
                    events.record("UploadStandby", fields, null,
                            (c, seq) -> journal.move(c, jobId, JobJournal.RUNNING, JobJournal.STANDBY));
                    LOG.info(JobLine.held(jobId, file, JobJournal.STANDBY, primary + " uploads session "
                            + session.get().sessionId() + "; the files are kept"));
                    exchange.setRouteStop(true);
                }
                case Replicas.UPLOADED -> {
                    uploadedElsewhere(jobId, file, JobJournal.RUNNING, session.get().roomId(),
                            session.get().sessionId(), role.get().primary());
                    exchange.setRouteStop(true);
                }
                default -> {
                    // primary: this node uploads
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * uploadrole: stores the session's role and applies it to the session's jobs that wait for one. An unknown room
     * or session is fine: the role is stored, and the session's jobs find it at the gate.
     */
    public Replicas.Applied uploadRole(@Header("roomid") String roomId, @Header("session") String session,
                                       @Header("role") String role, @Header("primary") String primary) {
        String wanted = role == null ? "" : role.trim().toLowerCase(Locale.ROOT);
        if (!Replicas.ROLES.contains(wanted)) {
            throw new ApiError(400, JobsApi.BAD_ARGUMENT, "role must be one of " + Replicas.ROLES + ", not '"
                    + Frames.shown(String.valueOf(role)) + "'");
        }
        if (session == null || session.isBlank() || session.length() > 128) {
            throw new ApiError(400, JobsApi.BAD_ARGUMENT, "session must be the recorder's SessionId (at most 128 "
                    + "characters), not '" + Frames.shown(String.valueOf(session)) + "'");
        }
        long room = RoomsApi.roomId(roomId);
        String node = primary == null || primary.isBlank() ? null : Frames.shown(primary.trim());
        Replicas.Applied applied;
        lock.lock();
        try {
            applied = replicas.apply(room, session, new Replicas.Role(wanted, node));
            if (wanted.equals(Replicas.UPLOADED)) {
                int done = 0;
                for (Map.Entry<Long, String> job : journal.session(session).entrySet()) {
                    if (job.getValue().equals(JobJournal.WAITING) || job.getValue().equals(JobJournal.STANDBY)) {
                        String file = journal.find(job.getKey()).map(j -> (String) j.get("file")).orElse(null);
                        done += uploadedElsewhere(job.getKey(), file, job.getValue(), room, session, node);
                    }
                }
                applied = new Replicas.Applied(applied.jobs() + done, applied.resumed());
            } else if (wanted.equals(Replicas.PRIMARY)) {
                cannotUpload(session).ifPresent(reason -> notUploaded(room, session, reason));
            }
        } finally {
            lock.unlock();
        }
        LOG.info("session {} of room {}: {} (primary {}); {} job(s) changed{}", session, room, wanted, node,
                applied.jobs(), applied.resumed().isEmpty() ? "" : ", " + applied.resumed() + " go on to the uploads");
        return applied;
    }

    /** Why this node cannot upload the session it was named primary for, if it cannot: no job of it, or one FAILED. */
    private Optional<String> cannotUpload(String sessionId) {
        Map<Long, String> jobs = journal.session(sessionId);
        if (jobs.isEmpty()) {
            return Optional.of("no recording of the session here");
        }
        return jobs.entrySet().stream().filter(job -> job.getValue().equals(JobJournal.FAILED)).findFirst()
                .map(job -> failedJob(job.getKey()));
    }

    private String failedJob(long jobId) {
        return "job " + jobId + " FAILED: " + journal.find(jobId).map(j -> j.get("error")).orElse("unknown error");
    }

    /**
     * This node is the session's primary and cannot upload it: {@code SessionNotUploaded}, once per session, so that
     * the central server does not leave the other node's standby waiting for an upload that will not come.
     */
    private void notUploaded(long roomId, String sessionId, String reason) {
        if (replicas.reportedNotUploaded(sessionId)) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("roomId", roomId);
        fields.put("sessionId", sessionId);
        fields.put("jobs", journal.session(sessionId).size());
        fields.put("reason", reason);
        events.record("SessionNotUploaded", fields, null, (c, seq) -> replicas.notUploaded(c, sessionId));
        LOG.warn("session {} of room {}: this node uploads it but cannot ({}); the central server is told", sessionId,
                roomId, reason);
    }

    /**
     * The other node uploaded the job's session: the job is DONE without an upload, its event {@code UploadedElsewhere}
     * in the same transaction, so that the central server's list shows it done too. Returns 1 when the job was moved.
     */
    private int uploadedElsewhere(long jobId, String file, String from, long roomId, String sessionId, String primary) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("jobId", jobId);
        fields.put("roomId", roomId);
        fields.put("sessionId", sessionId);
        fields.put("file", file);
        fields.put("primary", primary);
        int moved = events.record("UploadedElsewhere", fields, null,
                (c, seq) -> journal.move(c, jobId, from, JobJournal.DONE)).extra();
        if (moved == 1) {
            metrics.jobDone();
            LOG.info(JobLine.held(jobId, file, JobJournal.DONE, "uploaded by "
                    + (primary == null ? "the other node" : primary)));
        }
        return moved;
    }

    /** uploadrole's answer: how many jobs the role changed. */
    public Map<String, Object> answer(@Body Replicas.Applied applied) {
        return Answers.ok(Map.of("jobs", applied.jobs()));
    }

    /**
     * Pipeline.finish: the job is DONE. When its session is one this node uploads and it is the session's last job to
     * be DONE, {@code SessionUploaded} is recorded with it, so that the central server tells the other node.
     */
    void jobDone(long jobId) {
        lock.lock();
        try {
            Optional<Replicas.Session> session = replicas.session(jobId)
                    .filter(s -> s.role().map(r -> r.role().equals(Replicas.PRIMARY)).orElse(false));
            if (session.isEmpty()) {
                journal.jobDone(jobId);
                return;
            }
            Map<Long, String> jobs = journal.session(session.get().sessionId());
            jobs.remove(jobId);
            if (!jobs.values().stream().allMatch(JobJournal.DONE::equals)) {
                journal.jobDone(jobId);
                return;
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("roomId", session.get().roomId());
            fields.put("sessionId", session.get().sessionId());
            fields.put("jobs", jobs.size() + 1);
            events.record("SessionUploaded", fields, null, (c, seq) -> journal.jobDone(c, jobId));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Pipeline.failed: the job is FAILED. When its session is one this node uploads, the session will not be uploaded
     * whole: {@code SessionNotUploaded} (once per session).
     */
    void jobFailed(long jobId) {
        lock.lock();
        try {
            replicas.session(jobId)
                    .filter(s -> s.role().map(r -> r.role().equals(Replicas.PRIMARY)).orElse(false))
                    .filter(s -> JobJournal.FAILED.equals(journal.session(s.sessionId()).get(jobId)))
                    .ifPresent(s -> notUploaded(s.roomId(), s.sessionId(), failedJob(jobId)));
        } finally {
            lock.unlock();
        }
    }

    /**
     * After addroom or a removal made the node forget that rooms are recorded twice: their jobs that wait for a role
     * (nobody will give one now) become PENDING; returns them, for the pipeline. Under the lock, so that a job the
     * gate was making WAITING meanwhile is among them. STANDBY jobs stay: the other node uploads their session.
     */
    public List<Long> resumeUnreplicated() {
        Map<Long, String> resumed;
        lock.lock();
        try {
            resumed = replicas.resumeUnreplicated();
        } finally {
            lock.unlock();
        }
        resumed.forEach((jobId, file) -> LOG.info(JobLine.held(jobId, file, JobJournal.PENDING, "its room is not "
                + "recorded twice any more (addroom without replicas: 2, or the room removed), so no node will be "
                + "named to upload it; it goes on to its uploads")));
        return List.copyOf(resumed.keySet());
    }
}
