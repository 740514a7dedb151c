package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Webhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A burst of closed recordings never runs more ffmpeg processes than nglive.transcode.workers. */
class ConcurrencyIT {

    @TempDir
    Path dir;

    @Test
    void tenClosedFilesAtOnceNeverRunMoreThanTwoFfmpeg() throws Exception {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                .set("nglive.transcode.mode", "CRF")
                .set("nglive.transcode.preset", "ultrafast")
                .set("nglive.transcode.workers", "2")
                .set("nglive.pipeline.jobs", "10")
                .start()) {
            Path room = Files.createDirectories(app.works().resolve("3001"));
            for (int i = 0; i < 10; i++) {
                TestMedia.flv(room, "part " + i + ".flv", 4);
            }

            ExecutorService senders = Executors.newFixedThreadPool(10);
            List<Future<Long>> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String body = Webhooks.fileClosed(3001, "3001/part " + i + ".flv");
                ids.add(senders.submit(() -> app.json(app.webhook(body)).at("/data/jobId").asLong()));
            }
            int most = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline && !allDone(app)) {
                most = Math.max(most, app.ffmpegChildren().size());
                Thread.sleep(10);
            }
            senders.shutdown();

            assertThat(allDone(app)).as("all 10 jobs done").isTrue();
            assertThat(ids).hasSize(10);
            assertThat(most).as("most ffmpeg processes seen at once").isEqualTo(2);
            for (int i = 0; i < 10; i++) {
                assertThat(app.archive().resolve("3001/part " + i + ".mp4")).isRegularFile();
            }
        }
    }

    private static boolean allDone(NgliveProcess app) throws IOException {
        var jobs = app.json(app.get("/api/jobs?status=DONE&roomid=3001")).get("data");
        return jobs.size() == 10;
    }
}
