package io.nglive.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class StandbyRefusalTest {

    @Test
    void whatAStandbyWritesANodeReadsBack() {
        assertThat(StandbyRefusal.read(StandbyRefusal.of(Optional.of("central-1:8100")).json()))
                .hasValue(new StandbyRefusal("this central server is a standby: central-1:8100 leads", "central-1:8100"));
        assertThat(StandbyRefusal.read(StandbyRefusal.of(Optional.empty()).json()).orElseThrow().leader()).isNull();
    }

    @Test
    void aProxysServiceUnavailableIsNoStandbysRefusal() {
        assertThat(StandbyRefusal.read("<html><body>503 Service Unavailable</body></html>")).isEmpty();
        assertThat(StandbyRefusal.read("{\"error\":\"maintenance\"}")).isEmpty();
        assertThat(StandbyRefusal.read("{\"leader\":\"  \"}").orElseThrow().leader()).isNull();
    }
}
