package io.nglive.webhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.nglive.api.Answers;
import io.nglive.events.EventLog;
import io.nglive.journal.JobJournal;

/**
 * Accepts a webhook body: reads it, then stores the event and, for a closed FLV, its job in one transaction,
 * so that the 2xx answer means both are on disk. A repeated EventId is answered as a success and stored once.
 * Other recorders' webhooks ({@link BlrecWebhook}, {@link DdtvWebhook}) store their translated events here too.
 */
public final class WebhookIntake {

    /** What the webhook route needs to answer and to hand the job on. */
    public record Accepted(long seq, String type, boolean duplicate, Long jobId) {
        public Map<String, Object> answer() {
            return Answers.ok(data());
        }

        /** The job to hand to the pipeline, if the event created one. */
        public List<Long> jobIds() {
            return jobId == null ? List.of() : List.of(jobId);
        }

        Map<String, Object> data() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("seq", seq);
            data.put("type", type);
            data.put("duplicate", duplicate);
            data.put("jobId", jobId);
            return data;
        }
    }

    private final WebhookReader reader;
    private final EventLog events;
    private final JobJournal journal;
    private final OpenRecordings open;
    private final WebhookMetrics metrics;

    public WebhookIntake(WebhookReader reader, EventLog events, JobJournal journal, OpenRecordings open,
                         WebhookMetrics metrics) {
        this.reader = reader;
        this.events = events;
        this.journal = journal;
        this.open = open;
        this.metrics = metrics;
    }

    public Accepted accept(String body) {
        // a body refused here is counted where its 400 is answered, with those the route refuses
        return store(reader.read(body));
    }

    /** Stores a checked event, and its job when it closes a recording, in one transaction. */
    Accepted store(RecorderEvent event) {
        EventLog.Recorded<Optional<Long>> recorded;
        try {
            recorded = events.record(event.type(), event.fields(), event.id(), (c, seq) -> {
                open.track(c, event);
                return event.closesRecording()
                        ? journal.create(c, seq, event.roomId(), (String) event.fields().get("sessionId"),
                                event.file(), (String) event.fields().get("title"), event.recorder())
                        : Optional.<Long>empty();
            });
        } catch (RuntimeException e) {
            metrics.failed();
            throw e;
        }
        metrics.stored(recorded.duplicate());
        Long jobId = recorded.extra() == null ? null : recorded.extra().orElse(null);
        return new Accepted(recorded.seq(), event.type(), recorded.duplicate(), jobId);
    }
}
