package io.nglive.transcode;

/** How a recording is transcoded ({@code nglive.transcode.mode}). The README lists each mode's ffmpeg arguments. */
public enum TranscodeMode {
    /** No transcode: the recording itself goes on to the next stage. */
    NONE,
    /** Remux FLV to MP4 without re-encoding ({@code -c copy -movflags +faststart}). */
    COPY,
    /** Constant rate factor ({@code crf}). */
    CRF,
    /** Constant quantiser ({@code cq}). */
    CQ,
    /** Fixed video bitrate ({@code bitrate}, with {@code bufsize}). */
    B,
    /** Average bitrate: target {@code bitrate}, capped at the same maximum over {@code bufsize}. */
    ABR,
    /** Variable bitrate: quality-driven ({@code crf}), capped at {@code bitrate} over {@code bufsize}. */
    VBR
}
