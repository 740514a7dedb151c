package io.nglive.danmaku;

/** Why a comment of the file is not in the subtitles, in the order they are checked. */
public enum Dropped {
    /** its {@code p} attribute cannot be read */
    MALFORMED,
    /** positioned (7), code (8) or an unknown mode */
    UNSUPPORTED_MODE,
    /** before the start of the video once shifted */
    BEFORE_START,
    /** scrolling, top, bottom or coloured, and that kind is blocked */
    BLOCKED_KIND,
    BLOCKED_USER,
    BLOCKED_KEYWORD,
    /** nothing to show once blanks and control characters are gone */
    EMPTY,
    REPEATED,
    /** the most comments allowed on screen at once are there */
    CROWDED,
    /** no free lane, and overlap is not allowed */
    NO_ROOM
}
