package io.nglive.danmaku;

import io.nglive.danmaku.AssOptions.Block;
import java.util.List;
import java.util.Set;

/** The goldens' options (1280×720, 40 px, outline 2, 8 s scrolling, 4 s fixed), to change one field at a time. */
final class TestOptions {

    int width = 1280;
    int height = 720;
    String font = "Microsoft YaHei";
    int fontSize = 40;
    double opacity = 0.8;
    double outline = 2;
    double shadow = 0;
    boolean bold;
    double scrollSeconds = 8;
    double fixedSeconds = 4;
    boolean overlap;
    int maxOnScreen;
    double scrollArea = 1;
    Set<Block> blocked = Set.of();
    List<String> blockedKeywords = List.of();
    List<String> blockedUsers = List.of();
    double timeShift;

    AssOptions build() {
        return new AssOptions(width, height, font, fontSize, opacity, outline, shadow, bold, scrollSeconds, fixedSeconds,
                overlap, maxOnScreen, scrollArea, blocked, blockedKeywords, blockedUsers, timeShift);
    }
}
