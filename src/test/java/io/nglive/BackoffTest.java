package io.nglive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void theCeilingDoublesPerFailureUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(4));
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.ceiling(4)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.ceiling(10_000)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void eachDelayIsDrawnFromTheUpperHalfOfItsCeiling() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8));
        long[] lowest = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
        long[] highest = new long[5];
        for (int run = 0; run < 2000; run++) {
            backoff.reset();
            for (int i = 0; i < 5; i++) {
                long delay = backoff.next().toMillis();
                lowest[i] = Math.min(lowest[i], delay);
                highest[i] = Math.max(highest[i], delay);
            }
        }
        long[] ceilings = {1000, 2000, 4000, 8000, 8000};
        for (int i = 0; i < 5; i++) {
            assertThat(lowest[i]).as("failure %d", i + 1).isBetween(ceilings[i] / 2, ceilings[i] / 2 + ceilings[i] / 20);
            assertThat(highest[i]).as("failure %d", i + 1).isBetween(ceilings[i] - ceilings[i] / 20, ceilings[i]);
        }
    }

    @Test
    void resetStartsAgainFromTheFirstDelay() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        assertThat(backoff.failures()).isEqualTo(10);
        backoff.reset();
        assertThat(backoff.failures()).isZero();
        assertThat(backoff.next()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    @Test
    void refusesDelaysThatCannotWork() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("0 < first");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("first <= max");
    }
}
