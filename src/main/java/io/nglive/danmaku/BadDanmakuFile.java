package io.nglive.danmaku;

import java.io.IOException;

/** A danmaku file that is not one, other than by ending early: the message names the line and column. */
public class BadDanmakuFile extends IOException {

    BadDanmakuFile(String message, Throwable cause) {
        super(message, cause);
    }

    BadDanmakuFile(String message) {
        super(message);
    }
}
