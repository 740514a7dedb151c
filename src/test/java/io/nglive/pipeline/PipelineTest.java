package io.nglive.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import io.nglive.journal.Database;
import io.nglive.journal.JobJournal;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep: what it brings back from the journal, and what it leaves alone. */
class PipelineTest {

    @TempDir
    Path dir;
    Database database;
    JobJournal journal;
    CamelContext camel;
    Pipeline pipeline;

    @BeforeEach
    void start() throws Exception {
        database = new Database(dir);
        journal = new JobJournal(database.dataSource());
        camel = new DefaultCamelContext();
        camel.start();
        pipeline = new Pipeline(journal, dir.resolve("works"), List.of(), camel);
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

    private long job(String file) throws Exception {
        try (Connection c = database.dataSource().getConnection()) {
            return journal.create(c, 1, 1L, "s", file, "t", "bililive-recorder").orElseThrow();
        }
    }
}
