package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.FakeRecorder;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder fails in the ways RoomsIT does not cover (it covers down, 401, 412 and a restart with no rooms): it
 * answers 500, or it hangs, accepting connections but answering nothing. nglive stays healthy and responsive, says
 * what is wrong in the {@code recorder} health check, and converges when the recorder is fine again.
 */
class RecorderFaultsIT {

    static final Duration PATIENCE = Duration.ofSeconds(30);
    /** nglive.recorder.timeout in these tests. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private NgliveProcess nglive(FakeRecorder recorder) {
        return new NgliveProcess(dir.resolve("app"))
                .set("nglive.recorder.url", recorder.url())
                .set("nglive.recorder.sync-interval", "500ms")
                .set("nglive.recorder.timeout", TIMEOUT.toMillis() + "ms");
    }

    @Test
    void aRecorderAnswering500IsReportedAndRoomsConvergeWhenItRecovers() {
        try (FakeRecorder recorder = FakeRecorder.start(0, null, null);
             NgliveProcess app = nglive(recorder).start()) {
            Awaitility.await().atMost(PATIENCE).until(() -> reachable(app));

            recorder.respondWith(500);
            Awaitility.await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(reachable(app)).isFalse();
                assertThat(problem(app)).contains("HTTP 500").contains("injected failure");
            });
            assertHealthy(app);
            JsonNode added = app.json(app.get("/addroom?roomid=7")).path("data");
            assertThat(added.path("synced").asBoolean()).isFalse();
            assertThat(added.path("syncError").asText()).contains("HTTP 500");

            recorder.respondWith(0);
            Awaitility.await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(recorder.roomIds()).containsExactly(7L);
                assertThat(app.json(app.get("/getroom?roomid=7")).path("data").path("synced").asBoolean()).isTrue();
                assertThat(reachable(app)).isTrue();
                assertThat(problem(app)).isEmpty();
            });
        }
    }

    @Test
    void aHangingRecorderLeavesWebhooksAndTheRoomApiResponsiveAndConvergesWhenItAnswersAgain() {
        try (FakeRecorder recorder = FakeRecorder.start(0, null, null);
             NgliveProcess app = nglive(recorder).start()) {
            assertThat(app.json(app.get("/addroom?roomid=1")).path("data").path("synced").asBoolean()).isTrue();

            recorder.hang(true);
            Awaitility.await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(reachable(app)).isFalse();
                assertThat(problem(app)).contains("did not answer").contains("within 2 s");
            });
            long slowest = 0;
            for (int i = 0; i < 10; i++) {
                long sent = System.nanoTime();
                assertThat(app.webhook(Webhooks.sessionEnded(1)).statusCode()).isEqualTo(200);
                assertThat(app.get("/allroom").statusCode()).isEqualTo(200);
                assertHealthy(app);
                slowest = Math.max(slowest, (System.nanoTime() - sent) / 1_000_000);
                NgliveProcess.sleep(200);
            }
            long changing = System.nanoTime();
            JsonNode added = app.json(app.get("/addroom?roomid=2")).path("data");
            long change = (System.nanoTime() - changing) / 1_000_000;
            changing = System.nanoTime();
            JsonNode removed = app.json(app.get("/removeroom?roomid=1")).path("data");
            long removal = (System.nanoTime() - changing) / 1_000_000;
            System.out.printf("RecorderFaultsIT: recorder hanging: webhook, room list and health answered within %d ms,"
                    + " a room added in %d ms, removed in %d ms (timeout %d ms)%n", slowest, change, removal,
                    TIMEOUT.toMillis());
            assertThat(slowest).as("webhook, room list and health while the recorder hangs (ms)").isLessThan(1500);
            assertThat(added.path("synced").asBoolean()).isFalse();
            assertThat(added.path("syncError").asText()).contains("did not answer");
            assertThat(removed.path("synced").asBoolean()).isFalse();
            assertThat(change).as("a room change answers within the recorder timeout (ms)")
                    .isLessThan(TIMEOUT.toMillis() + 1500);
            assertThat(removal).as("a room removal answers within the recorder timeout (ms)")
                    .isLessThan(TIMEOUT.toMillis() + 1500);

            recorder.hang(false);
            Awaitility.await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(recorder.roomIds()).containsExactly(2L);
                assertThat(app.json(app.get("/getroom?roomid=2")).path("data").path("synced").asBoolean()).isTrue();
                assertThat(reachable(app)).isTrue();
            });
        }
    }

    private static void assertHealthy(NgliveProcess app) {
        HttpResponse<String> health = app.get("/observe/health");
        assertThat(health.statusCode()).as("nglive itself stays healthy").isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    private static boolean reachable(NgliveProcess app) {
        return app.healthCheck("recorder").path("data").path("api.reachable").asBoolean();
    }

    /** What the recorder check says is wrong; empty when nothing is. */
    private static String problem(NgliveProcess app) {
        return app.healthCheck("recorder").path("data").path("api.problem").asText("");
    }
}
