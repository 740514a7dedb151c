package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.WebdavServer;
import io.nglive.testing.Webhooks;
import io.nglive.transcode.MediaProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recording from FileClosed to its MP4 at the upload target, through the real application. */
class PipelineIT {

    static final String ROOM_DIR = "23058-3号直播间";
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void closedRecordingIsTranscodedAndUploadedToWebdavWithEveryEventInOrder() throws IOException {
        try (WebdavServer webdav = WebdavServer.start(Files.createDirectories(dir.resolve("webdav")), "nglive", "s3cret");
             NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                     .uploadTo(webdav.url().resolve("/录播"))
                     .set("nglive.upload.user", "nglive")
                     .set("nglive.upload.password", "s3cret")
                     .set("nglive.heartbeat.interval", "100ms")
                     .start();
             EventClient events = app.events(0)) {
            String recording = ROOM_DIR + "/" + TestMedia.hostileName(".flv");
            TestMedia.flv(Files.createDirectories(app.works().resolve(ROOM_DIR)), TestMedia.hostileName(".flv"), 4);

            JsonNode accepted = app.json(app.webhook(Webhooks.fileClosed(23058, recording)));
            long jobId = accepted.path("data").path("jobId").asLong();
            events.await(e -> e.path("type").asText().equals("UpEnded") && e.path("jobId").asLong() == jobId, PATIENCE);

            assertThat(collapse(events.typesOfJob(jobId))).containsExactly(
                    "TranscodeStarted", "IsTranscode", "TranscodeEnded", "UpStarted", "IsUp", "UpEnded");
            JsonNode fileClosed = events.await(e -> e.path("type").asText().equals("FileClosed"), PATIENCE);
            assertThat(fileClosed.path("file").asText()).isEqualTo(recording);
            assertThat(fileClosed.path("seq").asLong())
                    .isLessThan(events.await(e -> e.path("type").asText().equals("TranscodeStarted"), PATIENCE).path("seq").asLong());
            assertSeqStrictlyIncreasing(events.all());

            Path uploaded = webdav.root().resolve("录播").resolve(ROOM_DIR).resolve(TestMedia.hostileName(".mp4"));
            assertThat(uploaded).isRegularFile();
            MediaProbe.Info info = new MediaProbe("ffprobe").probe(uploaded);
            assertThat(info.videoCodec()).contains("h264");
            assertThat(info.audioCodec()).contains("aac");
            assertThat(info.durationSeconds()).isCloseTo(4.0, org.assertj.core.data.Offset.offset(0.2));

            JsonNode job = app.job(jobId);
            assertThat(job.path("status").asText()).isEqualTo("DONE");
            assertThat(job.path("file").asText()).isEqualTo(recording);
            assertThat(app.works().resolve(recording)).as("the original is kept").isRegularFile();
            assertNoFileNamed(dir, "pwned");
        }
    }

    @Test
    void closedRecordingLandsInTheLocalArchiveByDefault() throws IOException {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).start();
             EventClient events = app.events(0)) {
            String recording = ROOM_DIR + "/" + TestMedia.hostileName(".flv");
            TestMedia.flv(Files.createDirectories(app.works().resolve(ROOM_DIR)), TestMedia.hostileName(".flv"), 3);

            long jobId = app.json(app.webhook(Webhooks.fileClosed(23058, recording))).path("data").path("jobId").asLong();
            JsonNode ended = events.await(e -> e.path("type").asText().equals("UpEnded") && e.path("jobId").asLong() == jobId,
                    PATIENCE);

            Path archived = app.archive().resolve(ROOM_DIR).resolve(TestMedia.hostileName(".mp4"));
            assertThat(ended.path("url").asText()).isEqualTo(archived.toRealPath().toString());
            assertThat(new MediaProbe("ffprobe").probe(archived).videoCodec()).contains("h264");
            assertThat(app.out().resolve(ROOM_DIR).resolve(TestMedia.hostileName(".mp4"))).as("the transcode output").isRegularFile();
            assertNoFileNamed(dir, "pwned");
            assertThat(app.stop()).as("exit code after SIGTERM").isZero();
        }
    }

    /** Consecutive progress events (Is*) count as one: their number depends on timing, their place does not. */
    static List<String> collapse(List<String> types) {
        List<String> out = new ArrayList<>();
        for (String t : types) {
            if (!(t.startsWith("Is") && !out.isEmpty() && out.get(out.size() - 1).equals(t))) {
                out.add(t);
            }
        }
        return out;
    }

    /** Every frame on the wire, heartbeats included: a client may take any seq it saw as its cursor. */
    static void assertSeqStrictlyIncreasing(List<JsonNode> events) {
        long last = -1;
        for (JsonNode e : events) {
            assertThat(e.path("seq").asLong()).as("seq of %s", e).isGreaterThan(last);
            last = e.path("seq").asLong();
        }
    }

    static void assertNoFileNamed(Path root, String name) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(p -> p.getFileName().toString().equals(name)).toList()).isEmpty();
        }
        assertThat(Path.of(name)).doesNotExist();
    }
}
