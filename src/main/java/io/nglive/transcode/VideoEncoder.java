package io.nglive.transcode;

/** The video encoder used by the re-encoding modes ({@code nglive.transcode.encoder}). */
public enum VideoEncoder {
    X264("libx264"),
    X265("libx265");

    private final String ffmpegName;

    VideoEncoder(String ffmpegName) {
        this.ffmpegName = ffmpegName;
    }

    /** The name ffmpeg knows it by, for {@code -c:v}. */
    public String ffmpegName() {
        return ffmpegName;
    }
}
