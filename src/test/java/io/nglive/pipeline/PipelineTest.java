package io.nglive.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nglive.Durations;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.journal.JobJournal;
import io.nglive.journal.Replicas;
import io.nglive.testing.CapturedLog;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep: what it brings back from the journal, and what it leaves alone; the line and count a job ends with. */
class PipelineTest {

    @TempDir
    Path dir;
    Database database;
    JobJournal journal;
    CamelContext camel;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    EventLog events;
    StageRunner upload;
    Pipeline pipeline;

    @BeforeEach
    void start() throws Exception {
        database = new Database(dir);
        journal = new JobJournal(database.dataSource());
        camel = new DefaultCamelContext();
        camel.start();
        PipelineMetrics metrics = new PipelineMetrics(meters);
        events = new EventLog(database.dataSource(), "node-a", new ObjectMapper());
        upload = new StageRunner("upload", StageEvents.UPLOAD, new StageSlots("upload", 1), journal, events,
                Duration.ofSeconds(1), metrics);
        pipeline = new Pipeline(journal, new FileRoots(dir.resolve("works"), dir.resolve("out")), false, List.of(upload),
                camel, metrics, new ReplicaGate(new Replicas(database.dataSource(), journal), journal, events, metrics,
                        true));
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        database.stop();
    }

    @Test
    void sweepBringsBackPendingAndAbandonedRunningJobs() throws Exception {
        long pending = job("a.flv");
        long abandoned = job("b.flv");
        assertThat(journal.claim(abandoned)).isTrue();

        assertThat(pipeline.sweep()).containsExactly(pending, abandoned);
        assertThat(journal.find(abandoned).orElseThrow().get("status")).isEqualTo(JobJournal.PENDING);
    }

    @Test
    void sweepLeavesJobsThatAreAlreadyQueued() throws Exception {
        long queued = job("a.flv");
        long forgotten = job("b.flv");
        camel.createProducerTemplate().sendBody("seda:jobs?concurrentConsumers=4", queued);

        assertThat(pipeline.sweep()).containsExactly(forgotten);
    }

    @Test
    void sweepLeavesFinishedJobs() throws Exception {
        long done = job("a.flv");
        journal.claim(done);
        journal.jobDone(done);
        long failed = job("b.flv");
        journal.claim(failed);
        journal.jobFailed(failed, "ffmpeg exited with code 1");

        assertThat(pipeline.sweep()).isEmpty();
    }

    @Test
    void sweepLetsJobsGoOnThatWaitForARoleOfARoomNotRecordedTwiceAnyMore() throws Exception {
        long waiting = job("a.flv");
        journal.claim(waiting);
        try (Connection c = database.dataSource().getConnection()) {
            journal.move(c, waiting, JobJournal.RUNNING, JobJournal.WAITING);
        }

        assertThat(pipeline.sweep()).containsExactly(waiting);
    }

    @Test
    void aFailedJobOfASessionThisNodeUploadsSaysTheSessionIsNotUploaded() throws Exception {
        long id = job("23058/b.flv");
        new Replicas(database.dataSource(), journal).apply(1, "s", new Replicas.Role(Replicas.PRIMARY, "node-a"));
        Exchange exchange = claimed(id);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new StageFailure("the target refused the file"));

        pipeline.failed(exchange);

        assertThat(events.after(0, 10)).extracting(EventLog.Stored::json).singleElement().asString()
                .contains("\"type\":\"SessionNotUploaded\"", "\"sessionId\":\"s\"",
                        "job " + id + " FAILED: the target refused the file");
    }

    @Test
    void aFinishedJobLeavesOneInfoLineWithItsStagesTimeAndOutputs() throws Exception {
        long id = job("23058/a.flv");
        Exchange exchange = claimed(id);
        journal.stepStarted(id, "transcode", "/works/23058/a.flv");
        journal.stepCompleted(id, "transcode", "/works/23058/a.flv", "/out/23058/a.mp4");
        journal.stepStarted(id, "upload", "/out/23058/a.mp4");
        journal.stepCompleted(id, "upload", "/out/23058/a.mp4", "https://dav.example/live/23058/a.mp4");

        try (CapturedLog log = new CapturedLog("io.nglive")) {
            pipeline.finish(exchange);

            assertThat(log.lines(Level.INFO)).singleElement().asString()
                    .matches("INFO job " + id + " DONE 23058/a.flv: transcode \\d+(\\.\\d)? m?s, upload \\d+(\\.\\d)? m?s, "
                            + "took \\d+(\\.\\d)? m?s -> /out/23058/a.mp4, https://dav.example/live/23058/a.mp4");
        }
        assertThat(meters.get("nglive.jobs").tag("status", "DONE").counter().count()).isEqualTo(1);
        assertThat(journal.find(id).orElseThrow().get("status")).isEqualTo(JobJournal.DONE);
    }

    @Test
    void aFailedJobLeavesOneWarningWithItsStageAttemptAndReason() throws Exception {
        long id = job("23058/b.flv");
        Exchange exchange = claimed(id);
        try (CapturedLog log = new CapturedLog("io.nglive")) {
            try {
                upload.run(exchange, new StageRunner.Run("upload", "/works/23058/b.flv", null), Map.of(), (step, progress) -> {
                    throw new StageFailure("the target refused the file (HTTP 507)");
                });
            } catch (StageFailure failure) {
                exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
            }
            pipeline.failed(exchange);

            assertThat(log.lines(Level.WARN)).as("the one line of the job's end, none for its last attempt")
                    .singleElement().asString().matches("WARN job " + id + " FAILED 23058/b.flv in upload "
                            + "\\(attempt 1\\), took \\d+(\\.\\d)? m?s: the target refused the file \\(HTTP 507\\)");
        }
        assertThat(meters.get("nglive.jobs").tag("status", "FAILED").counter().count()).isEqualTo(1);
        assertThat(meters.get("nglive.jobs").tag("status", "DONE").counter().count()).isZero();
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(Durations.readable(Duration.ofMillis(2149))).isEqualTo("2.1 s");
        assertThat(Durations.readable(Duration.ofSeconds(725))).isEqualTo("12 min 5 s");
        assertThat(Durations.readable(Duration.ofMinutes(200))).isEqualTo("3 h 20 min");
        assertThat(Durations.readable(Duration.ofMillis(800))).isEqualTo("800 ms");
        assertThat(Durations.readable(Duration.ofSeconds(2))).isEqualTo("2 s");
        assertThat(Durations.readable(Duration.ofMinutes(12))).isEqualTo("12 min");
        assertThat(Durations.readable(Duration.ofHours(6))).isEqualTo("6 h");
    }

    /** The job claimed by an exchange of the pipeline route, as {@code pipeline.start} leaves it. */
    private Exchange claimed(long id) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(id);
        pipeline.start(exchange);
        return exchange;
    }

    private long job(String file) throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            return journal.create(c, 1, 1L, "s", file, "t", "bililive-recorder").orElseThrow();
        }
    }
}
