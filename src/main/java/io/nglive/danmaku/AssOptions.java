package io.nglive.danmaku;

import java.util.List;
import java.util.Set;

/**
 * How danmaku become subtitles. Sizes are in the video's pixels ({@code width} and {@code height}, the script's
 * PlayResX/Y: the caller gives the video's own, from ffprobe). {@code fontSize} is the height of a line, {@code opacity}
 * from 0 (invisible) to 1; a scrolling comment crosses the screen in {@code scrollSeconds}, a top or bottom one stays
 * {@code fixedSeconds}. Without {@code overlap} a comment that fits in no free lane is dropped; with it, it goes where
 * it overlaps least. {@code maxOnScreen} (0: no limit) caps the comments shown at once; scrolling comments use the top
 * {@code scrollArea} of the screen (0 to 1). Keywords are plain text, matched anywhere in a comment whatever its case;
 * a blocked user is a user name or uid, matched whole. {@code timeShift} seconds are added to every comment's time.
 */
public record AssOptions(int width, int height, String font, int fontSize, double opacity, double outline, double shadow,
                         boolean bold, double scrollSeconds, double fixedSeconds, boolean overlap, int maxOnScreen,
                         double scrollArea, Set<Block> blocked, List<String> blockedKeywords, List<String> blockedUsers,
                         double timeShift) {

    /** Kinds of comment a user can hide. */
    public enum Block {
        SCROLL, TOP, BOTTOM,
        /** any colour but white */
        COLOURED,
        /** a text already shown within the last {@code scrollSeconds} */
        REPEATED
    }

    public AssOptions {
        check(width > 0 && width <= 16384, "width", width, "a whole number of pixels from 1 to 16384");
        check(height > 0 && height <= 16384, "height", height, "a whole number of pixels from 1 to 16384");
        check(font != null && !font.isBlank() && font.chars().noneMatch(c -> c == ',' || Character.isISOControl(c)),
                "font", font, "a font name, without a comma");
        check(fontSize > 0 && fontSize <= height, "font size", fontSize, "from 1 pixel to the height");
        check(opacity >= 0 && opacity <= 1, "opacity", opacity, "from 0 to 1");
        check(outline >= 0 && outline <= 100, "outline", outline, "from 0 to 100 pixels");
        check(shadow >= 0 && shadow <= 100, "shadow", shadow, "from 0 to 100 pixels");
        check(scrollSeconds >= 1 && scrollSeconds <= 600, "scroll seconds", scrollSeconds, "from 1 to 600");
        check(fixedSeconds >= 1 && fixedSeconds <= 600, "fixed seconds", fixedSeconds, "from 1 to 600");
        check(maxOnScreen >= 0, "max on screen", maxOnScreen, "0 (no limit) or more");
        check(scrollArea > 0 && scrollArea <= 1, "scroll area", scrollArea, "more than 0, at most 1");
        check(Double.isFinite(timeShift), "time shift", timeShift, "a number of seconds");
        blocked = Set.copyOf(blocked);
        blockedKeywords = List.copyOf(blockedKeywords);
        blockedUsers = List.copyOf(blockedUsers);
        check(blockedKeywords.stream().noneMatch(String::isEmpty), "blocked keywords", blockedKeywords,
                "words, none empty");
        check(blockedUsers.stream().noneMatch(String::isEmpty), "blocked users", blockedUsers, "names or uids, none empty");
    }

    /**
     * 1920×1080 until the caller knows the video's size; a font of Windows with CJK glyphs (elsewhere libass takes the
     * font with the glyphs that fontconfig names, such as WenQuanYi Micro Hei or Noto Sans CJK).
     */
    public static AssOptions defaults() {
        return new AssOptions(1920, 1080, "Microsoft YaHei", 38, 0.8, 2, 0, false, 12, 5, false, 0, 1, Set.of(),
                List.of(), List.of(), 0);
    }

    /** These options for a video of {@code width}×{@code height}. */
    public AssOptions withSize(int width, int height) {
        return new AssOptions(width, height, font, fontSize, opacity, outline, shadow, bold, scrollSeconds,
                fixedSeconds, overlap, maxOnScreen, scrollArea, blocked, blockedKeywords, blockedUsers, timeShift);
    }

    private static void check(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("danmaku " + name + " " + value + ": expected " + expected);
        }
    }
}
