package io.nglive.transcode;

import java.time.Duration;

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
}
