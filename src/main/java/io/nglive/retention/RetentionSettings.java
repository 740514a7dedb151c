package io.nglive.retention;

import java.time.Duration;

import io.nglive.InvalidSetting;
import io.nglive.SettingsReader;

/**
 * Retention of local files: the free space to keep on the works path's and the out path's file systems, whether it
 * only reports, and how often it checks.
 */
public record RetentionSettings(MinFree minFree, boolean dryRun, Duration interval) {

    public static final String MIN_FREE = "nglive.retention.min-free";

    public static RetentionSettings read(SettingsReader settings) {
        String minFree = settings.required(MIN_FREE);
        return new RetentionSettings(
                MinFree.parse(minFree).orElseThrow(() -> new InvalidSetting(MIN_FREE, minFree,
                        "is neither a size (50GB, 500MB; 0 is off) nor a percentage below 100 (10%)")),
                settings.bool("nglive.retention.dry-run"),
                settings.positiveDuration("nglive.retention.interval"));
    }
}
