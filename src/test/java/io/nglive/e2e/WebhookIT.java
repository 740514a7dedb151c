package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the webhook accepts, refuses and stores, through the real application. */
class WebhookIT {

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
    void duplicateEventIdIsStoredOnceAndAnsweredBothTimes() throws IOException {
        TestMedia.flv(Files.createDirectories(app.works().resolve("1001")), "a.flv", 1);
        String body = Webhooks.fileClosed(UUID.randomUUID().toString(), 1001, "1001/a.flv");

        HttpResponse<String> first = app.webhook(body);
        HttpResponse<String> second = app.webhook(body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(app.json(second).at("/data/duplicate").asBoolean()).isTrue();
        assertThat(app.json(second).at("/data/seq").asLong()).isEqualTo(app.json(first).at("/data/seq").asLong());
        assertThat(app.json(app.get("/api/jobs?roomid=1001")).get("data")).hasSize(1);
    }

    @Test
    void sameRecordingUnderAnotherEventIdStillGivesOneJob() throws IOException {
        TestMedia.flv(Files.createDirectories(app.works().resolve("1002")), "b.flv", 1);
        app.webhook(Webhooks.fileClosed(1002, "1002/b.flv"));
        String v1 = "{\"EventRandomId\":\"" + UUID.randomUUID() + "\",\"RoomId\":1002,\"Name\":\"n\",\"Title\":\"t\","
                + "\"RelativePath\":\"1002/b.flv\",\"FileSize\":1,\"StartRecordTime\":\"2021-01-07T15:06:16.1387156+08:00\","
                + "\"EndRecordTime\":\"2021-01-07T16:06:16.1693244+08:00\"}";

        assertThat(app.webhook(v1).statusCode()).isEqualTo(200);
        assertThat(app.json(app.get("/api/jobs?roomid=1002")).get("data")).hasSize(1);
    }

    @Test
    void legacyV1BodyIsAClosedFile() throws IOException {
        TestMedia.flv(Files.createDirectories(app.works().resolve("14846654/record")), "150616.flv", 1);
        String v1 = "{\"EventRandomId\":\"bc2d0a41-2711-4f9b-8619-e54104fe90d8\",\"RoomId\":14846654,\"Name\":\"小司无常\","
                + "\"Title\":\"【跨界冥神】打mua将！\",\"RelativePath\":\"14846654/record/150616.flv\",\"FileSize\":3749098123,"
                + "\"StartRecordTime\":\"2021-01-07T15:06:16.1387156+08:00\",\"EndRecordTime\":\"2021-01-07T16:06:16.1693244+08:00\"}";

        JsonNode answer = app.json(app.webhook(v1));

        assertThat(answer.at("/data/type").asText()).isEqualTo("FileClosed");
        long jobId = answer.at("/data/jobId").asLong();
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> app.job(jobId).path("status").asText().equals("DONE"));
        assertThat(app.archive().resolve("14846654/record/150616.flv")).isRegularFile();
    }

    @Test
    void unknownEventTypeIsStoredAndIgnored() {
        HttpResponse<String> answer = app.webhook(Webhooks.envelope("RoomLotteryDrawn", UUID.randomUUID().toString(),
                Webhooks.data(1003)));

        assertThat(answer.statusCode()).isEqualTo(200);
        long seq = app.json(answer).at("/data/seq").asLong();
        try (EventClient replay = app.events(seq - 1)) {
            JsonNode stored = replay.await(e -> e.path("seq").asLong() == seq, Duration.ofSeconds(10));
            assertThat(stored.path("type").asText()).isEqualTo("RoomLotteryDrawn");
        }
        assertThat(app.json(app.get("/api/jobs?roomid=1003")).get("data")).isEmpty();
    }

    @Test
    void sessionEndedBeforeFileClosedIsHandledAsWell() throws IOException {
        TestMedia.flv(Files.createDirectories(app.works().resolve("1004")), "c.flv", 1);

        assertThat(app.webhook(Webhooks.sessionEnded(1004)).statusCode()).isEqualTo(200);
        long jobId = app.json(app.webhook(Webhooks.fileClosed(1004, "1004/c.flv"))).at("/data/jobId").asLong();

        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> app.job(jobId).path("status").asText().equals("DONE"));
    }

    @Test
    void badBodiesAreRefusedWithTheProblemNamed() {
        assertRefused("{\"EventType\":", "malformed JSON");
        assertRefused("", "empty body");
        assertRefused("[1,2]", "expected a JSON object");
        assertRefused("{\"hello\":\"world\"}", "missing envelope");
        assertRefused("{\"EventType\":\"FileClosed\",\"EventTimestamp\":\"x\",\"EventData\":{}}", "missing EventId");
        assertRefused(Webhooks.envelope("FileClosed", "id-1", Map.of("RoomId", "abc", "RelativePath", "a.flv")),
                "EventData.RoomId");
        assertRefused(Webhooks.envelope("FileClosed", "id-2", Map.of("RoomId", 1, "RelativePath", 5)),
                "EventData.RelativePath");

        HttpResponse<String> form = app.send(java.net.http.HttpRequest.newBuilder(app.uri("/webhook"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Webhooks.sessionEnded(1006))));
        assertThat(form.statusCode()).isEqualTo(400);
        assertThat(app.json(form).path("message").asText()).contains("expected a JSON body");
    }

    @Test
    void pathsLeavingTheWorksPathAreRefusedAndNothingIsTouched() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.flv"), "not yours");
        Files.createSymbolicLink(app.works().resolve("escape"), outside);

        assertRefused(Webhooks.fileClosed(1005, "/etc/passwd.flv"), "absolute");
        assertRefused(Webhooks.fileClosed(1005, "../outside/secret.flv"), "'..'");
        assertRefused(Webhooks.fileClosed(1005, "1005/../../outside/secret.flv"), "'..'");
        assertRefused(Webhooks.fileClosed(1005, "C:\\rec\\a.flv"), "absolute");
        assertRefused(Webhooks.fileClosed(1005, "escape/secret.flv"), "outside the works path");
        assertRefused(Webhooks.fileClosed(1005, "escape/new/x.flv"), "outside the works path");
        assertRefused(Webhooks.fileClosed(1005, "..\\outside\\secret.flv"), "'..'");
        assertRefused(Webhooks.fileClosed(1005, "C:/rec/a.flv"), "absolute");
        assertRefused(Webhooks.fileClosed(1005, "\\\\server\\share\\a.flv"), "absolute");
        assertRefused(Webhooks.fileClosed(1005, "1005/a\u0000.flv"), "NUL");
        Files.createDirectories(app.works().resolve("1005"));
        Files.createSymbolicLink(app.works().resolve("1005/linked.flv"), outside.resolve("secret.flv"));
        assertRefused(Webhooks.fileClosed(1005, "1005/linked.flv"), "outside the works path");

        assertThat(app.json(app.get("/api/jobs?roomid=1005")).get("data")).isEmpty();
        assertThat(Files.readString(outside.resolve("secret.flv"))).isEqualTo("not yours");
        assertThat(Files.list(outside).count()).isEqualTo(1);
    }

    @Test
    void jobApiNamesWhatIsWrong() {
        HttpResponse<String> missing = app.get("/api/jobs/987654");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(app.json(missing).path("code").asInt()).isEqualTo(4044);

        HttpResponse<String> badStatus = app.get("/api/jobs?status=SLEEPING");
        assertThat(badStatus.statusCode()).isEqualTo(400);
        assertThat(app.json(badStatus).path("message").asText()).contains("status");

        HttpResponse<String> notFailed = app.post("/api/jobs/987654/retry", "");
        assertThat(notFailed.statusCode()).isEqualTo(404);
    }

    private static void assertRefused(String body, String problem) {
        HttpResponse<String> answer = app.webhook(body);
        assertThat(answer.statusCode()).as("answer to %s", body).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        assertThat(app.json(answer).path("message").asText()).as("answer to %s", body).contains(problem);
    }
}
