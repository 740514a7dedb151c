package io.nglive.webhook;

/** {@code POST /webhook/blrec}: a blrec body, read as nglive's recorder event and stored as /webhook stores one. */
public final class BlrecWebhook {

    private final BlrecReader reader;
    private final WebhookIntake intake;

    public BlrecWebhook(BlrecReader reader, WebhookIntake intake) {
        this.reader = reader;
        this.intake = intake;
    }

    public WebhookIntake.Accepted accept(String body) {
        return intake.store(reader.read(body));
    }
}
