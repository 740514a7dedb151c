package io.nglive.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.journal.JobJournal;
import io.nglive.journal.JournalAccess;
import io.nglive.journal.JournalException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step's outcome and its event are one transaction: the journal never holds one without the other. */
class StageRunnerTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Database database;
    JobJournal journal;
    EventLog events;
    CamelContext camel;
    StageRunner runner;

    @BeforeEach
    void start() {
        database = new Database(dir);
        journal = new JobJournal(database.dataSource());
        events = new EventLog(database.dataSource(), "node-a", JSON);
        camel = new DefaultCamelContext();
        runner = new StageRunner("transcode", StageEvents.TRANSCODE, new StageSlots("transcode", 1), journal, events,
                Duration.ofSeconds(1), failure -> 0);
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

        assertThatThrownBy(() -> runner.run(exchange(job, "a.flv"), Map.of(), (step, progress) -> "out/a.mp4"))
                .isInstanceOf(JournalException.class);

        assertThat(journal.completedOutput(job, "transcode", "a.flv"))
                .as("the step is run again on resume, and then its event is sent").isEmpty();
        allow("TranscodeEnded");
        assertThat(runner.run(exchange(job, "a.flv"), Map.of(), (step, progress) -> "out/a.mp4")).isEqualTo("out/a.mp4");
        assertThat(types()).containsSubsequence("TranscodeStarted", "TranscodeStarted", "TranscodeEnded");
        assertThat(journal.completedOutput(job, "transcode", "a.flv")).contains("out/a.mp4");
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

    private Exchange exchange(long job, String file) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(JobHeaders.JOB_ID, job);
        exchange.getMessage().setHeader(JobHeaders.FILE, file);
        return exchange;
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
