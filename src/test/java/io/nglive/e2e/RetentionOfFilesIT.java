package io.nglive.e2e;

import static io.nglive.e2e.PipelineIT.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Tmpfs;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention of local files on a real file system that fills up (a small tmpfs holding the works path and the out path;
 * needs root, as in CI), with the archive elsewhere: once the disk is short, the oldest DONE jobs' files go, one job
 * at a time, until there is enough free space again, each with a RecordingDeleted; a FAILED job keeps its files.
 */
class RetentionOfFilesIT {

    private static final String DISK_SIZE = "24m";
    private static final long MIN_FREE = 8L << 20;

    @TempDir
    Path dir;

    private Path disk;

    /** A FAILED job (the oldest) and three DONE ones, the first with comments, each in a room of its own. */
    private record Jobs(long failed, List<Long> done) {
    }

    private NgliveProcess app(String minFree, boolean dryRun) throws IOException, InterruptedException {
        Path appDir = dir.resolve("app");
        disk = Files.createDirectories(appDir.resolve("disk"));
        Tmpfs.mount(disk, DISK_SIZE);
        return new NgliveProcess(appDir)
                .set("nglive.works-path", Files.createDirectories(disk.resolve("works")).toString())
                .set("nglive.out-path", Files.createDirectories(disk.resolve("out")).toString())
                .set("nglive.transcode.retries", "0")
                .set("nglive.retention.min-free", minFree)
                .set("nglive.retention.dry-run", String.valueOf(dryRun))
                .set("nglive.retention.interval", "1s")
                .start();
    }

    private Jobs recordAndFinish(NgliveProcess app) throws IOException {
        Path works = disk.resolve("works");
        TestMedia.corruptFlv(Files.createDirectories(works.resolve("7000")), "坏了.flv");
        long failed = app.json(app.webhook(Webhooks.fileClosed(7000, "7000/坏了.flv"))).at("/data/jobId").asLong();
        List<Long> done = new ArrayList<>();
        for (int room = 7001; room <= 7003; room++) {
            Path roomDir = Files.createDirectories(works.resolve(String.valueOf(room)));
            TestMedia.flv(roomDir, "录制 " + room + ".flv", 4);
            if (room == 7001) {
                try (InputStream in = RetentionOfFilesIT.class.getResourceAsStream("/danmaku/basic.xml")) {
                    Files.copy(in, roomDir.resolve("录制 7001.xml"));
                }
            }
            done.add(app.json(app.webhook(Webhooks.fileClosed(room, room + "/录制 " + room + ".flv")))
                    .at("/data/jobId").asLong());
        }
        Awaitility.await().atMost(PATIENCE).until(() -> app.job(failed).path("status").asText().equals("FAILED")
                && done.stream().allMatch(id -> app.job(id).path("status").asText().equals("DONE")));
        return new Jobs(failed, done);
    }

    /** The bytes of the job's files on the disk now. */
    private static long size(JsonNode job) throws IOException {
        long size = 0;
        for (JsonNode artifact : job.path("artifacts")) {
            size += Files.size(Path.of(artifact.path("path").asText()));
        }
        return size;
    }

    private static List<Path> files(JsonNode job) {
        List<Path> files = new ArrayList<>();
        job.path("artifacts").forEach(a -> files.add(Path.of(a.path("path").asText())));
        return files;
    }

    /**
     * Fills the disk so that deleting the first DONE job's files is not enough to bring it back to {@code minFree}, and
     * deleting the second one's too is.
     */
    private void fillBelow(long minFree, NgliveProcess app, Jobs jobs) throws IOException {
        long first = size(app.job(jobs.done().get(0)));
        long second = size(app.job(jobs.done().get(1)));
        long target = minFree - first - second / 2;
        byte[] block = new byte[64 * 1024];
        try (OutputStream filler = Files.newOutputStream(disk.resolve("filler"))) {
            for (long left = store().getUsableSpace() - target; left > 0; left -= block.length) {
                filler.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }

    private FileStore store() throws IOException {
        return Files.getFileStore(disk);
    }

    private static boolean isDeleted(JsonNode event) {
        return event.path("type").asText().equals("RecordingDeleted");
    }

    @Test
    void theOldestDoneJobsFilesGoUntilThereIsEnoughFreeSpaceAndAFailedJobKeepsItsFiles() throws Exception {
        try (NgliveProcess app = app(String.valueOf(MIN_FREE), false); EventClient events = app.events(0)) {
            Jobs jobs = recordAndFinish(app);
            List<Path> failedFiles = files(app.job(jobs.failed()));
            List<Path> firstFiles = files(app.job(jobs.done().get(0)));
            assertThat(firstFiles).as("recording, danmaku, MP4, subtitles").hasSize(4);
            List<Path> thirdFiles = files(app.job(jobs.done().get(2)));
            assertThat(events.stored()).noneMatch(RetentionOfFilesIT::isDeleted);

            fillBelow(MIN_FREE, app, jobs);
            assertThat(store().getUsableSpace()).isLessThan(MIN_FREE);

            JsonNode second = events.await(e -> isDeleted(e) && e.path("jobId").asLong() == jobs.done().get(1),
                    Duration.ofSeconds(30));
            JsonNode first = events.await(e -> isDeleted(e) && e.path("jobId").asLong() == jobs.done().get(0),
                    Duration.ofSeconds(1));
            assertThat(first.path("seq").asLong()).as("the oldest first").isLessThan(second.path("seq").asLong());
            assertThat(first.path("roomId").asLong()).isEqualTo(7001);
            assertThat(first.path("files")).extracting(JsonNode::asText).containsExactly(
                    "7001/录制 7001.flv", "7001/录制 7001.xml", "7001/录制 7001.mp4", "7001/录制 7001.ass");
            assertThat(first.path("freed").asLong()).isPositive();
            assertThat(first.has("dryRun")).isFalse();
            assertThat(store().getUsableSpace()).as("enough free space again").isGreaterThanOrEqualTo(MIN_FREE);
            assertThat(firstFiles).allSatisfy(f -> assertThat(f).doesNotExist());

            NgliveProcess.sleep(3000);
            assertThat(events.stored()).filteredOn(RetentionOfFilesIT::isDeleted).as("one job at a time, then enough")
                    .hasSize(2);
            assertThat(thirdFiles).allSatisfy(f -> assertThat(f).exists());
            assertThat(failedFiles).as("a FAILED job, older than them all").isNotEmpty()
                    .allSatisfy(f -> assertThat(f).exists());
            assertThat(app.archive().resolve("7001/录制 7001.mp4")).as("the archive is not local").exists();

            JsonNode deletedJob = app.job(jobs.done().get(0));
            assertThat(deletedJob.path("filesDeleted").asText()).isNotEmpty();
            assertThat(deletedJob.path("artifacts")).allSatisfy(a -> assertThat(a.path("deleted").asText()).isNotEmpty());
            JsonNode keptJob = app.job(jobs.done().get(2));
            assertThat(keptJob.path("filesDeleted").isNull()).isTrue();
            assertThat(keptJob.path("artifacts")).allSatisfy(a -> assertThat(a.path("deleted").isNull()).isTrue());
            assertThat(app.job(jobs.failed()).path("filesDeleted").isNull()).isTrue();
            assertThat(app.log()).contains("retention: deleted job " + jobs.done().get(0) + "'s files");
        }
    }

    @Test
    void aPercentageIsOfTheDisksSize() throws Exception {
        try (NgliveProcess app = app("50%", false); EventClient events = app.events(0)) {
            Jobs jobs = recordAndFinish(app);
            long minFree = store().getTotalSpace() / 2;

            fillBelow(minFree, app, jobs);

            events.await(e -> isDeleted(e) && e.path("jobId").asLong() == jobs.done().get(1), Duration.ofSeconds(30));
            NgliveProcess.sleep(3000);
            assertThat(events.stored()).filteredOn(RetentionOfFilesIT::isDeleted)
                    .extracting(e -> e.path("jobId").asLong()).containsExactly(jobs.done().get(0), jobs.done().get(1));
            assertThat(store().getUsableSpace()).isGreaterThanOrEqualTo(minFree);
            assertThat(files(app.job(jobs.done().get(2)))).allSatisfy(f -> assertThat(f).exists());
        }
    }

    @Test
    void aDryRunDeletesNothingAndReportsWhatItWouldDeleteOnce() throws Exception {
        try (NgliveProcess app = app(String.valueOf(MIN_FREE), true); EventClient events = app.events(0)) {
            Jobs jobs = recordAndFinish(app);
            List<Path> firstFiles = files(app.job(jobs.done().get(0)));

            fillBelow(MIN_FREE, app, jobs);

            events.await(e -> isDeleted(e) && e.path("jobId").asLong() == jobs.done().get(1), Duration.ofSeconds(30));
            NgliveProcess.sleep(3000);
            List<JsonNode> reported = events.stored().stream().filter(RetentionOfFilesIT::isDeleted).toList();
            assertThat(reported).as("the jobs it would delete, each once though the disk stays short")
                    .extracting(e -> e.path("jobId").asLong()).containsExactly(jobs.done().get(0), jobs.done().get(1));
            assertThat(reported).allSatisfy(e -> assertThat(e.path("dryRun").asBoolean()).isTrue());
            assertThat(reported.get(0).path("files")).hasSize(4);
            assertThat(firstFiles).allSatisfy(f -> assertThat(f).exists());
            assertThat(store().getUsableSpace()).isLessThan(MIN_FREE);
            assertThat(app.job(jobs.done().get(0)).path("filesDeleted").isNull()).isTrue();
            assertThat(app.log()).contains("retention (dry run): would delete job " + jobs.done().get(0));
        }
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            Tmpfs.unmount(disk);
        }
    }
}
