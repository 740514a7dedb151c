package io.nglive.transcode;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import io.nglive.SettingsReader;

/**
 * Everything that decides how ffmpeg runs, read once from {@code nglive.transcode.*}.
 *
 * @param crf         0–51, used by CRF and VBR
 * @param cq          0–51, used by CQ
 * @param bitrateKbps video bitrate for B, ABR and the cap of VBR
 * @param bufsizeKbps rate-control buffer for B, ABR and VBR
 * @param nice        CPU niceness given to ffmpeg (0 = same priority as nglive)
 * @param timeout     longest a single ffmpeg run may take before it is killed
 */
public record TranscodeSettings(
        TranscodeMode mode,
        VideoEncoder encoder,
        int crf,
        int cq,
        int bitrateKbps,
        int bufsizeKbps,
        String preset,
        String ffmpeg,
        String ffprobe,
        int nice,
        Duration timeout) {

    /** Reads {@code nglive.transcode.*}; ffmpeg and ffprobe must be found unless the mode is NONE. */
    public static TranscodeSettings read(SettingsReader settings) {
        TranscodeSettings transcode = new TranscodeSettings(
                settings.choice("nglive.transcode.mode", TranscodeMode.class),
                settings.choice("nglive.transcode.encoder", VideoEncoder.class),
                settings.integer("nglive.transcode.crf", 0, 51),
                settings.integer("nglive.transcode.cq", 0, 51),
                settings.integer("nglive.transcode.bitrate", 1, 1_000_000),
                settings.integer("nglive.transcode.bufsize", 1, 10_000_000),
                settings.preset("nglive.transcode.preset"),
                settings.required("nglive.transcode.ffmpeg"),
                settings.required("nglive.transcode.ffprobe"),
                settings.integer("nglive.transcode.nice", 0, 19),
                settings.duration("nglive.transcode.timeout"));
        if (transcode.mode() != TranscodeMode.NONE) {
            // found now rather than by every job failing once it is tried
            settings.executable("nglive.transcode.ffmpeg");
            settings.executable("nglive.transcode.ffprobe");
        }
        return transcode;
    }

    /**
     * These settings in another mode, as a stage's {@code mode} parameter asks.
     *
     * @throws IllegalArgumentException naming the modes when {@code mode} is none of them
     */
    public TranscodeSettings withMode(String mode) {
        TranscodeMode chosen;
        try {
            chosen = TranscodeMode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("transcode mode '" + mode + "' is unknown (expected one of "
                    + Arrays.toString(TranscodeMode.values()) + ")");
        }
        return new TranscodeSettings(chosen, encoder, crf, cq, bitrateKbps, bufsizeKbps, preset, ffmpeg, ffprobe, nice,
                timeout);
    }
}
