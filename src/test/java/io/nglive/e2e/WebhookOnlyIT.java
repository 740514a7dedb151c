package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.CentralServer;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nglive beside the desktop recorder, which has no HTTP API ({@code nglive.recorder.url} empty): it takes webhooks,
 * runs the pipeline and scans the works path as usual, never calls or warns about a recorder, and its room API says
 * that rooms are managed in the recorder itself.
 */
class WebhookOnlyIT {

    private static final String TOKEN = "central-tok";

    @TempDir
    Path dir;

    @Test
    void withoutARecorderUrlNgliveTakesWebhooksScansAndRefusesTheRoomApi() throws Exception {
        try (CentralServer central = CentralServer.start(TOKEN);
             NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                     .set("nglive.recorder.url", "")
                     .set("nglive.recorder.sync-interval", "500ms")
                     .set("nglive.recorder.scan-interval", "2s")
                     .set("nglive.central.url", central.url())
                     .start();
             EventClient events = app.events(0)) {
            JsonNode health = app.healthCheck("recorder");
            assertThat(health.path("status").asText()).isEqualTo("UP");
            assertThat(health.path("message").asText()).contains("webhook-only").contains("nglive.recorder.url is empty");
            assertThat(health.path("data").path("webhookOnly").asText()).isEqualTo("true");

            for (String[] request : List.of(new String[] {"GET", "/allroom"}, new String[] {"GET", "/getroom?roomid=1"},
                    new String[] {"GET", "/addroom?roomid=1"}, new String[] {"GET", "/removeroom?roomid=1"},
                    new String[] {"GET", "/api/rooms"}, new String[] {"POST", "/api/rooms"},
                    new String[] {"PUT", "/api/rooms/5"}, new String[] {"DELETE", "/api/rooms/5"},
                    new String[] {"POST", "/api/rooms/5/start"})) {
                HttpResponse<String> answer = app.send(HttpRequest.newBuilder(app.uri(request[1]))
                        .header("Content-Type", "application/json")
                        .method(request[0], HttpRequest.BodyPublishers.ofString("{\"roomId\":5}", StandardCharsets.UTF_8)));
                assertThat(answer.statusCode()).as("%s %s: %s", request[0], request[1], answer.body()).isEqualTo(409);
                assertThat(app.json(answer).path("code").asInt()).isEqualTo(4093);
                assertThat(app.json(answer).path("message").asText()).contains("managed in the recorder itself")
                        .contains("nglive.recorder.url is empty");
            }
            central.awaitHello(Duration.ofSeconds(30));
            for (String command : List.of("allroom", "addroom", "removeroom", "startrecording")) {
                JsonNode reply = central.call(command, command.equals("allroom") ? Map.of() : Map.of("roomid", 5));
                assertThat(reply.path("code").asInt()).as("%s: %s", command, reply).isEqualTo(4093);
            }

            String closed = "23058-3号直播间/录制-23058-20240317-203001-249-闭.flv";
            TestMedia.flv(Files.createDirectories(app.works().resolve("23058-3号直播间")),
                    "录制-23058-20240317-203001-249-闭.flv", 2);
            assertThat(app.webhook(Webhooks.fileClosed(23058, closed)).statusCode()).isEqualTo(200);
            String lost = "777-别处/录制-777-20240317-203001-249-丢.flv";
            TestMedia.flv(Files.createDirectories(app.works().resolve("777-别处")), "录制-777-20240317-203001-249-丢.flv", 2);

            JsonNode recovered = events.await(e -> "FileClosed".equals(e.path("type").asText())
                    && lost.equals(e.path("file").asText()), Duration.ofSeconds(30));
            assertThat(recovered.path("recovered").asBoolean()).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(app.jobs())
                    .extracting(job -> job.path("file").asText() + " " + job.path("status").asText())
                    .containsExactlyInAnyOrder(closed + " DONE", lost + " DONE"));

            assertThat(app.log().lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                    .filter(line -> !line.contains("with no FileClosed from the recorder")))
                    .as("no warning about a recorder: there is none to reach").isEmpty();
            assertThat(app.log()).doesNotContain("2356").doesNotContain("unreachable")
                    .contains("recorder without an API (nglive.recorder.url is empty)");
        }
    }
}
