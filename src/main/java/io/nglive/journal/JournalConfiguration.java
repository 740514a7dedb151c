package io.nglive.journal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import javax.sql.DataSource;

import io.nglive.ServerSettings;
import io.nglive.transcode.FfmpegProcess;
import io.nglive.webhook.OpenRecordings;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A node's database under {@code nglive.data-path}: the job journal and the recordings the recorder has open. */
public final class JournalConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(JournalConfiguration.class);

    private CompletableFuture<Database> opening;

    /** The database {@link #configure} began to open. */
    @BindToRegistry(lazy = true)
    public Database database(CamelContext camel) throws Exception {
        Database database = opened(opening);
        camel.addService(database);
        return database;
    }

    /** For routes of the user's own (camel-sql, camel-jdbc): the same pool. */
    @BindToRegistry(value = "nglive-db", lazy = true)
    public DataSource dataSource(@BeanInject("database") Database database) {
        return database.dataSource();
    }

    /** The database the outbox (EventsConfiguration) writes to. */
    @BindToRegistry(value = "outbox", lazy = true)
    public DataSource outbox(@BeanInject("database") Database database) {
        return database.dataSource();
    }

    @BindToRegistry(lazy = true)
    public OpenRecordings openRecordings(@BeanInject("database") Database database) {
        return new OpenRecordings(database.dataSource());
    }

    @Override
    public void configure(CamelContext camel) {
        // opening HSQLDB takes a few hundred ms (files, schema, a disk sync per statement): it runs on the second core
        // while the next configurations build what does not need it (NodeConfiguration makes Vert.x meanwhile)
        ServerSettings server = camel.getRegistry().lookupByNameAndType("serverSettings", ServerSettings.class);
        opening = CompletableFuture.supplyAsync(() -> new Database(server.dataPath()),
                task -> new Thread(task, "nglive-db-open").start());
    }

    /** The journal, once ffmpeg runs left over by a killed nglive are stopped (their jobs resume). */
    @BindToRegistry(lazy = true)
    public JobJournal journal(@BeanInject("database") Database database) {
        JobJournal journal = new JobJournal(database.dataSource());
        stopAbandonedProcesses(journal);
        return journal;
    }

    /** The database opened in the background, or the reason it could not be, as if it had been opened here. */
    private static Database opened(CompletableFuture<Database> opening) {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw e;
        }
    }

    /**
     * An ffmpeg that a killed nglive left running would write the same output as its resumed job. It is ours only if
     * it still runs ffmpeg and started together with its step: a pid reused since by another process is left alone.
     */
    private static void stopAbandonedProcesses(JobJournal journal) {
        for (JobJournal.Abandoned abandoned : journal.abandonedProcesses()) {
            boolean startedWithItsStep = ProcessHandle.of(abandoned.pid())
                    .flatMap(p -> p.info().startInstant())
                    .map(started -> Duration.between(abandoned.started().toInstant(), started).abs()
                            .compareTo(Duration.ofMinutes(1)) < 0)
                    .orElse(false);
            if (startedWithItsStep && FfmpegProcess.killOrphan(abandoned.pid(), "ffmpeg")) {
                LOG.warn("stopped ffmpeg (pid {}) left running by a previous nglive that did not stop cleanly",
                        abandoned.pid());
            }
        }
    }
}
