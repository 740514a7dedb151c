package io.nglive.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.journal.JobJournal;
import io.nglive.journal.JournalAccess;
import io.nglive.journal.JournalException;
import io.nglive.testing.CapturedLog;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step's outcome and its event are one transaction: the journal never holds one without the other. Each run is
 * counted and timed; a failed attempt that is retried leaves a warning.
 */
class StageRunnerTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Database database;
    JobJournal journal;
    EventLog events;
    CamelContext camel;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    StageRunner runner;

    @BeforeEach
    void start() {
        database = new Database(dir);
        journal = new JobJournal(database.dataSource());
        events = new EventLog(database.dataSource(), "node-a", JSON);
        camel = new DefaultCamelContext();
        runner = new StageRunner("transcode", StageEvents.TRANSCODE, new StageSlots("transcode", 1), journal, events,
                Duration.ofSeconds(1), new PipelineMetrics(meters));
    }

    @AfterEach
    void stop() {
        database.stop();
    }

    @Test
    void aStepIsNotDoneUnlessItsEndedEventIsStored() throws Exception {
        long job = job("a.flv");
        // the database refuses the TranscodeEnded event, as a crash right after the step's own write would lose it
        refuse("TranscodeEnded");

        assertThatThrownBy(() -> runner.run(exchange(job, "a.flv"), step("transcode", "a.flv"), Map.of(), (step, progress) -> "out/a.mp4"))
                .isInstanceOf(JournalException.class);

        assertThat(journal.completedOutput(job, "transcode", "a.flv"))
                .as("the step is run again on resume, and then its event is sent").isEmpty();
        allow("TranscodeEnded");
        assertThat(runner.run(exchange(job, "a.flv"), step("transcode", "a.flv"), Map.of(), (step, progress) -> "out/a.mp4")).isEqualTo("out/a.mp4");
        assertThat(types()).containsSubsequence("TranscodeStarted", "TranscodeStarted", "TranscodeEnded");
        assertThat(journal.completedOutput(job, "transcode", "a.flv")).contains("out/a.mp4");
    }

    @Test
    void theOutputArtifactIsRecordedWithTheStepAndAgainWhenADoneStepIsPassedOver() throws Exception {
        long job = job("e.flv");
        journal.artifact(job, new JobJournal.Artifact("recording", "video", "/works/e.flv", "recorder"));
        refuse("TranscodeEnded");
        StageRunner.Run transcode = new StageRunner.Run("transcode", "/works/e.flv", "mp4");

        assertThatThrownBy(() -> runner.run(exchange(job, "e.flv"), transcode, Map.of(), (step, progress) -> "/out/e.mp4"))
                .isInstanceOf(JournalException.class);
        assertThat(journal.artifact(job, "mp4")).as("no artifact without its step and event").isEmpty();

        allow("TranscodeEnded");
        runner.run(exchange(job, "e.flv"), transcode, Map.of(), (step, progress) -> "/out/e.mp4");
        assertThat(journal.artifact(job, "mp4")).contains(new JobJournal.Artifact("mp4", "video", "/out/e.mp4",
                "transcode"));
        assertThat(Artifacts.find(journal, job, "video").orElseThrow().name()).isEqualTo("mp4");

        // a resumed job replays its stages from the start: the recording is the newest video again, until the
        // transcode is passed over and its MP4 is
        journal.artifact(job, new JobJournal.Artifact("recording", "video", "/works/e.flv", "recorder"));
        assertThat(Artifacts.find(journal, job, "video").orElseThrow().name()).isEqualTo("recording");
        assertThat(runner.run(exchange(job, "e.flv"), transcode, Map.of(), (step, progress) -> {
            throw new AssertionError("a done step is not run again");
        })).isEqualTo("/out/e.mp4");
        assertThat(Artifacts.find(journal, job, "video").orElseThrow().name()).isEqualTo("mp4");
    }

    @Test
    void aJobIsNotFailedUnlessItsLastErrorIsStored() throws Exception {
        long job = job("b.flv");
        journal.claim(job);
        refuse("TranscodeError");

        assertThatThrownBy(() -> runner.exhausted(exchange(job, "b.flv"), new IllegalStateException("ffmpeg exited with 1")))
                .isInstanceOf(JournalException.class);

        assertThat(status(job)).as("still RUNNING: the next sweep resumes it").isEqualTo("RUNNING");
        allow("TranscodeError");
        runner.exhausted(exchange(job, "b.flv"), new IllegalStateException("ffmpeg exited with 1"));
        assertThat(status(job)).isEqualTo("FAILED");
        assertThat(types()).containsExactly("TranscodeError");
    }

    @Test
    void eachRunIsCountedAndASucceededOneTimedButNotADoneStepReused() throws Exception {
        long job = job("c.flv");
        Exchange exchange = exchange(job, "c.flv");

        runner.run(exchange, step("transcode", "c.flv"), Map.of(), (step, progress) -> "out/c.mp4");
        runner.run(exchange, step("transcode", "c.flv"), Map.of(), (step, progress) -> "out/c.mp4");

        assertThat(meters.get("nglive.stage.runs").tags("stage", "transcode", "outcome", "done").counter().count())
                .isEqualTo(1);
        assertThat(meters.get("nglive.stage.duration").tag("stage", "transcode").timer().count()).isEqualTo(1);
    }

    @Test
    void aFailedAttemptIsJournalledAndCountedAndARetryIsLoggedAndReportedWithItsNumbers() throws Exception {
        StageRunner upload = new StageRunner("upload", StageEvents.UPLOAD, new StageSlots("upload", 1), journal,
                events, Duration.ofSeconds(1), new PipelineMetrics(meters));
        long job = job("d.flv");
        Exchange exchange = exchange(job, "d.flv");
        StageFailure refused = new StageFailure("HTTP 503");

        try (CapturedLog log = new CapturedLog("io.nglive")) {
            assertThatThrownBy(() -> upload.run(exchange, step("upload", "d.flv"), Map.of(), (step, progress) -> {
                throw refused;
            })).isSameAs(refused);
            assertThat(log.lines(Level.WARN)).as("whether a retry follows is the error policy's to say").isEmpty();
            upload.retrying(exchange, refused, 1, 6);

            assertThat(log.lines(Level.WARN))
                    .containsExactly("WARN job " + job + " upload attempt 1 failed, retry 1 of 6 follows: HTTP 503");
        }
        assertThat(journal.find(job).orElseThrow().get("error")).isEqualTo("HTTP 503");
        assertThat(types()).containsExactly("UpStarted", "UpError");
        assertThat(meters.get("nglive.stage.runs").tags("stage", "upload", "outcome", "failed").counter().count())
                .isEqualTo(1);
        assertThat(meters.get("nglive.stage.duration").tag("stage", "upload").timer().count()).isZero();
    }

    private Exchange exchange(long job, String file) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(JobHeaders.JOB_ID, job);
        return exchange;
    }

    private static StageRunner.Run step(String name, String input) {
        return new StageRunner.Run(name, input, null);
    }

    private long job(String file) throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            return journal.create(c, 1, 1L, "s", file, "t", "bililive-recorder").orElseThrow();
        }
    }

    private void refuse(String type) {
        JournalAccess.transaction(database.dataSource(), c -> JournalAccess.update(c,
                "ALTER TABLE event ADD CONSTRAINT refuse_" + type + " CHECK (type <> '" + type + "')"));
    }

    private void allow(String type) {
        JournalAccess.transaction(database.dataSource(), c -> JournalAccess.update(c,
                "ALTER TABLE event DROP CONSTRAINT refuse_" + type));
    }

    private List<String> types() {
        return events.after(0, 100).stream().map(e -> {
            try {
                return JSON.readTree(e.json()).get("type").asText();
            } catch (java.io.IOException bad) {
                throw new IllegalStateException(bad);
            }
        }).toList();
    }

    private String status(long job) {
        return (String) JournalAccess.transaction(database.dataSource(), c -> JournalAccess.query(c,
                "SELECT status FROM job WHERE id = ?", job)).get(0).get("status");
    }
}
