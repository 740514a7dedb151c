package io.nglive.pipeline;

/** The event names a stage emits, as the original NGlive named them. */
public record StageEvents(String started, String progress, String ended, String error) {

    public static final StageEvents TRANSCODE =
            new StageEvents("TranscodeStarted", "IsTranscode", "TranscodeEnded", "TranscodeError");
    public static final StageEvents UPLOAD = new StageEvents("UpStarted", "IsUp", "UpEnded", "UpError");
    public static final StageEvents DANMAKU =
            new StageEvents("DanmakuStarted", "IsDanmaku", "DanmakuEnded", "DanmakuError");
    public static final StageEvents COVER = new StageEvents("CoverStarted", "IsCover", "CoverEnded", "CoverError");
}
