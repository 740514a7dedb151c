package io.nglive.recorder;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The recorder in {@code /observe/health}: its API (reachable, when last checked, why not) and, when nglive
 * supervises it, its process. A recorder that is down does not make nglive unhealthy: nglive keeps receiving,
 * transcoding and uploading, and applies the rooms when the recorder is back. Only a supervised recorder that is
 * not running is reported DOWN, since then nothing is being recorded.
 *
 * <p>Camel 4.17 escapes a check's message twice (a {@code /} reads back as {@code \/}) and its details once, so the
 * message is a fixed sentence without such characters and the details carry the reason, URLs and all.
 */
public final class RecorderHealth extends AbstractHealthCheck {

    static final String API_PROBLEM = "the recorder's API cannot be used now (api.problem says why)";
    static final String WEBHOOK_ONLY = "webhook-only: nglive.recorder.url is empty, so nglive takes the recorder's "
            + "webhooks and rooms are managed in the recorder itself";

    private final Supplier<Map<String, Object>> api;
    private final RecorderSupervisor supervisor;

    /**
     * @param api        the API's status ({@code RoomSync.status})
     * @param supervisor null when nglive does not start the recorder
     */
    public RecorderHealth(Supplier<Map<String, Object>> api, RecorderSupervisor supervisor) {
        super("nglive", "recorder");
        this.api = api;
        this.supervisor = supervisor;
    }

    /** The check when {@code nglive.recorder.url} is empty: always UP, nothing to ask. */
    public static RecorderHealth webhookOnly() {
        return new RecorderHealth(null, null);
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (api == null) {
            builder.detail("webhookOnly", true).message(WEBHOOK_ONLY).up();
            return;
        }
        Map<String, Object> status = api.get();
        details(builder, "api.", status);
        builder.detail("supervised", supervisor != null);
        if (status.get("problem") != null) {
            builder.message(API_PROBLEM);
        }
        if (supervisor == null) {
            builder.up();
            return;
        }
        details(builder, "process.", supervisor.status());
        if (supervisor.running()) {
            builder.up();
        } else {
            builder.message("the recorder process is not running (" + supervisor.status().get("state") + ")").down();
        }
    }

    private static void details(HealthCheckResultBuilder builder, String prefix, Map<String, Object> values) {
        values.forEach((key, value) -> {
            if (value != null) {
                builder.detail(prefix + key, value);
            }
        });
    }
}
