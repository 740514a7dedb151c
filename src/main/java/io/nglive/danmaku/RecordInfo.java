package io.nglive.danmaku;

/** The {@code <BililiveRecorderRecordInfo>} of a danmaku file, each attribute as written; empty when absent. */
public record RecordInfo(String roomId, String shortId, String name, String title, String areaParent, String areaChild,
                         String startTime) {

    static final RecordInfo NONE = new RecordInfo("", "", "", "", "", "", "");
}
