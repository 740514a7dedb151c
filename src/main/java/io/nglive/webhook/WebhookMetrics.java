package io.nglive.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How webhooks were answered, on /observe/metrics as {@code nglive_webhooks_total{outcome}}. The counters are made
 * once: a webhook costs one increment, at thousands of requests a second.
 */
public final class WebhookMetrics {

    private final Counter accepted;
    private final Counter duplicate;
    private final Counter rejected;
    private final Counter failed;

    public WebhookMetrics(MeterRegistry registry) {
        accepted = outcome(registry, "accepted");
        duplicate = outcome(registry, "duplicate");
        rejected = outcome(registry, "rejected");
        failed = outcome(registry, "failed");
    }

    void stored(boolean isDuplicate) {
        (isDuplicate ? duplicate : accepted).increment();
    }

    /** A body answered 400, wherever the intake refused it (see routes/00-error-handling.camel.yaml). */
    public void rejected() {
        rejected.increment();
    }

    void failed() {
        failed.increment();
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("nglive.webhooks").description("webhooks received, by how they were answered")
                .tag("outcome", outcome).register(registry);
    }
}
