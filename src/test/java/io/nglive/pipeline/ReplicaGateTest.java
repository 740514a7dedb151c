package io.nglive.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nglive.api.ApiError;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.journal.FastTempDir;
import io.nglive.journal.JobJournal;
import io.nglive.journal.JournalAccess;
import io.nglive.journal.Replicas;
import io.nglive.rooms.RoomList;
import io.nglive.testing.CapturedLog;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica gate and uploadrole (routes/55-replicas, loaded as it is): which jobs of a room recorded on two nodes go
 * on to their uploads, which wait or stand by, and when the session is reported uploaded.
 */
class ReplicaGateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROOM = 23058;
    private static final String SESSION = "7c7f3672-70ce-405a-aa12-886702ced6e5";

    @TempDir(factory = FastTempDir.class)
    Path data;

    Database database;
    JobJournal journal;
    EventLog events;
    SimpleMeterRegistry meters;
    ReplicaGate gate;
    CamelContext camel;
    ProducerTemplate template;
    /** The jobs the route handed to the pipeline. */
    final List<Long> queued = new CopyOnWriteArrayList<>();
    /** The jobs that went past the gate, to the uploads. */
    final List<Long> uploaded = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        database = new Database(data);
        open(true);
    }

    /** The node's beans on the database, and the routes; {@code central}: a central server is configured. */
    private void open(boolean central) throws Exception {
        journal = new JobJournal(database.dataSource());
        events = new EventLog(database.dataSource(), "node-a", JSON);
        meters = new SimpleMeterRegistry();
        gate = new ReplicaGate(new Replicas(database.dataSource(), journal), journal, events,
                new PipelineMetrics(meters), central);
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("replicaGate", gate);
        PluginHelper.getRoutesLoader(camel).loadRoutes(
                ResourceHelper.resolveMandatoryResource(camel, "file:routes/55-replicas.camel.yaml"));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:queue-job").process(e -> queued.add(e.getMessage().getBody(Long.class)));
                from("direct:pipeline").to("kamelet:replica-gate")
                        .process(e -> uploaded.add(e.getMessage().getHeader(JobHeaders.JOB_ID, Long.class)));
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
        database.stop();
    }

    @Test
    void addroomsReplicasIsKeptForTheRoomAndAbsentOrOneForgetsIt() {
        gate.replicas("23058", "2");
        assertThat(replicatedRooms()).containsExactly(ROOM);
        gate.replicas("23058", "2");
        gate.replicas("5", "2");
        assertThat(replicatedRooms()).containsExactlyInAnyOrder(ROOM, 5L);

        gate.replicas("23058", null);
        assertThat(replicatedRooms()).containsExactly(5L);
        gate.replicas("5", "1");
        assertThat(replicatedRooms()).isEmpty();
    }

    @Test
    void aReplicasOtherThanOneOrTwoIs4002NamingItAndChangesNothing() {
        gate.replicas("23058", "2");
        for (String bad : List.of("3", "0", "two", "-2")) {
            assertThatThrownBy(() -> gate.replicas("23058", bad)).isInstanceOfSatisfying(ApiError.class, e -> {
                assertThat(e.getAnswer()).containsEntry("code", 4002);
                assertThat((String) e.getAnswer().get("message")).contains("replicas", "'" + bad + "'");
            });
        }
        assertThat(replicatedRooms()).containsExactly(ROOM);
    }

    @Test
    void removingTheRoomForgetsThatItIsRecordedTwice() {
        RoomList rooms = new RoomList(database.dataSource(), events);
        rooms.add(ROOM, true, RoomList.FROM_API, Map.of());
        gate.replicas("23058", "2");

        assertThat(rooms.remove(ROOM, Map.of())).isTrue();

        assertThat(replicatedRooms()).isEmpty();
    }

    @Test
    void aJobOfARoomRecordedOnceGoesThroughUntouched() throws Exception {
        goesThroughUntouched(claimed(ROOM, SESSION, "23058/a.flv"));
    }

    @Test
    void aJobWithoutASessionOrWithoutACentralServerGoesThrough() throws Exception {
        gate.replicas("23058", "2");
        goesThroughUntouched(claimed(ROOM, null, "23058/a.flv"));

        camel.stop();
        open(false);
        goesThroughUntouched(claimed(ROOM, SESSION, "23058/b.flv"));
    }

    @Test
    void withoutARoleTheJobWaitsAndTheRouteStops() throws Exception {
        gate.replicas("23058", "2");
        long job = claimed(ROOM, SESSION, "23058/a.flv");

        try (CapturedLog log = new CapturedLog(ReplicaGate.class.getName())) {
            pass(job);
            assertThat(log.lines(Level.INFO)).singleElement().asString()
                    .startsWith("INFO job " + job + " WAITING 23058/a.flv: ").contains(SESSION);
        }

        assertThat(uploaded).isEmpty();
        assertThat(status(job)).isEqualTo(JobJournal.WAITING);
        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("UploadWaiting");
            assertThat(e.path("jobId").asLong()).isEqualTo(job);
            assertThat(e.path("roomId").asLong()).isEqualTo(ROOM);
            assertThat(e.path("sessionId").asText()).isEqualTo(SESSION);
        });
    }

    @Test
    void asPrimaryTheJobGoesOnToItsUploads() throws Exception {
        gate.replicas("23058", "2");
        long job = claimed(ROOM, SESSION, "23058/a.flv");
        assertThat(role("primary", "node-a")).as("the job is not at the gate yet").isZero();

        goesThroughUntouched(job);

        assertThat(journal.find(job).orElseThrow()).containsEntry("replica", Map.of("role", "primary", "primary", "node-a"));
    }

    @Test
    void asStandbyTheJobStandsByAndTheRouteStops() throws Exception {
        gate.replicas("23058", "2");
        role("standby", "node-b");
        long job = claimed(ROOM, SESSION, "23058/a.flv");

        pass(job);

        assertThat(uploaded).isEmpty();
        assertThat(status(job)).isEqualTo(JobJournal.STANDBY);
        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("UploadStandby");
            assertThat(e.path("jobId").asLong()).isEqualTo(job);
            assertThat(e.path("sessionId").asText()).isEqualTo(SESSION);
            assertThat(e.path("primary").asText()).isEqualTo("node-b");
        });
    }

    @Test
    void onceTheOtherNodeUploadedTheSessionTheJobIsDoneWithoutUploading() throws Exception {
        gate.replicas("23058", "2");
        role("uploaded", "node-b");
        long job = claimed(ROOM, SESSION, "23058/a.flv");

        try (CapturedLog log = new CapturedLog(ReplicaGate.class.getName())) {
            pass(job);
            assertThat(log.lines(Level.INFO)).singleElement().asString()
                    .isEqualTo("INFO job " + job + " DONE 23058/a.flv: uploaded by node-b");
        }

        assertThat(uploaded).isEmpty();
        assertThat(status(job)).isEqualTo(JobJournal.DONE);
        assertThat(meters.get("nglive.jobs").tag("status", "DONE").counter().count()).isEqualTo(1);
        assertThat(events()).as("no SessionUploaded: this node did not upload it").singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("UploadedElsewhere");
            assertThat(e.path("jobId").asLong()).isEqualTo(job);
            assertThat(e.path("file").asText()).isEqualTo("23058/a.flv");
            assertThat(e.path("primary").asText()).isEqualTo("node-b");
        });
    }

    @Test
    void primaryResumesWaitingAndStandingByJobsAndHandsThemToThePipeline() throws Exception {
        gate.replicas("23058", "2");
        long waiting = claimed(ROOM, SESSION, "23058/a.flv");
        pass(waiting);
        long running = claimed(ROOM, SESSION, "23058/b.flv");
        long other = claimed(ROOM, "another-session", "23058/c.flv");
        pass(other);

        assertThat(role("primary", "node-a")).isEqualTo(1);

        assertThat(status(waiting)).isEqualTo(JobJournal.PENDING);
        assertThat(queued).containsExactly(waiting);
        assertThat(status(running)).as("not at the gate yet: it finds the role there").isEqualTo(JobJournal.RUNNING);
        assertThat(status(other)).isEqualTo(JobJournal.WAITING);

        assertThat(role("standby", "node-b")).as("no job waits any more").isZero();
        pass(running);
        assertThat(status(running)).isEqualTo(JobJournal.STANDBY);
        assertThat(role("primary", "node-a")).as("the other node was lost: this one takes over").isEqualTo(1);
        assertThat(status(running)).isEqualTo(JobJournal.PENDING);
        assertThat(queued).containsExactly(waiting, running);
    }

    @Test
    void standbyMovesWaitingJobsAndUploadedEndsWaitingAndStandingByOnes() throws Exception {
        gate.replicas("23058", "2");
        long first = claimed(ROOM, SESSION, "23058/a.flv");
        pass(first);

        assertThat(role("standby", "node-b")).isEqualTo(1);
        assertThat(status(first)).isEqualTo(JobJournal.STANDBY);
        assertThat(role("standby", "node-b")).as("the same role again changes nothing").isZero();

        long second = claimed(ROOM, SESSION, "23058/b.flv");
        journal.jobDone(second);
        long third = claimed(ROOM, SESSION, "23058/c.flv");
        JournalAccess.transaction(database.dataSource(), c -> journal.move(c, third, JobJournal.RUNNING, JobJournal.WAITING));

        assertThat(role("uploaded", "node-b")).isEqualTo(2);

        assertThat(status(first)).isEqualTo(JobJournal.DONE);
        assertThat(status(third)).isEqualTo(JobJournal.DONE);
        assertThat(queued).isEmpty();
        assertThat(meters.get("nglive.jobs").tag("status", "DONE").counter().count()).isEqualTo(2);
        // each with its event, so that the central server's list shows them done
        assertThat(events()).filteredOn(e -> e.path("type").asText().equals("UploadedElsewhere"))
                .extracting(e -> e.path("jobId").asLong()).containsExactlyInAnyOrder(first, third);
    }

    @Test
    void aRoleForAnUnknownSessionIsKeptForItsJobsToFindAtTheGate() throws Exception {
        gate.replicas("23058", "2");
        assertThat(role("standby", "node-b")).isZero();

        long job = claimed(ROOM, SESSION, "23058/a.flv");
        pass(job);

        assertThat(status(job)).isEqualTo(JobJournal.STANDBY);
    }

    @Test
    void aRoleOtherThanTheThreeIs4002NamingThemAndIsNotStored() throws Exception {
        JsonNode answer = uploadrole(Map.of("roomid", "23058", "session", SESSION, "role", "leader"));

        assertThat(answer.path("code").asInt()).isEqualTo(4002);
        assertThat(answer.path("message").asText()).contains("'leader'", "primary", "standby", "uploaded");
        gate.replicas("23058", "2");
        long job = claimed(ROOM, SESSION, "23058/a.flv");
        pass(job);
        assertThat(status(job)).isEqualTo(JobJournal.WAITING);
    }

    @Test
    void waitingAndStandingByJobsSurviveARestartAndAreNotSweptBack() throws Exception {
        gate.replicas("23058", "2");
        long waiting = claimed(ROOM, SESSION, "23058/a.flv");
        pass(waiting);
        role("standby", "node-b");
        long standby = claimed(ROOM, SESSION, "23058/b.flv");
        pass(standby);
        long waitingElsewhere = claimed(ROOM, "another-session", "23058/c.flv");
        pass(waitingElsewhere);

        camel.stop();
        database.stop();
        database = new Database(data);
        open(true);

        assertThat(status(waiting)).isEqualTo(JobJournal.STANDBY);
        assertThat(status(standby)).isEqualTo(JobJournal.STANDBY);
        assertThat(status(waitingElsewhere)).isEqualTo(JobJournal.WAITING);
        assertThat(journal.unfinished()).isEmpty();
        assertThat(journal.countByStatus()).containsEntry(JobJournal.WAITING, 1L).containsEntry(JobJournal.STANDBY, 2L);
        assertThat(journal.list(JobJournal.WAITING, null, 10, 0)).extracting(j -> j.get("id")).containsExactly(
                waitingElsewhere);
        assertThat(role("uploaded", "node-b")).as("a role after the restart still moves them").isEqualTo(2);
    }

    @Test
    void sessionUploadedIsRecordedWhenThePrimarysLastJobOfTheSessionIsDone() throws Exception {
        gate.replicas("23058", "2");
        long first = claimed(ROOM, SESSION, "23058/a.flv");
        long second = claimed(ROOM, SESSION, "23058/b.flv");
        role("primary", "node-a");

        gate.jobDone(first);
        assertThat(status(first)).isEqualTo(JobJournal.DONE);
        assertThat(events()).as("the session's other job is still running").isEmpty();

        gate.jobDone(second);
        assertThat(status(second)).isEqualTo(JobJournal.DONE);
        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("SessionUploaded");
            assertThat(e.path("roomId").asLong()).isEqualTo(ROOM);
            assertThat(e.path("sessionId").asText()).isEqualTo(SESSION);
            assertThat(e.path("jobs").asInt()).isEqualTo(2);
        });
    }

    @Test
    void noSessionUploadedWithoutThePrimaryRoleOrWhileAJobOfTheSessionFailed() throws Exception {
        gate.replicas("23058", "2");
        long once = claimed(ROOM, "recorded-once", "23058/a.flv");
        gate.jobDone(once);
        assertThat(status(once)).isEqualTo(JobJournal.DONE);

        long failed = claimed(ROOM, SESSION, "23058/b.flv");
        long done = claimed(ROOM, SESSION, "23058/c.flv");
        role("primary", "node-a");
        journal.jobFailed(failed, "the target refused the file");
        gate.jobDone(done);

        assertThat(events()).isEmpty();
    }

    @Test
    void aPrimaryWithoutARecordingOfTheSessionSaysSoOnce() throws Exception {
        gate.replicas("23058", "2");

        try (CapturedLog log = new CapturedLog(ReplicaGate.class.getName())) {
            role("primary", "node-a");
            assertThat(log.lines(Level.WARN)).singleElement().asString().contains(SESSION,
                    "no recording of the session here");
        }
        role("primary", "node-a");

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("SessionNotUploaded");
            assertThat(e.path("roomId").asLong()).isEqualTo(ROOM);
            assertThat(e.path("sessionId").asText()).isEqualTo(SESSION);
            assertThat(e.path("jobs").asInt()).isZero();
            assertThat(e.path("reason").asText()).isEqualTo("no recording of the session here");
        });
    }

    @Test
    void aPrimaryWithAFailedJobOfTheSessionSaysSoNamingTheJob() throws Exception {
        gate.replicas("23058", "2");
        long failed = claimed(ROOM, SESSION, "23058/a.flv");
        journal.jobFailed(failed, "ffmpeg exited with code 1");
        long waiting = claimed(ROOM, SESSION, "23058/b.flv");
        pass(waiting);

        assertThat(role("primary", "node-a")).isEqualTo(1);

        assertThat(status(waiting)).as("it goes on all the same").isEqualTo(JobJournal.PENDING);
        assertThat(events()).filteredOn(e -> e.path("type").asText().equals("SessionNotUploaded")).singleElement()
                .satisfies(e -> {
                    assertThat(e.path("sessionId").asText()).isEqualTo(SESSION);
                    assertThat(e.path("jobs").asInt()).isEqualTo(2);
                    assertThat(e.path("reason").asText())
                            .isEqualTo("job " + failed + " FAILED: ffmpeg exited with code 1");
                });
    }

    @Test
    void aPrimaryJobThatFailsSaysTheSessionIsNotUploadedOnce() throws Exception {
        gate.replicas("23058", "2");
        long first = claimed(ROOM, SESSION, "23058/a.flv");
        long second = claimed(ROOM, SESSION, "23058/b.flv");
        long elsewhere = claimed(ROOM, "another-session", "23058/c.flv");
        role("primary", "node-a");
        assertThat(events()).isEmpty();

        // as Pipeline.failed does: the FAILED status, then the gate
        journal.jobFailed(elsewhere, "no role");
        gate.jobFailed(elsewhere);
        assertThat(events()).as("not a session this node uploads").isEmpty();
        journal.jobFailed(first, "the target refused the file (HTTP 507)");
        gate.jobFailed(first);
        journal.jobFailed(second, "the target refused the file (HTTP 507)");
        gate.jobFailed(second);

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.path("type").asText()).isEqualTo("SessionNotUploaded");
            assertThat(e.path("roomId").asLong()).isEqualTo(ROOM);
            assertThat(e.path("sessionId").asText()).isEqualTo(SESSION);
            assertThat(e.path("jobs").asInt()).isEqualTo(2);
            assertThat(e.path("reason").asText()).isEqualTo("job " + first
                    + " FAILED: the target refused the file (HTTP 507)");
        });
        role("primary", "node-a");
        assertThat(events()).as("uploadrole again: said already").hasSize(1);
    }

    @Test
    void forgettingThatTheRoomIsRecordedTwiceLetsItsWaitingJobsGoOnAndKeepsStandingByOnes() throws Exception {
        gate.replicas("23058", "2");
        role("standby", "node-b");
        long standby = claimed(ROOM, SESSION, "23058/a.flv");
        pass(standby);
        long waiting = claimed(ROOM, "another-session", "23058/b.flv");
        pass(waiting);
        gate.replicas("5", "2");
        long elsewhere = claimed(5, "a-session-of-room-5", "5/c.flv");
        pass(elsewhere);

        try (CapturedLog log = new CapturedLog(ReplicaGate.class.getName())) {
            gate.replicas("23058", null);
            forgotten();
            assertThat(log.lines(Level.INFO)).singleElement().asString()
                    .startsWith("INFO job " + waiting + " PENDING 23058/b.flv: its room is not recorded twice");
        }

        assertThat(status(waiting)).isEqualTo(JobJournal.PENDING);
        assertThat(queued).containsExactly(waiting);
        assertThat(status(standby)).as("the other node uploads it").isEqualTo(JobJournal.STANDBY);
        assertThat(status(elsewhere)).as("room 5 is still recorded twice").isEqualTo(JobJournal.WAITING);
        pass(waiting);
        assertThat(uploaded).containsExactly(waiting);
    }

    @Test
    void removingTheRoomLetsItsWaitingJobsGoOn() throws Exception {
        RoomList rooms = new RoomList(database.dataSource(), events);
        rooms.add(ROOM, true, RoomList.FROM_API, Map.of());
        gate.replicas("23058", "2");
        long waiting = claimed(ROOM, SESSION, "23058/a.flv");
        pass(waiting);

        assertThat(rooms.remove(ROOM, Map.of())).isTrue();
        forgotten();

        assertThat(status(waiting)).isEqualTo(JobJournal.PENDING);
        assertThat(queued).containsExactly(waiting);
    }

    @Test
    void aStoredRoleHoldsAfterTheRoomIsForgotten() throws Exception {
        gate.replicas("23058", "2");
        role("standby", "node-b");
        uploadrole(Map.of("roomid", "23058", "session", "uploaded-session", "role", "uploaded", "primary", "node-b"));
        uploadrole(Map.of("roomid", "23058", "session", "primary-session", "role", "primary", "primary", "node-a"));
        long standby = claimed(ROOM, SESSION, "23058/a.flv");
        long uploadedElsewhere = claimed(ROOM, "uploaded-session", "23058/b.flv");
        long primary = claimed(ROOM, "primary-session", "23058/c.flv");
        long noRole = claimed(ROOM, "no-role", "23058/d.flv");
        // the room moved away by hand during the broadcast: removed here after the role came
        gate.replicas("23058", "1");
        List<JsonNode> before = events();

        pass(standby);
        pass(uploadedElsewhere);
        pass(primary);
        pass(noRole);

        assertThat(status(standby)).isEqualTo(JobJournal.STANDBY);
        assertThat(status(uploadedElsewhere)).isEqualTo(JobJournal.DONE);
        assertThat(uploaded).containsExactly(primary, noRole);
        assertThat(events().subList(before.size(), events().size())).extracting(e -> e.path("type").asText())
                .containsExactly("UploadStandby", "UploadedElsewhere");
    }

    @Test
    void aRoleThatArrivesWhileAJobIsAtTheGateIsNeverMissed() throws Exception {
        gate.replicas("23058", "2");
        long job = claimed(ROOM, SESSION, "23058/a.flv");
        ExecutorService central = Executors.newSingleThreadExecutor();
        AtomicReference<Thread> roleThread = new AtomicReference<>();
        AtomicReference<Future<JsonNode>> role = new AtomicReference<>();
        try {
            // the gate has read no role: uploadrole comes now, and must wait until the job is WAITING to move it
            gate.afterRead = () -> {
                role.set(central.submit(() -> {
                    roleThread.set(Thread.currentThread());
                    return uploadrole(Map.of("roomid", "23058", "session", SESSION, "role", "primary"));
                }));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!role.get().isDone() && (roleThread.get() == null
                        || roleThread.get().getState() != Thread.State.WAITING)) {
                    assertThat(System.nanoTime()).as("uploadrole neither ends nor waits").isLessThan(deadline);
                    Thread.onSpinWait();
                }
            };
            pass(job);

            assertThat(role.get().get(10, TimeUnit.SECONDS).path("data").path("jobs").asInt()).isEqualTo(1);
        } finally {
            central.shutdownNow();
        }
        assertThat(status(job)).as("waited, and was resumed by the role").isEqualTo(JobJournal.PENDING);
        assertThat(queued).containsExactly(job);
    }

    /** A job of the room and session, claimed by a pipeline worker (RUNNING), as it is when it reaches the gate. */
    private long claimed(long roomId, String session, String file) {
        long id = JournalAccess.transaction(database.dataSource(),
                c -> journal.create(c, 1, roomId, session, file, "title", "bililive-recorder")).orElseThrow();
        assertThat(journal.claim(id)).isTrue();
        return id;
    }

    /** The job passes the gate to its uploads, still RUNNING, and nothing is recorded. */
    private void goesThroughUntouched(long job) throws Exception {
        pass(job);

        assertThat(uploaded).endsWith(job);
        assertThat(status(job)).isEqualTo(JobJournal.RUNNING);
        assertThat(events()).isEmpty();
    }

    /** The job through the pipeline's gate, as routes/30-pipeline runs it. */
    private Exchange pass(long job) {
        Exchange done = template.send("direct:pipeline", e -> {
            e.getMessage().setHeader(JobHeaders.JOB_ID, job);
            e.getMessage().setHeader(JobHeaders.RECORDING, journal.find(job).orElseThrow().get("file"));
        });
        assertThat(done.getException()).isNull();
        return done;
    }

    /** The central server's uploadrole for the room and {@link #SESSION}; returns {"jobs":N}'s N. */
    private int role(String role, String primary) throws Exception {
        JsonNode answer = uploadrole(Map.of("roomid", String.valueOf(ROOM), "session", SESSION, "role", role,
                "primary", primary));
        assertThat(answer.path("code").asInt()).as(answer.toString()).isZero();
        return answer.path("data").path("jobs").asInt();
    }

    /** What addroom and a removal run after the room's change (routes/90-central, 70-rooms); the body stays. */
    private void forgotten() {
        Exchange done = template.send("direct:replicas-forgotten", e -> e.getMessage().setBody("the answer"));
        assertThat(done.getException()).isNull();
        assertThat(done.getMessage().getBody()).isEqualTo("the answer");
    }

    /** The route's answer to uploadrole with these arguments (headers, as CentralCommands passes them). */
    private JsonNode uploadrole(Map<String, Object> args) throws Exception {
        Exchange done = template.send("direct:upload-role", e -> e.getMessage().setHeaders(new HashMap<>(args)));
        if (done.getException() instanceof ApiError refused) {
            return JSON.valueToTree(refused.getAnswer());
        }
        assertThat(done.getException()).isNull();
        return JSON.valueToTree(done.getMessage().getBody());
    }

    private String status(long job) {
        return (String) journal.find(job).orElseThrow().get("status");
    }

    private List<Long> replicatedRooms() {
        return JournalAccess.transaction(database.dataSource(), c -> {
            List<Long> rooms = new ArrayList<>();
            JournalAccess.query(c, "SELECT room_id FROM replica_room ORDER BY room_id")
                    .forEach(row -> rooms.add(((Number) row.get("room_id")).longValue()));
            return rooms;
        });
    }

    /** The events this node recorded, other than the room list's. */
    private List<JsonNode> events() throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (EventLog.Stored stored : events.after(0, 1000)) {
            JsonNode event = JSON.readTree(stored.json());
            if (!event.path("type").asText().startsWith("Room")) {
                found.add(event);
            }
        }
        return found;
    }
}
