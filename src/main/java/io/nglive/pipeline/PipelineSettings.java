package io.nglive.pipeline;

import java.time.Duration;

import io.nglive.SettingsReader;

/**
 * How many jobs each stage runs at once. How often a failed one is tried again, and the delays between tries, are
 * the error policy's (routes/00-error-handling, from nglive.*.retries and .retry-delay): they are only checked here,
 * so that a bad value stops the start.
 *
 * @param progressInterval at most one progress event (IsTranscode, IsUp) per job per this interval
 */
public record PipelineSettings(int transcodeWorkers, int uploadWorkers, boolean uploadDeleteLocal,
                               Duration progressInterval) {

    public static PipelineSettings read(SettingsReader settings) {
        settings.duration("nglive.transcode.retry-delay");
        settings.duration("nglive.transcode.space-retry-delay");
        settings.duration("nglive.transcode.space-retry-max-delay");
        settings.duration("nglive.upload.retry-delay");
        settings.duration("nglive.upload.retry-max-delay");
        settings.integer("nglive.transcode.retries", 0, 100);
        settings.integer("nglive.transcode.space-retries", 0, 100_000);
        settings.integer("nglive.upload.retries", 0, 1000);
        return new PipelineSettings(
                settings.integer("nglive.transcode.workers", 1, 64),
                settings.integer("nglive.upload.workers", 1, 64),
                settings.bool("nglive.upload.delete-local"),
                settings.duration("nglive.events.progress-interval"));
    }
}
