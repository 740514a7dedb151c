package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.EventReceiver;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.Webhooks;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox does not grow for ever: events older than nglive.events.retention that every event webhook has are
 * deleted, and a replay from before them says so in its first frame.
 */
class RetentionIT {

    @TempDir
    Path dir;

    private static NgliveProcess app(Path dir) {
        return new NgliveProcess(dir).set("nglive.events.retention", "2s").set("nglive.events.prune-interval", "1s");
    }

    /** Sends {@code count} SessionStarted webhooks and returns their event ids. */
    private static List<String> sessionsStarted(NgliveProcess app, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            assertThat(app.webhook(Webhooks.envelope("SessionStarted", id, Webhooks.data(8001))).statusCode())
                    .isEqualTo(200);
            ids.add(id);
        }
        return ids;
    }

    /** The seq of each event id, as a live subscriber received them. */
    private static List<Long> seqsOf(EventClient live, List<String> ids) {
        List<Long> seqs = new ArrayList<>();
        for (String id : ids) {
            seqs.add(live.await(e -> id.equals(e.path("eventId").asText()), Duration.ofSeconds(10)).get("seq").asLong());
        }
        return seqs;
    }

    /** Waits until a replay from the start begins with a pruned frame covering at least {@code seq}, and returns it. */
    private static JsonNode awaitPrunedThrough(NgliveProcess app, long seq, Duration timeout) {
        JsonNode[] frame = new JsonNode[1];
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
            try (EventClient probe = app.events(0)) {
                JsonNode first = probe.await(e -> !"heartbeat".equals(e.path("type").asText()), Duration.ofSeconds(5));
                frame[0] = first;
                return "pruned".equals(first.path("type").asText()) && first.path("prunedThrough").asLong() >= seq;
            }
        });
        return frame[0];
    }

    @Test
    void aReplayFromBeforePrunedEventsSaysWhatIsMissingThenSendsTheNewerOnes() {
        try (NgliveProcess app = app(dir.resolve("app")).start(); EventClient live = app.events(-1)) {
            List<String> old = sessionsStarted(app, 5);
            long lastOld = seqsOf(live, old).get(4);

            JsonNode pruned = awaitPrunedThrough(app, lastOld, Duration.ofSeconds(40));
            List<String> fresh = sessionsStarted(app, 3);
            List<Long> freshSeqs = seqsOf(live, fresh);

            try (EventClient replay = app.events(0); EventClient sinceLastOld = app.events(lastOld)) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> replay.stored().size() >= 4);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sinceLastOld.stored().size() >= 3);
                List<JsonNode> frames = replay.stored();
                JsonNode first = frames.get(0);
                long through = first.path("prunedThrough").asLong();

                assertThat(first.path("type").asText()).isEqualTo("pruned");
                assertThat(first.path("since").asLong()).isZero();
                assertThat(through).isGreaterThanOrEqualTo(lastOld).isLessThan(freshSeqs.get(0));
                assertThat(first.path("message").asText())
                        .contains("events after 0 up to " + through + " were removed", "replay continues after " + through);
                assertThat(frames.subList(1, frames.size())).extracting(e -> e.path("eventId").asText())
                        .containsExactlyElementsOf(fresh);
                assertThat(sinceLastOld.stored()).as("a replay from after the pruned range has no pruned frame")
                        .extracting(e -> e.path("eventId").asText()).containsExactlyElementsOf(fresh);
            }
            assertThat(live.all()).as("a subscriber that kept up is told nothing")
                    .noneMatch(e -> "pruned".equals(e.path("type").asText()));
            assertThat(pruned.path("prunedThrough").asLong()).isGreaterThanOrEqualTo(lastOld);
            assertThat(app.log()).contains("outbox: pruned ");
        }
    }

    @Test
    void eventsAnEventWebhookHasNotAcknowledgedAreKeptUntilItHasThem() throws Exception {
        int port = NgliveProcess.freePort();
        String hook = "http://127.0.0.1:" + port + "/hook";
        try (NgliveProcess app = app(dir.resolve("app"))
                .set("nglive.notify.urls", hook)
                .set("nglive.notify.retry-delay", "200ms")
                .set("nglive.notify.retry-max-delay", "500ms")
                .start();
             EventClient live = app.events(-1)) {
            List<String> sent = sessionsStarted(app, 5);
            long last = seqsOf(live, sent).get(4);

            // the prune has run with these events past the retention, and kept them for the webhook that is down
            try {
                Awaitility.await().atMost(Duration.ofSeconds(40))
                        .until(() -> app.log().contains("are kept until notify " + hook + " has them"));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("no prune kept the events for the webhook; the log's last lines:\n"
                        + app.log().lines().skip(Math.max(0, app.log().lines().count() - 60))
                                .collect(Collectors.joining("\n")), e);
            }
            NgliveProcess.sleep(3000);
            try (EventClient replay = app.events(0)) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> replay.stored().size() >= 5);
                assertThat(replay.stored()).extracting(e -> e.path("eventId").asText()).containsExactlyElementsOf(sent);
            }

            try (EventReceiver receiver = EventReceiver.start(port, 0)) {
                JsonNode pruned = awaitPrunedThrough(app, last, Duration.ofSeconds(30));

                assertThat(receiver.received()).extracting(e -> e.path("eventId").asText())
                        .as("every pruned event reached the webhook first").containsAll(sent);
                assertThat(pruned.path("prunedThrough").asLong()).isGreaterThanOrEqualTo(last);
            }
        }
    }
}
