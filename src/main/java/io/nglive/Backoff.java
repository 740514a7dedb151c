package io.nglive;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between attempts that double from {@code first} up to {@code max}, each drawn at random from its upper half
 * ("equal jitter"), so that many nodes that lost the same server do not all come back at the same instant. Not
 * thread-safe: one per retrying loop.
 */
public final class Backoff {

    private final Duration first;
    private final Duration max;
    private int failures;

    public Backoff(Duration first, Duration max) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, not " + first + " and " + max);
        }
        this.first = first;
        this.max = max;
    }

    /** The delay before the next attempt, after one more failure. */
    public Duration next() {
        failures++;
        long ceiling = ceiling(failures).toMillis();
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    /** Starts again from {@code first}: the last attempt worked. */
    public void reset() {
        failures = 0;
    }

    /** Failures since the last {@link #reset}. */
    public int failures() {
        return failures;
    }

    /** The longest delay after {@code failures} failures: first, doubled per further failure, at most max. */
    Duration ceiling(int failures) {
        int doublings = Math.min(failures - 1, 40);
        Duration delay = first.multipliedBy(1L << doublings);
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
