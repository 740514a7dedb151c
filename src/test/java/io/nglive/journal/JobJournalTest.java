package io.nglive.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJournalTest {

    @TempDir(factory = FastTempDir.class)
    Path data;

    Database database;
    JobJournal journal;

    @BeforeEach
    void open() {
        database = new Database(data);
        journal = new JobJournal(database.dataSource());
    }

    @AfterEach
    void close() {
        database.stop();
    }

    private long job(long roomId, String file) {
        return JournalAccess.transaction(database.dataSource(),
                c -> journal.create(c, 1, roomId, "session", file, "title", "bililive-recorder")).orElseThrow();
    }

    private Map<String, Object> found(long id) {
        return journal.find(id).orElseThrow();
    }

    private static long id(Map<String, Object> job) {
        return ((Number) job.get("id")).longValue();
    }

    private static int attempts(Map<String, Object> row) {
        return ((Number) row.get("attempts")).intValue();
    }

    @Test
    void createdJobIsPendingWithItsFields() {
        long id = job(23058, "room/a.flv");

        assertThat(found(id))
                .containsEntry("file", "room/a.flv")
                .containsEntry("sessionId", "session")
                .containsEntry("title", "title")
                .containsEntry("recorder", "bililive-recorder")
                .containsEntry("status", JobJournal.PENDING)
                .containsEntry("stage", null)
                .containsEntry("error", null)
                .containsKeys("created", "updated", "roomId", "attempts");
        assertThat(attempts(found(id))).isZero();
    }

    @Test
    void databaseMadeBeforeTheRecorderColumnStillOpensAndKeepsItsJobs() {
        long old = job(23058, "room/old.flv");
        // the job table as the first release created it
        JournalAccess.transaction(database.dataSource(), c -> JournalAccess.update(c, "ALTER TABLE job DROP COLUMN recorder"));
        database.stop();

        open();

        assertThat(found(old)).containsEntry("file", "room/old.flv").containsEntry("recorder", null);
        assertThat(found(job(23058, "room/new.flv"))).containsEntry("recorder", "bililive-recorder");
    }

    @Test
    void databaseMadeBeforeRetentionOpensWithNothingDeleted() {
        long old = job(23058, "room/old.flv");
        journal.artifact(old, new JobJournal.Artifact("recording", "video", "/works/room/old.flv", "recorder"));
        JournalAccess.transaction(database.dataSource(), c -> {
            JournalAccess.update(c, "ALTER TABLE job DROP COLUMN files_deleted");
            return JournalAccess.update(c, "ALTER TABLE job_artifact DROP COLUMN deleted");
        });
        database.stop();

        open();

        assertThat(found(old)).containsEntry("filesDeleted", null);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> artifacts = (List<Map<String, Object>>) found(old).get("artifacts");
        assertThat(artifacts).singleElement().satisfies(a -> assertThat(a).containsEntry("deleted", null));
    }

    @Test
    void onlyDoneJobsWhoseFilesAreKeptAreOfferedToRetentionAndOnlyADoneOneIsMarked() {
        long pending = job(1, "room/a.flv");
        List<Long> finished = Stream.of("b", "c", "d").map(name -> job(1, "room/" + name + ".flv")).toList();
        finished.forEach(journal::jobDone);
        long done = finished.get(0);
        long deleted = finished.get(1);
        long later = finished.get(2);
        journal.artifact(deleted, new JobJournal.Artifact("recording", "video", "/works/room/c.flv", "recorder"));
        int marked = JournalAccess.transaction(database.dataSource(),
                c -> journal.filesDeleted(c, deleted, List.of("/works/room/c.flv")));
        int notDone = JournalAccess.transaction(database.dataSource(),
                c -> journal.filesDeleted(c, pending, List.of()));

        assertThat(marked).isOne();
        assertThat(notDone).isZero();
        assertThat(found(pending)).containsEntry("filesDeleted", null);
        assertThat(found(deleted).get("filesDeleted")).isNotNull();
        assertThat(journal.doneKeepingFiles(0, 10)).containsExactly(done, later);
        assertThat(journal.doneKeepingFiles(done, 10)).containsExactly(later);
        assertThat(journal.doneKeepingFiles(0, 1)).containsExactly(done);
    }

    @Test
    void secondJobForTheSameFileIsNotCreated() {
        long id = job(1, "room/a.flv");

        Optional<Long> again = JournalAccess.transaction(database.dataSource(),
                c -> journal.create(c, 2, 1L, "other", "room/a.flv", "other", "blrec"));

        assertThat(again).isEmpty();
        assertThat(journal.list(null, null, 10, 0)).singleElement().satisfies(j -> assertThat(id(j)).isEqualTo(id));
    }

    @Test
    void createIsPartOfTheCallersTransaction() {
        try {
            JournalAccess.transaction(database.dataSource(), c -> {
                journal.create(c, 1, 1L, null, "room/a.flv", null, null);
                throw new IllegalStateException("the event insert failed");
            });
        } catch (IllegalStateException expected) {
            // rolled back
        }

        assertThat(journal.list(null, null, 10, 0)).isEmpty();
    }

    @Test
    void claimIsExclusive() {
        long id = job(1, "a.flv");

        assertThat(journal.claim(id)).isTrue();
        assertThat(journal.claim(id)).isFalse();
        assertThat(found(id)).containsEntry("status", JobJournal.RUNNING);
    }

    @Test
    void concurrentClaimsLetExactlyOneWin() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 10; round++) {
                long id = job(1, "a-" + round + ".flv");
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    claims.add(pool.submit((Callable<Boolean>) () -> {
                        start.await();
                        return journal.claim(id);
                    }));
                }
                start.countDown();
                int won = 0;
                for (Future<Boolean> f : claims) {
                    won += f.get() ? 1 : 0;
                }
                assertThat(won).as("round %d", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void claimNeedsAPendingJob() {
        long done = job(1, "done.flv");
        journal.jobDone(done);
        long failed = job(1, "failed.flv");
        journal.claim(failed);
        journal.jobFailed(failed, "broken");

        assertThat(journal.claim(done)).isFalse();
        assertThat(journal.claim(failed)).isFalse();
        assertThat(journal.claim(999_999)).isFalse();
    }

    @Test
    void claimClearsThePreviousError() {
        long id = job(1, "a.flv");
        journal.claim(id);
        journal.jobFailed(id, "first try broke");
        journal.retry(id);

        journal.claim(id);

        assertThat(found(id)).containsEntry("error", null).containsEntry("status", JobJournal.RUNNING);
    }

    @Test
    void stepStartedIncrementsAttemptsAndReturnsThem() {
        long id = job(1, "a.flv");
        journal.claim(id);

        assertThat(journal.stepStarted(id, "transcode", "a.flv")).isEqualTo(1);
        journal.stepFailed(id, "transcode", "a.flv", "ffmpeg exited with 1");
        assertThat(journal.stepStarted(id, "transcode", "a.flv")).isEqualTo(2);
        assertThat(journal.stepStarted(id, "transcode", "a.flv")).isEqualTo(3);
        assertThat(journal.stepStarted(id, "upload", "a.mp4")).isEqualTo(1);

        Map<String, Object> job = found(id);
        assertThat(job).containsEntry("stage", "upload");
        assertThat(attempts(job)).isEqualTo(1);
    }

    @Test
    void jobShowsTheAttemptsOfItsCurrentStage() {
        long id = job(1, "a.flv");
        journal.stepStarted(id, "transcode", "a.flv");
        journal.stepStarted(id, "transcode", "a.flv");

        assertThat(found(id)).containsEntry("stage", "transcode");
        assertThat(attempts(found(id))).isEqualTo(2);
    }

    @Test
    void completedOutputOnlyAfterStepCompleted() {
        long id = job(1, "a.flv");

        assertThat(journal.completedOutput(id, "transcode", "a.flv")).isEmpty();
        journal.stepStarted(id, "transcode", "a.flv");
        assertThat(journal.completedOutput(id, "transcode", "a.flv")).isEmpty();
        journal.stepFailed(id, "transcode", "a.flv", "broke");
        assertThat(journal.completedOutput(id, "transcode", "a.flv")).isEmpty();
        journal.stepStarted(id, "transcode", "a.flv");
        journal.stepCompleted(id, "transcode", "a.flv", "out/a.mp4");

        assertThat(journal.completedOutput(id, "transcode", "a.flv")).contains("out/a.mp4");
        assertThat(journal.completedOutput(id, "transcode", "b.flv")).isEmpty();
        assertThat(journal.completedOutput(id, "upload", "a.flv")).isEmpty();
    }

    @Test
    void stepFailedRecordsTheErrorAndStepCompletedClearsIt() {
        long id = job(1, "a.flv");
        journal.stepStarted(id, "upload", "a.mp4");
        journal.stepFailed(id, "upload", "a.mp4", "HTTP 507");

        assertThat(found(id)).containsEntry("error", "HTTP 507").containsEntry("status", JobJournal.PENDING);

        journal.stepStarted(id, "upload", "a.mp4");
        journal.stepCompleted(id, "upload", "a.mp4", "https://dav/a.mp4");

        assertThat(found(id)).containsEntry("error", null);
    }

    @Test
    void veryLongErrorIsClippedNotRefused() {
        long id = job(1, "a.flv");
        journal.stepStarted(id, "transcode", "a.flv");
        String error = "ffmpeg said: " + "错".repeat(10_000);

        journal.stepFailed(id, "transcode", "a.flv", error);
        journal.claim(id);
        journal.jobFailed(id, error);

        String stored = (String) found(id).get("error");
        assertThat(stored).hasSizeLessThanOrEqualTo(4000).startsWith("ffmpeg said: ").endsWith("...");
        assertThat(found(id)).containsEntry("status", JobJournal.FAILED);
    }

    @Test
    void unfinishedListsPendingAndRunningOldestFirst() {
        long a = job(1, "a.flv");
        long b = job(1, "b.flv");
        long c = job(1, "c.flv");
        long d = job(1, "d.flv");
        journal.claim(b);
        journal.jobDone(c);
        journal.claim(d);
        journal.jobFailed(d, "x");

        assertThat(journal.unfinished()).containsExactly(a, b);
    }

    @Test
    void failingAJobThatIsNotRunningChangesNothing() {
        long done = job(1, "a.flv");
        journal.claim(done);
        journal.jobDone(done);

        journal.jobFailed(done, "a late failure report");

        assertThat(found(done)).containsEntry("status", JobJournal.DONE).containsEntry("error", null);
    }

    @Test
    void releaseMovesRunningBackToPending() {
        long running = job(1, "a.flv");
        long done = job(1, "b.flv");
        journal.claim(running);
        journal.stepStarted(running, "transcode", "a.flv");
        journal.stepProcess(running, "transcode", "a.flv", 4242L);
        journal.jobDone(done);
        assertThat(journal.abandonedProcesses()).extracting(JobJournal.Abandoned::pid).containsExactly(4242L);

        journal.release(journal.unfinished());
        journal.release(List.of(done));

        assertThat(found(running)).containsEntry("status", JobJournal.PENDING);
        assertThat(found(done)).containsEntry("status", JobJournal.DONE);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) found(running).get("steps");
        assertThat(steps).singleElement().satisfies(s -> assertThat(s).containsEntry("status", JobJournal.PENDING));
        assertThat(journal.abandonedProcesses()).isEmpty();
        assertThat(journal.claim(running)).as("released job can be claimed again").isTrue();
    }

    @Test
    void releaseLeavesPendingJobsAlone() {
        long pending = job(1, "a.flv");

        journal.release(List.of(pending, 12345L));

        assertThat(found(pending)).containsEntry("status", JobJournal.PENDING);
    }

    @Test
    void retryMakesAFailedJobPendingAndReturnsThePreviousStatus() {
        long id = job(1, "a.flv");
        journal.claim(id);
        journal.stepStarted(id, "transcode", "a.flv");
        journal.stepCompleted(id, "transcode", "a.flv", "out/a.mp4");
        journal.stepStarted(id, "upload", "out/a.mp4");
        journal.stepStarted(id, "upload", "out/a.mp4");
        journal.stepFailed(id, "upload", "out/a.mp4", "HTTP 500");
        journal.claim(id);
        journal.jobFailed(id, "HTTP 500");

        assertThat(journal.retry(id)).contains(JobJournal.FAILED);

        Map<String, Object> job = found(id);
        assertThat(job).containsEntry("status", JobJournal.PENDING);
        assertThat(attempts(job)).isZero();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) job.get("steps");
        assertThat(steps).filteredOn(s -> "upload".equals(s.get("stage")))
                .singleElement().satisfies(s -> assertThat(attempts(s)).isZero());
        assertThat(journal.completedOutput(id, "transcode", "a.flv")).as("a done step stays done").contains("out/a.mp4");
        assertThat(journal.claim(id)).isTrue();
    }

    @Test
    void retryChangesNothingUnlessTheJobFailed() {
        long done = job(1, "done.flv");
        journal.jobDone(done);
        long pending = job(1, "pending.flv");
        long running = job(1, "running.flv");
        journal.claim(running);

        assertThat(journal.retry(done)).contains(JobJournal.DONE);
        assertThat(journal.retry(pending)).contains(JobJournal.PENDING);
        assertThat(journal.retry(running)).contains(JobJournal.RUNNING);
        assertThat(journal.retry(987_654)).isEmpty();

        assertThat(found(done)).containsEntry("status", JobJournal.DONE);
        assertThat(found(pending)).containsEntry("status", JobJournal.PENDING);
        assertThat(found(running)).containsEntry("status", JobJournal.RUNNING);
    }

    @Test
    void listFiltersByStatusAndRoomNewestFirstAPageAtATime() {
        long a = job(1, "1/a.flv");
        long b = job(1, "1/b.flv");
        long c = job(2, "2/c.flv");
        long d = job(2, "2/d.flv");
        journal.jobDone(b);
        journal.jobDone(c);

        assertThat(journal.list(null, null, 100, 0)).extracting(JobJournalTest::id).containsExactly(d, c, b, a);
        assertThat(journal.list(JobJournal.DONE, null, 100, 0)).extracting(JobJournalTest::id).containsExactly(c, b);
        assertThat(journal.list(null, 1L, 100, 0)).extracting(JobJournalTest::id).containsExactly(b, a);
        assertThat(journal.list(JobJournal.PENDING, 2L, 100, 0)).extracting(JobJournalTest::id).containsExactly(d);
        assertThat(journal.list(JobJournal.FAILED, null, 100, 0)).isEmpty();
        assertThat(journal.list(null, 3L, 100, 0)).isEmpty();
        assertThat(journal.list(null, null, 2, 0)).extracting(JobJournalTest::id).containsExactly(d, c);
        assertThat(journal.list(null, null, 2, 2)).as("the next page").extracting(JobJournalTest::id)
                .containsExactly(b, a);
        assertThat(journal.list(null, 1L, 1, 1)).extracting(JobJournalTest::id).containsExactly(a);
        assertThat(journal.list(null, null, 2, 4)).as("past the end").isEmpty();
    }

    @Test
    void listedJobsHaveTheContractFields() {
        job(7, "7/a.flv");

        assertThat(journal.list(null, null, 10, 0)).singleElement().satisfies(j -> assertThat(j).containsKeys(
                "id", "roomId", "file", "status", "stage", "attempts", "error", "created", "updated"));
    }

    @Test
    void findIncludesStepsAndOutputs() {
        long id = job(1, "a.flv");
        journal.stepStarted(id, "transcode", "a.flv");
        journal.stepCompleted(id, "transcode", "a.flv", "out/a.mp4");
        journal.stepStarted(id, "upload", "out/a.mp4");
        journal.stepCompleted(id, "upload", "out/a.mp4", "https://dav.example/a.mp4");
        journal.jobDone(id);

        Map<String, Object> job = found(id);

        assertThat(job).containsEntry("status", JobJournal.DONE).containsEntry("stage", "upload");
        assertThat(job.get("outputs")).asInstanceOf(LIST).containsExactly("out/a.mp4", "https://dav.example/a.mp4");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) job.get("steps");
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0)).containsEntry("stage", "transcode").containsEntry("input", "a.flv")
                .containsEntry("status", JobJournal.DONE).containsEntry("output", "out/a.mp4");
        assertThat(steps.get(1)).containsEntry("stage", "upload").containsEntry("status", JobJournal.DONE);
        assertThat(journal.find(404_404)).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void findListsNoOutputOfAStepThatFailed() {
        long id = job(1, "a.flv");
        journal.stepStarted(id, "transcode", "a.flv");
        journal.stepFailed(id, "transcode", "a.flv", "HEVC in FLV is not supported by this ffmpeg");

        Map<String, Object> job = found(id);

        assertThat(job.get("outputs")).asInstanceOf(LIST).isEmpty();
        assertThat(job.get("steps")).asInstanceOf(LIST).singleElement()
                .satisfies(s -> assertThat((Map<String, Object>) s)
                        .containsEntry("status", JobJournal.FAILED)
                        .containsEntry("error", "HEVC in FLV is not supported by this ffmpeg"));
    }

    @Test
    void countsByStatus() {
        job(1, "1/a.flv");
        long b = job(1, "1/b.flv");
        long c = job(2, "2/c.flv");
        journal.jobDone(b);
        journal.claim(c);

        assertThat(journal.countByStatus()).containsExactly(
                Map.entry(JobJournal.PENDING, 1L), Map.entry(JobJournal.RUNNING, 1L),
                Map.entry(JobJournal.WAITING, 0L), Map.entry(JobJournal.STANDBY, 0L),
                Map.entry(JobJournal.DONE, 1L), Map.entry(JobJournal.FAILED, 0L));
    }

    @Test
    void jobsSurviveAReopen() {
        long id = job(1, "a.flv");
        journal.stepStarted(id, "transcode", "a.flv");
        journal.stepCompleted(id, "transcode", "a.flv", "out/a.mp4");
        database.stop();

        database = new Database(data);
        journal = new JobJournal(database.dataSource());

        assertThat(journal.completedOutput(id, "transcode", "a.flv")).contains("out/a.mp4");
        long next = job(1, "b.flv");
        assertThat(next).isGreaterThan(id);
    }
}
