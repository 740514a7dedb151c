package io.nglive.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class AboutTest {

    private static final String TOKEN = "s3cret";

    @Test
    void withoutCredentialsAServerWithATokenSaysOnlyThatItWantsOne() {
        About about = node(new Access(TOKEN, ""));

        assertThat(about.answer(request(Map.of()))).isEqualTo(Map.of("code", 0, "data", Map.of("tokenRequired", true)));
    }

    @Test
    void aWrongTokenIsRefusedWhetherInTheHeaderOrTheParameter() {
        About about = node(new Access(TOKEN, ""));

        for (Map<String, Object> headers : List.<Map<String, Object>>of(Map.of("Authorization", "Bearer nope"),
                Map.of("token", "nope"), Map.of("token", ""), Map.of("Authorization", ""))) {
            assertThatThrownBy(() -> about.answer(request(headers))).as("%s", headers).isInstanceOf(ApiError.class)
                    .satisfies(e -> assertThat(((ApiError) e).getStatus()).isEqualTo(401));
        }
    }

    @Test
    void theRightTokenGetsEveryFact() {
        Map<String, Object> data = data(node(new Access(TOKEN, "")).answer(request(Map.of("Authorization",
                "Bearer " + TOKEN))));

        assertThat(data).containsEntry("role", "node").containsEntry("name", "n1").containsEntry("tokenRequired", true)
                .containsEntry("recorderApi", true).containsEntry("lastSeq", 42L);
    }

    @Test
    void withoutATokenSetEveryoneGetsEveryFact() {
        Map<String, Object> data = data(About.central("central", Duration.ofSeconds(30), "10.0.0.5:8100", "zookeeper",
                () -> 7, new Access("", "")).answer(request(Map.of())));

        assertThat(data).containsEntry("role", "central").containsEntry("tokenRequired", false)
                .containsEntry("nodeTimeout", 30_000L).containsEntry("lastSeq", 7L)
                .containsEntry("instance", "10.0.0.5:8100").containsEntry("leadership", "zookeeper");
    }

    private static About node(Access access) {
        return About.node("n1", true, false, Duration.ofSeconds(5), () -> 42, access);
    }

    private static Exchange request(Map<String, Object> headers) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeaders(new HashMap<>(headers));
        return exchange;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(Map<String, Object> answer) {
        return (Map<String, Object>) answer.get("data");
    }
}
