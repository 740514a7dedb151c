package io.nglive.e2e;

import static io.nglive.e2e.PipelineIT.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.journal.Database;
import io.nglive.journal.JournalAccess;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.S3Link;
import io.nglive.testing.S3Server;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;

/** The s3 target through the real application: a named target in the pipeline, and a multipart upload cut by SIGKILL. */
class S3UploadIT {

    private static final long PART = 5L << 20;
    private static final int PARALLEL = 2;
    private static final String ROOM = "23058-3号直播间";
    private static final String NAME = "录制 \"夜\" it's.flv";
    private static final String KEY = "rec/" + ROOM + "/" + NAME;

    @TempDir
    Path dir;

    @Test
    void aMultipartUploadKilledHalfWayIsFinishedAfterTheRestartWithoutSendingAgainWhatTheServerHad() throws Exception {
        Path appDir = dir.resolve("app");
        try (S3Server server = S3Server.start(Files.createDirectories(dir.resolve("s3")));
             S3Link link = S3Link.to(server.endpoint())) {
            link.throttle(2L << 20);
            long size = 5 * PART + 123_456;
            long jobId;
            List<Part> onServer;
            long sentBeforeTheKill;
            try (NgliveProcess app = s3App(appDir, link).start()) {
                Path recording = TestMedia.randomFile(Files.createDirectories(app.works().resolve(ROOM)).resolve(NAME), size);
                jobId = app.json(app.webhook(Webhooks.fileClosed(23058, ROOM + "/" + NAME))).at("/data/jobId")
                        .asLong();
                Awaitility.await().atMost(PATIENCE).until(() -> link.bodyBytes() > 5 * PART / 2);

                app.kill();
                // what the server has once it has seen the kill: a part whose body had arrived whole may still be
                // stored after it (and s3proxy answers ListParts with 400 while it writes one)
                List<List<Part>> listed = new ArrayList<>();
                Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                    listed.add(parts(server));
                    return listed.size() > 1 && listed.get(listed.size() - 1).equals(listed.get(listed.size() - 2));
                });
                onServer = listed.get(listed.size() - 1);
                sentBeforeTheKill = link.bodyBytes();
                assertThat(onServer.size()).as("killed half-way").isBetween(2, 4);
                assertThat(recording).hasSize(size);
            }
            link.resetCounts();
            link.throttle(0);

            try (NgliveProcess restarted = new NgliveProcess(appDir)
                    .env("NGLIVE_TARGETS_S3_S3_SECRET_KEY", S3Server.SECRET_KEY).start()) {
                Awaitility.await().atMost(PATIENCE)
                        .until(() -> restarted.job(jobId).path("status").asText().equals("DONE"));
                JsonNode uploads = restarted.job(jobId).at("/artifacts/0/uploads");
                assertThat(uploads.get(0).path("target").asText()).isEqualTo("s3");
                assertThat(uploads.get(0).path("url").asText()).startsWith(link.endpoint() + "/live/rec/23058-3%E5%8F%B7");
            }

            Path recording = appDir.resolve("works").resolve(ROOM).resolve(NAME);
            assertThat(server.object(KEY)).isEqualTo(Files.readAllBytes(recording));
            long stored = onServer.stream().mapToLong(Part::size).sum();
            long overhead = size / 100 + 64 * 1024;
            assertThat(link.bodyBytes()).as("after the restart, only what the server did not have")
                    .isBetween(size - stored, size - stored + overhead);
            assertThat(sentBeforeTheKill + link.bodyBytes()).as("at most the parts in flight at the kill, twice")
                    .isLessThanOrEqualTo(size + PARALLEL * PART + overhead);
            assertThat(server.client().listMultipartUploads(b -> b.bucket(S3Server.BUCKET).prefix(KEY)).uploads()).isEmpty();
            assertThat(journalRows(appDir, "s3_upload")).isZero();
            assertThat(journalRows(appDir, "s3_part")).isZero();
        }
    }

    private static NgliveProcess s3App(Path appDir, S3Link link) {
        return new NgliveProcess(appDir)
                .set("nglive.transcode.mode", "NONE")
                .set("nglive.jobs.sweep-interval", "1s")
                .set("nglive.targets.s3.type", "s3")
                .set("nglive.targets.s3.s3.endpoint", link.endpoint().toString())
                .set("nglive.targets.s3.s3.bucket", S3Server.BUCKET)
                .set("nglive.targets.s3.s3.access-key", S3Server.ACCESS_KEY)
                .set("nglive.targets.s3.s3.prefix", "rec/")
                .set("nglive.targets.s3.s3.part-size", "5MB")
                .set("nglive.targets.s3.s3.parallel", String.valueOf(PARALLEL))
                .env("NGLIVE_TARGETS_S3_S3_SECRET_KEY", S3Server.SECRET_KEY)
                .editRoute("30-pipeline.camel.yaml", "        - to: kamelet:upload\n",
                        "        - to: \"kamelet:upload?artifact=recording&target=s3\"\n");
    }

    /** The parts of the unfinished upload of {@link #KEY}, none while there is none. */
    private static List<Part> parts(S3Server server) {
        List<MultipartUpload> uploads = server.client().listMultipartUploads(b -> b.bucket(S3Server.BUCKET).prefix(KEY)).uploads();
        if (uploads.isEmpty()) {
            return List.of();
        }
        return server.client().listParts(b -> b.bucket(S3Server.BUCKET).key(KEY)
                .uploadId(uploads.get(0).uploadId())).parts();
    }

    private static long journalRows(Path appDir, String table) {
        Database database = new Database(appDir.resolve("data"));
        try {
            List<Map<String, Object>> count = JournalAccess.transaction(database.dataSource(),
                    c -> JournalAccess.query(c, "SELECT COUNT(*) AS n FROM " + table));
            return ((Number) count.get(0).get("n")).longValue();
        } finally {
            database.stop();
        }
    }
}
