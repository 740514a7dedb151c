package io.nglive.webhook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.nglive.api.Answers;

/**
 * {@code POST /webhook/ddtv}: each recording a DDTV message closes is stored as /webhook stores a FileClosed, one
 * after the other, before the answer. DDTV does not retry; a file whose storing failed is found by the works-path
 * scan, and the same message sent again stores only what is missing.
 */
public final class DdtvWebhook {

    /** The answer: the message's cmd and what each of its recordings became. */
    public record Accepted(String cmd, List<WebhookIntake.Accepted> recordings) {
        public List<Long> jobIds() {
            return recordings.stream().flatMap(r -> r.jobIds().stream()).toList();
        }

        public Map<String, Object> answer() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("cmd", cmd);
            data.put("recordings", recordings.stream().map(WebhookIntake.Accepted::data).toList());
            return Answers.ok(data);
        }
    }

    private final DdtvReader reader;
    private final WebhookIntake intake;

    public DdtvWebhook(DdtvReader reader, WebhookIntake intake) {
        this.reader = reader;
        this.intake = intake;
    }

    public Accepted accept(String body) {
        DdtvReader.Message message = reader.read(body);
        List<WebhookIntake.Accepted> stored = new ArrayList<>();
        for (RecorderEvent recording : message.recordings()) {
            stored.add(intake.store(recording));
        }
        return new Accepted(message.cmd(), stored);
    }
}
