package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.nglive.testing.EventReceiver;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Event webhooks out: every stored event, in order, at least once, to every configured endpoint. */
class NotifyIT {

    @TempDir
    Path dir;

    @Test
    void aReceiverThatFailsTwiceThenSucceedsGetsEveryEventInOrderAndAFilteredOneOnlyItsTypes() throws Exception {
        try (EventReceiver all = EventReceiver.start(0, 2); EventReceiver sessions = EventReceiver.start()) {
            List<String> sent = new ArrayList<>();
            try (NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                    .set("nglive.notify.urls", all.url() + " " + sessions.url() + "#SessionEnded")
                    .set("nglive.notify.retry-delay", "200ms")
                    .start()) {
                for (int i = 0; i < 10; i++) {
                    String id = UUID.randomUUID().toString();
                    String type = i % 2 == 0 ? "SessionStarted" : "SessionEnded";
                    assertThat(app.webhook(Webhooks.envelope(type, id, Webhooks.data(8001))).statusCode()).isEqualTo(200);
                    sent.add(id);
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> all.received().size() >= 10);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sessions.received().size() >= 5);

                assertThat(all.refused()).isEqualTo(2);
                assertThat(all.received()).extracting(e -> e.path("eventId").asText()).containsExactlyElementsOf(sent);
                assertThat(all.received()).extracting(e -> e.path("seq").asLong()).isSorted();
                assertThat(sessions.received()).extracting(e -> e.path("type").asText()).containsOnly("SessionEnded")
                        .hasSize(5);
            }
        }
    }

    @Test
    void anEventTheReceiverRefusesIsSkippedAfterItsAttemptsAndTheOnesAfterItStillCome() throws Exception {
        String poison = UUID.randomUUID().toString();
        try (EventReceiver receiver = EventReceiver.start()) {
            receiver.refuse(poison);
            List<String> sent = new ArrayList<>();
            try (NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                    .set("nglive.notify.urls", receiver.url())
                    .set("nglive.notify.retry-delay", "100ms")
                    .start()) {
                for (String id : List.of(UUID.randomUUID().toString(), poison, UUID.randomUUID().toString())) {
                    assertThat(app.webhook(Webhooks.envelope("SessionStarted", id, Webhooks.data(8001))).statusCode())
                            .isEqualTo(200);
                    sent.add(id);
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= 2);

                assertThat(receiver.received()).extracting(e -> e.path("eventId").asText())
                        .containsExactly(sent.get(0), sent.get(2));
                assertThat(receiver.refused()).as("the refused event's attempts (nglive.notify.refused-attempts)")
                        .isEqualTo(3);
                assertThat(app.log()).contains("refused event").contains("3 times (HTTP 422): skipped");
            }
        }
    }

    @Test
    void eventsAReceiverDidNotTakeBeforeAStopComeAfterTheNextStartInOrder() throws Exception {
        try (EventReceiver receiver = EventReceiver.start(0, Integer.MAX_VALUE)) {
            List<String> sent = new ArrayList<>();
            NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                    .set("nglive.notify.urls", receiver.url())
                    .set("nglive.notify.retry-delay", "100ms")
                    .set("nglive.notify.retry-max-delay", "200ms");
            try (app) {
                app.start();
                for (int i = 0; i < 5; i++) {
                    String id = UUID.randomUUID().toString();
                    assertThat(app.webhook(Webhooks.envelope("SessionStarted", id, Webhooks.data(8001))).statusCode())
                            .isEqualTo(200);
                    sent.add(id);
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.refused() >= 3);
                assertThat(app.stop()).isZero();
                assertThat(receiver.received()).isEmpty();

                receiver.heal();
                app.start();
                String after = UUID.randomUUID().toString();
                assertThat(app.webhook(Webhooks.envelope("SessionEnded", after, Webhooks.data(8001))).statusCode())
                        .isEqualTo(200);
                sent.add(after);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= 6);

                assertThat(receiver.received()).extracting(e -> e.path("eventId").asText())
                        .containsExactlyElementsOf(sent);
            }
        }
    }
}
