package io.nglive.danmaku;

/**
 * A comment's text as one line of ASS dialogue that shows what was sent and nothing else. Braces and backslashes become
 * their full-width forms (｛ ｝ ＼): an escape would do in libass ({@code \{}) but VSFilter shows it as typed, and a
 * backslash left alone could still form {@code \N} or {@code \h}. Line breaks and control characters become spaces;
 * bidi embeddings, overrides and isolates go (one would show the comment backwards).
 */
final class AssText {

    /** Code points shown of one comment: Bilibili lets a live comment have at most a few dozen. */
    static final int MAX_LENGTH = 100;

    private AssText() {
    }

    /** The text to write: single-line, runs of blanks as one space, trimmed, at most {@link #MAX_LENGTH} code points. */
    static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069) {
                continue;
            }
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                space = out.length() > 0;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.appendCodePoint(switch (c) {
                case '{' -> '｛';
                case '}' -> '｝';
                case '\\' -> '＼';
                default -> c;
            });
        }
        if (out.codePointCount(0, out.length()) <= MAX_LENGTH) {
            return out.toString();
        }
        return out.substring(0, out.offsetByCodePoints(0, MAX_LENGTH - 1)) + "…";
    }

    /**
     * The width of a cleaned text in pixels, over-estimated rather than under (a wider guess only spaces comments out
     * more): Latin letters, digits and the half-width forms at 0.6 of the font size, everything from U+1100 on
     * (CJK, kana, hangul, full-width forms, emoji) at the full size, plus the outline on both sides.
     */
    static int width(String text, int fontSize, double outline) {
        double width = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            width += narrow(c) ? 0.6 * fontSize : fontSize;
        }
        return (int) Math.ceil(width + 2 * outline);
    }

    private static boolean narrow(int c) {
        return c < 0x1100 || c >= 0xFF61 && c <= 0xFFDC || c >= 0xFFE8 && c <= 0xFFEE;
    }
}
