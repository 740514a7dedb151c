package io.nglive.upload;

import java.time.Duration;

/** Durations in failure messages, as people write them ("90 s", "500 ms") rather than ISO-8601 ("PT1M30S"). */
final class Durations {

    private Durations() {
    }

    static String readable(Duration duration) {
        return duration.compareTo(Duration.ofSeconds(1)) < 0
                ? duration.toMillis() + " ms"
                : duration.toSeconds() + " s";
    }
}
