package io.nglive.central;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The order in which a node dials its central servers; the channel's tests show it on real sockets. */
class CentralRoundTest {

    private static final URI A = URI.create("ws://a.example/nodes?token=t");
    private static final URI B = URI.create("wss://b.example/nodes?token=t");
    private static final URI C = URI.create("ws://c.example:8100/nodes?token=t");

    @Test
    void aLeaderIsFoundByHostAndPortWithTheSchemesDefaultPort() {
        CentralRound round = new CentralRound(List.of(A, B, C));

        assertThat(round.indexOf("a.example:80")).isZero();
        assertThat(round.indexOf("B.Example:443")).isEqualTo(1);
        assertThat(round.indexOf("c.example:8100")).isEqualTo(2);
        assertThat(round.indexOf("c.example:80")).isEqualTo(-1);
        assertThat(round.indexOf("a.example")).as("no port").isEqualTo(-1);
        assertThat(round.indexOf("not a host:port")).isEqualTo(-1);
        assertThat(round.indexOf(null)).isEqualTo(-1);
    }

    @Test
    void eachUrlIsTriedOncePerRoundInOrderAndTheNamedLeaderFirst() {
        CentralRound round = new CentralRound(List.of(A, B, C));

        assertThat(round.current()).isEqualTo(A);
        assertThat(round.failed("c.example:8100")).isTrue();
        assertThat(round.current()).as("the leader A named").isEqualTo(C);
        assertThat(round.failed(null)).isTrue();
        assertThat(round.current()).isEqualTo(B);
        assertThat(round.failed(null)).as("the round is over").isFalse();
        assertThat(round.current()).isEqualTo(C);
    }

    @Test
    void aLeaderNamedAfterItsTurnStartsTheNextRound() {
        CentralRound round = new CentralRound(List.of(A, B, C));

        List<Boolean> atOnce = new ArrayList<>();
        atOnce.add(round.failed(null));
        atOnce.add(round.failed("a.example:80"));
        atOnce.add(round.failed(null));

        assertThat(atOnce).containsExactly(true, true, false);
        assertThat(round.current()).isEqualTo(A);
    }

    @Test
    void twoStandbysNamingEachOtherEndTheRound() {
        CentralRound round = new CentralRound(List.of(A, C));

        assertThat(round.failed("c.example:8100")).isTrue();
        assertThat(round.failed("a.example:80")).isFalse();
        assertThat(round.current()).isEqualTo(A);
    }

    @Test
    void aServerThatAcceptedTheNodeStartsANewRound() {
        CentralRound round = new CentralRound(List.of(A, B, C));
        round.failed(null);
        round.failed(null);

        round.reset();

        assertThat(round.current()).isEqualTo(C);
        assertThat(round.failed(null)).isTrue();
        assertThat(round.failed(null)).isTrue();
        assertThat(round.failed(null)).isFalse();
    }

    @Test
    void oneUrlMakesARoundOfOne() {
        CentralRound round = new CentralRound(List.of(A));

        assertThat(round.failed(null)).isFalse();
        assertThat(round.failed("a.example:80")).isFalse();
        assertThat(round.current()).isEqualTo(A);
    }
}
