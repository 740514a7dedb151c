package io.nglive.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

/** The recorder's health check: what it says with an API that fails, and in webhook-only mode. */
class RecorderHealthTest {

    private static final String PROBLEM = "the recorder at http://127.0.0.1:2356 is unreachable (connection refused)";

    @Test
    void aProblemWithTheApiIsInTheDetailsAndTheMessageSurvivesCamelsDoubleEscaping() throws Exception {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("url", "http://127.0.0.1:2356");
        status.put("reachable", false);
        status.put("problem", PROBLEM);

        HealthCheck.Result result = call(new RecorderHealth(() -> status, null));

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).containsEntry("api.problem", PROBLEM).containsEntry("api.reachable", false);
        // /observe/health writes Jsoner.escape(message) into a JSON writer that escapes it again
        String message = result.getMessage().orElseThrow();
        assertThat(Jsoner.escape(message)).isEqualTo(message);
        assertThat(message).contains("api.problem");
    }

    @Test
    void webhookOnlyIsUpAndSaysSoInItsDetails() throws Exception {
        HealthCheck.Result result = call(RecorderHealth.webhookOnly());

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).containsEntry("webhookOnly", true).doesNotContainKey("api.reachable");
        String message = result.getMessage().orElseThrow();
        assertThat(message).contains("webhook-only").contains("nglive.recorder.url is empty");
        assertThat(Jsoner.escape(message)).isEqualTo(message);
    }

    private static HealthCheck.Result call(RecorderHealth check) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            check.setCamelContext(camel);
            return check.call();
        }
    }
}
