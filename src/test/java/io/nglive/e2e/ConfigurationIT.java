package io.nglive.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: overrides by environment, and a bad value stopping the start with one line that names it. */
class ConfigurationIT {

    @TempDir
    Path dir;

    @Test
    void badValueStopsTheStartWithOneLineNamingTheProperty() {
        NgliveProcess app = new NgliveProcess(dir.resolve("app")).set("nglive.transcode.mode", "FAST").launch();

        assertThat(app.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(app.log()).contains("nglive: nglive.transcode.mode=FAST: unknown value (expected one of [NONE, COPY");
        assertThat(app.log()).doesNotContain("\tat ");
    }

    @Test
    void environmentVariableOverridesTheFileAndIsNamedWhenWrong() {
        NgliveProcess app = new NgliveProcess(dir.resolve("app")).env("NGLIVE_TRANSCODE_WORKERS", "many").launch();

        assertThat(app.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
        assertThat(app.log()).contains("nglive: nglive.transcode.workers=many: is not a whole number");
    }

    @Test
    void environmentVariableSetsTheNodeName() {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).env("NGLIVE_NODE_NAME", "机房-1").start();
             EventClient events = app.events(-1)) {
            assertThat(events.awaitType("heartbeat", Duration.ofSeconds(30)).path("node").asText()).isEqualTo("机房-1");
        }
    }

    @Test
    void portInUseStopsTheStartWithAReason() {
        try (NgliveProcess first = new NgliveProcess(dir.resolve("first")).start()) {
            NgliveProcess second = new NgliveProcess(dir.resolve("second"))
                    .set("camel.server.port", String.valueOf(first.port())).launch();

            assertThat(second.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(second.log()).contains("nglive: camel.server.port=" + first.port() + ": cannot listen on 127.0.0.1:")
                    .containsIgnoringCase("address already in use");
        }
    }
}
