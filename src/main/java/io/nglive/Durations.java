package io.nglive;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations in log lines and failure messages, as people write them ("500 ms", "2.1 s", "12 min 5 s", "3 h 20 min")
 * rather than ISO-8601 ("PT12M5S"): the one formatter of nglive's messages.
 */
public final class Durations {

    private Durations() {
    }

    /** Milliseconds under a second, tenths of a second under a minute, then minutes and seconds, then hours and minutes. */
    public static String readable(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return millis % 1000 == 0 ? seconds + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        if (seconds < 3600) {
            return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        }
        return seconds / 3600 + " h" + (seconds % 3600 / 60 == 0 ? "" : " " + seconds % 3600 / 60 + " min");
    }
}
