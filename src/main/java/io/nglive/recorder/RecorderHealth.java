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
 */
public final class RecorderHealth extends AbstractHealthCheck {

    private final Supplier<Map<String, Object>> api;
    private final RecorderSupervisor supervisor;

    /** @param supervisor null when nglive does not start the recorder */
    public RecorderHealth(Supplier<Map<String, Object>> api, RecorderSupervisor supervisor) {
        super("nglive", "recorder");
        this.api = api;
        this.supervisor = supervisor;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        details(builder, "api.", api.get());
        builder.detail("supervised", supervisor != null);
        Object problem = api.get().get("problem");
        if (problem != null) {
            builder.message(String.valueOf(problem));
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
