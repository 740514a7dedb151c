package io.nglive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExposureTest {

    private static final Properties NO_JMX = new Properties();

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"})
    void loopbackWithoutTokensExposesNothing(String host) {
        assertThat(Exposure.warning(host, 8100, "", "", NO_JMX)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "[::]", "192.168.1.20", "10.0.0.1"})
    void anyOtherAddressWithoutTokensNamesTheApiTheEventStreamAndTheWebhook(String host) {
        assertThat(Exposure.warning(host, 8100, "", "", NO_JMX)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("camel.server.host=" + host + ", port 8100")
                .contains("control rooms and jobs (/allroom, /getroom, /addroom, /removeroom, /api/rooms, /api/jobs, "
                        + "the dashboard at /)")
                .contains("read the event stream (/ws)")
                .contains("post recordings and events to /webhook")
                .contains("Set nglive.api.token and nglive.webhook.token")
                .doesNotContain("JMX"));
    }

    @Test
    void eachTokenClosesWhatItGuards() {
        assertThat(Exposure.warning("0.0.0.0", 8100, "t", "", NO_JMX)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("/webhook").doesNotContain("/api/rooms").doesNotContain("/ws"));
        assertThat(Exposure.warning("0.0.0.0", 8100, "", "t", NO_JMX)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("/api/rooms").contains("/ws").doesNotContain("to /webhook"));
        assertThat(Exposure.warning("0.0.0.0", 8100, "t", "t", NO_JMX)).isEmpty();
    }

    @Test
    void unauthenticatedRemoteJmxIsNamedUnlessBoundToLoopback() {
        Properties jmx = new Properties();
        jmx.setProperty("com.sun.management.jmxremote.port", "9010");
        jmx.setProperty("com.sun.management.jmxremote.authenticate", "false");

        assertThat(Exposure.warning("127.0.0.1", 8100, "", "", jmx)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("JMX on port 9010").doesNotContain("/api/rooms"));

        jmx.setProperty("com.sun.management.jmxremote.host", "127.0.0.1");
        assertThat(Exposure.warning("127.0.0.1", 8100, "", "", jmx)).isEmpty();

        jmx.remove("com.sun.management.jmxremote.host");
        jmx.setProperty("com.sun.management.jmxremote.authenticate", "true");
        assertThat(Exposure.warning("127.0.0.1", 8100, "", "", jmx)).isEmpty();
    }
}
