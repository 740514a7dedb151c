package io.nglive.danmaku;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A comment's text as ASS shows it, and the width guessed for its lane. */
class AssTextTest {

    @Test
    void bracesAndBackslashesBecomeFullWidth() {
        assertThat(AssText.clean("{\\fs200\\pos(0,0)}big")).isEqualTo("｛＼fs200＼pos(0,0)｝big");
        assertThat(AssText.clean("a\\Nb\\hc\\n")).isEqualTo("a＼Nb＼hc＼n");
    }

    @Test
    void lineBreaksControlsAndBlankRunsBecomeOneSpace() {
        assertThat(AssText.clean("  a\r\n\tb\u0000c\u0085d\u2028e\u3000 f  ")).isEqualTo("a b c d e f");
        assertThat(AssText.clean(" \n\t ")).isEmpty();
    }

    @Test
    void bidiControlsAreRemoved() {
        assertThat(AssText.clean("\u202Eabc\u2066d\u2069")).isEqualTo("abcd");
    }

    @Test
    void longTextIsCutWithAnEllipsisWithoutSplittingACharacter() {
        String cut = AssText.clean("😀".repeat(150));

        assertThat(cut.codePointCount(0, cut.length())).isEqualTo(AssText.MAX_LENGTH);
        assertThat(cut).isEqualTo("😀".repeat(AssText.MAX_LENGTH - 1) + "…");
        assertThat(AssText.clean("x".repeat(AssText.MAX_LENGTH))).isEqualTo("x".repeat(AssText.MAX_LENGTH));
    }

    @Test
    void widthCountsCjkAtTheFontSizeAndLatinAtSixTenths() {
        assertThat(AssText.width("hello", 40, 2)).isEqualTo(5 * 24 + 4);
        assertThat(AssText.width("你好ｈ", 40, 0)).isEqualTo(3 * 40);
        assertThat(AssText.width("ｶﾀｶﾅ😀", 40, 1.5)).isEqualTo(4 * 24 + 40 + 3);
    }
}
