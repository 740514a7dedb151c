package io.nglive.e2e;

import static io.nglive.testing.OtherRecorders.blrecFile;
import static io.nglive.testing.OtherRecorders.ddtv;
import static io.nglive.testing.OtherRecorders.ddtvRecordingEnd;
import static io.nglive.testing.OtherRecorders.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** blrec's and DDTV's webhooks through the real application: real recordings run to DONE as their recorder's jobs. */
class OtherRecordersIT {

    @TempDir
    static Path dir;
    static NgliveProcess app;

    @BeforeAll
    static void start() {
        app = new NgliveProcess(dir.resolve("app")).set("nglive.transcode.mode", "NONE").start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void blrecVideoFileCompletedOfAChineseNameRunsToDoneAsABlrecJob() throws IOException {
        String relative = "23058 - 3号直播间/blive_23058_2026-12-05-212000 哔哩哔哩音悦台.flv";
        Path flv = TestMedia.flv(Files.createDirectories(app.works().resolve("23058 - 3号直播间")),
                "blive_23058_2026-12-05-212000 哔哩哔哩音悦台.flv", 1);

        HttpResponse<String> created = blrec(blrecFile("VideoFileCreatedEvent", 23058, flv.toString()));
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(app.json(created).at("/data/type").asText()).isEqualTo("FileOpening");
        String completed = write(blrecFile("VideoFileCompletedEvent", 23058, flv.toString()));
        HttpResponse<String> first = app.post("/webhook/blrec", completed);
        // blrec sends an event again until it gets a 2xx, for up to 180 s
        HttpResponse<String> retry = app.post("/webhook/blrec", completed);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(app.json(retry).at("/data/duplicate").asBoolean()).isTrue();
        long seq = app.json(first).at("/data/seq").asLong();
        assertThat(app.json(retry).at("/data/seq").asLong()).isEqualTo(seq);
        long jobId = app.json(first).at("/data/jobId").asLong();
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> app.job(jobId).path("status").asText().equals("DONE"));
        JsonNode job = app.job(jobId);
        assertThat(job.path("recorder").asText()).isEqualTo("blrec");
        assertThat(job.path("file").asText()).isEqualTo(relative);
        assertThat(job.path("roomId").asLong()).isEqualTo(23058L);
        assertThat(app.json(app.get("/api/jobs?roomid=23058")).get("data")).hasSize(1);
        assertThat(app.archive().resolve(relative)).isRegularFile();
        try (EventClient replay = app.events(seq - 1)) {
            JsonNode event = replay.await(e -> e.path("seq").asLong() == seq, Duration.ofSeconds(10));
            assertThat(event.path("type").asText()).isEqualTo("FileClosed");
            assertThat(event.path("recorder").asText()).isEqualTo("blrec");
            assertThat(event.path("file").asText()).isEqualTo(relative);
        }
    }

    @Test
    void ddtvRecordingEndRunsToDoneAsADdtvJob() throws IOException {
        String folder = "Rec/21396545_绯赤艾莉欧/2026_12_05";
        String name = "2026_12_05_21_20_00_【歌回】唱歌 \"来\"_original.flv";
        TestMedia.flv(Files.createDirectories(app.works().resolve(folder)), name, 1);
        ObjectNode recordingEnd = ddtvRecordingEnd(21396545, List.of("./" + folder + "/" + name,
                "./" + folder + "/" + name.replace("_original.flv", "_fix.mp4")));
        ((ObjectNode) recordingEnd.get("data").get("Title")).put("Value", "【歌回】唱歌 \"来\"");

        HttpResponse<String> first = app.post("/webhook/ddtv", write(recordingEnd));
        HttpResponse<String> again = app.post("/webhook/ddtv", write(recordingEnd));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(app.json(first).at("/data/cmd").asText()).isEqualTo("RecordingEnd");
        JsonNode recordings = app.json(first).at("/data/recordings");
        assertThat(recordings).hasSize(2);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(app.json(again).at("/data/recordings")).allSatisfy(r -> assertThat(r.path("duplicate").asBoolean()).isTrue());
        long jobId = recordings.get(0).path("jobId").asLong();
        assertThat(recordings.get(1).path("jobId").isNull()).as("the _fix.mp4 makes no job").isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> app.job(jobId).path("status").asText().equals("DONE"));
        JsonNode job = app.job(jobId);
        assertThat(job.path("recorder").asText()).isEqualTo("ddtv");
        assertThat(job.path("file").asText()).isEqualTo(folder + "/" + name);
        assertThat(job.path("title").asText()).isEqualTo("【歌回】唱歌 \"来\"");
        assertThat(app.json(app.get("/api/jobs?roomid=21396545")).get("data")).hasSize(1);
        assertThat(app.archive().resolve(folder + "/" + name)).isRegularFile();

        HttpResponse<String> other = app.post("/webhook/ddtv", write(ddtv("StartRecording", 40104, 21396545, List.of())));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(app.json(other).at("/data/recordings")).isEmpty();
    }

    @Test
    void pathsOutsideTheWorksPathAndBadBodiesAreRefusedWithNothingTouched() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.flv"), "not yours");

        assertRefused("/webhook/blrec", write(blrecFile("VideoFileCompletedEvent", 7301, outside.resolve("secret.flv").toString())),
                "data.path '" + outside.resolve("secret.flv") + "': lies outside the works path");
        assertRefused("/webhook/blrec", write(blrecFile("VideoFileCompletedEvent", 7301,
                app.works().resolve("7301/../../../outside/secret.flv").toString())), "must not contain '..'");
        assertRefused("/webhook/blrec", write(blrecFile("VideoFileCompletedEvent", 7301, "7301/a.flv")),
                "expected an absolute path");
        assertRefused("/webhook/ddtv", write(ddtvRecordingEnd(7301, List.of("./Rec/../../outside/secret.flv"))),
                "VideoFile[0] './Rec/../../outside/secret.flv': must not contain '..'");
        assertRefused("/webhook/ddtv", write(ddtvRecordingEnd(7301, List.of(outside.resolve("secret.flv").toString()))),
                "lies outside the works path");
        ObjectNode roomAsText = blrecFile("VideoFileCompletedEvent", 7301, app.works().resolve("7301/a.flv").toString());
        ((ObjectNode) roomAsText.get("data")).put("room_id", "7301");
        assertRefused("/webhook/blrec", write(roomAsText), "data.room_id: expected a whole number, got string");
        assertRefused("/webhook/ddtv", "{\"cmd\":", "malformed JSON");
        assertRefused("/webhook/blrec", "", "empty body");

        assertThat(app.json(app.get("/api/jobs?roomid=7301")).get("data")).isEmpty();
        assertThat(Files.readString(outside.resolve("secret.flv"))).isEqualTo("not yours");
    }

    private static HttpResponse<String> blrec(ObjectNode body) {
        return app.post("/webhook/blrec", write(body));
    }

    private static void assertRefused(String path, String body, String problem) {
        HttpResponse<String> answer = app.post(path, body);
        assertThat(answer.statusCode()).as("answer to %s", body).isEqualTo(400);
        assertThat(app.json(answer).path("code").asInt()).isEqualTo(4000);
        assertThat(app.json(answer).path("message").asText()).as("answer to %s", body).contains(problem);
    }
}
