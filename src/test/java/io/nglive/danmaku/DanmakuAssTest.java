package io.nglive.danmaku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nglive.danmaku.AssOptions.Block;
import io.nglive.danmaku.DanmakuAss.Summary;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Danmaku files to subtitles: golden files checked by hand (src/test/resources/danmaku, each line's lane, width and
 * times worked out from the options below) and rendered by libass, then each option on its own.
 */
@Timeout(60)
class DanmakuAssTest {

    static final Pattern SCROLLING = Pattern.compile(
            "Dialogue: 0,(\\d+:\\d\\d:\\d\\d\\.\\d\\d),(\\d+:\\d\\d:\\d\\d\\.\\d\\d),Danmaku,,0,0,0,,"
                    + "\\{\\\\move\\((-?\\d+),(\\d+),(-?\\d+),(\\d+)\\)[^{}]*}([^{}\\\\\\n]*)");
    static final Pattern FIXED = Pattern.compile(
            "Dialogue: 0,(\\d+:\\d\\d:\\d\\d\\.\\d\\d),(\\d+:\\d\\d:\\d\\d\\.\\d\\d),Danmaku,,0,0,0,,"
                    + "\\{\\\\an([28])\\\\pos\\((\\d+),(\\d+)\\)[^{}]*}([^{}\\\\\\n]*)");

    @TempDir
    Path dir;

    @Test
    void recorderFileBecomesTheHandCheckedSubtitles() throws IOException {
        Summary summary = assertGolden("basic", new TestOptions().build());

        assertThat(summary.written()).isEqualTo(9);
        assertThat(summary.dropped()).isEqualTo(Map.of(Dropped.UNSUPPORTED_MODE, 2));
        assertThat(summary.truncated()).isFalse();
        assertThat(summary.info()).isEqualTo(new RecordInfo("21452505", "0", "某主播", "测试直播 {\\b1}", "虚拟主播",
                "虚拟日常", "2026-12-01T20:00:00.1234567+08:00"));
    }

    @Test
    void fileOfACrashedRecorderConvertsUpToItsLastWholeComment() throws IOException {
        // CRLF as on Windows, a comma as the decimal mark in one time, cut inside a character of the last comment
        Summary summary = assertGolden("truncated", new TestOptions().build());

        assertThat(summary.truncated()).isTrue();
        assertThat(summary.written()).isEqualTo(4);
        assertThat(summary.dropped()).isEmpty();
    }

    @Test
    void hostileTextCannotBreakTheScript() throws IOException {
        Summary summary = assertGolden("hostile", new TestOptions().build());

        assertThat(summary.written()).isEqualTo(8);
        assertThat(summary.dropped()).isEqualTo(Map.of(Dropped.MALFORMED, 3, Dropped.EMPTY, 1));
        String ass = read("hostile.ass");
        List<String> dialogues = ass.lines().filter(l -> l.startsWith("Dialogue:")).toList();
        assertThat(dialogues).hasSize(8).allSatisfy(line -> assertThat(
                SCROLLING.matcher(line).matches() || FIXED.matcher(line).matches()).as(line).isTrue());
        assertThat(ass.lines().filter(l -> !l.isEmpty() && !l.startsWith("[")))
                .allMatch(l -> l.matches("^(;|Title:|ScriptType:|WrapStyle:|ScaledBorderAndShadow:|PlayRes[XY]:"
                        + "|Format:|Style:|Dialogue:) .*"));
    }

    @Test
    void blockedKindsUsersKeywordsRepeatsAndTheTimeShiftAreApplied() throws IOException {
        TestOptions options = new TestOptions();
        options.blocked = Set.of(Block.TOP, Block.COLOURED, Block.REPEATED);
        options.blockedKeywords = List.of("spam", "广告");
        options.blockedUsers = List.of("troll", "4242");
        options.timeShift = -2;

        Summary summary = assertGolden("filters", options.build());

        assertThat(summary.written()).isEqualTo(3);
        assertThat(summary.dropped()).isEqualTo(Map.of(Dropped.BEFORE_START, 1, Dropped.BLOCKED_KIND, 2,
                Dropped.BLOCKED_USER, 2, Dropped.BLOCKED_KEYWORD, 2, Dropped.REPEATED, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic", "truncated", "hostile", "filters"})
    void libassRendersEveryGoldenWithoutAnError(String golden) throws Exception {
        Path ass = Files.writeString(dir.resolve("golden.ass"), read(golden + ".ass"));
        Path frame = dir.resolve("frame.png");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-xerror", "-y",
                "-f", "lavfi", "-i", "color=black:s=1280x720:d=3", "-vf", "ass=" + ass, "-ss", "2",
                "-frames:v", "1", "-update", "1", frame.toString())
                .redirectErrorStream(true).start();
        String output = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(ffmpeg.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).isEmpty();
        assertThat(ffmpeg.exitValue()).isZero();
        assertThat(frame).isNotEmptyFile();
    }

    @Test
    void commentsThatFitNoLaneAreDroppedUnlessOverlapIsAllowed() throws IOException {
        TestOptions options = new TestOptions();
        options.height = 100;
        String xml = xml(d(1, 1, "一"), d(1, 1, "二"), d(1, 1, "三"), d(1, 1, "四"), d(1, 1, "五"));

        Converted strict = convert(xml, options.build());
        options.overlap = true;
        Converted loose = convert(xml, options.build());

        // two lanes of 44 px (40 and the outline twice) fit in 100
        assertThat(strict.ys()).containsExactly(0, 44);
        assertThat(strict.summary().dropped()).isEqualTo(Map.of(Dropped.NO_ROOM, 3));
        assertThat(loose.ys()).containsExactly(0, 44, 0, 0, 0);
        assertThat(loose.summary().dropped()).isEmpty();
    }

    @Test
    void fixedCommentsTakeTheLaneThatFreesFirstWhenOverlapIsAllowed() throws IOException {
        TestOptions options = new TestOptions();
        options.height = 100;
        options.overlap = true;

        Converted converted = convert(xml(d(1, 5, "a"), d(2, 5, "b"), d(5, 5, "c"), d(5.5, 5, "d"), d(5.5, 4, "e")),
                options.build());

        // two top lanes: "c" takes the first again at 5.00; at 5.50 the second frees first (6.00, the first at 9.00)
        assertThat(converted.ass()).contains("0:00:05.00,0:00:09.00,Danmaku,,0,0,0,,{\\an8\\pos(640,0)}c",
                "0:00:05.50,0:00:09.50,Danmaku,,0,0,0,,{\\an8\\pos(640,44)}d",
                "0:00:05.50,0:00:09.50,Danmaku,,0,0,0,,{\\an2\\pos(640,100)}e");
        assertThat(converted.summary().dropped()).isEmpty();
    }

    @Test
    void atMostMaxOnScreenCommentsAreShownAtOnce() throws IOException {
        TestOptions options = new TestOptions();
        options.maxOnScreen = 2;

        Converted converted = convert(xml(d(1, 1, "a"), d(1, 5, "b"), d(1, 4, "c"), d(5, 1, "d"), d(5.01, 1, "e")),
                options.build());

        // "b" (top, 4 s) has left at 5.00, so "d" may come; "a" scrolls until 9.00
        assertThat(converted.texts()).containsExactly("a", "b", "d");
        assertThat(converted.summary().dropped()).isEqualTo(Map.of(Dropped.CROWDED, 2));
    }

    @Test
    void scrollingCommentsStayInTheScrollArea() throws IOException {
        TestOptions options = new TestOptions();
        options.scrollArea = 0.25;
        String[] burst = new String[10];
        for (int i = 0; i < burst.length; i++) {
            burst[i] = d(1, 1, "第" + i + "条");
        }

        Converted converted = convert(xml(burst), options.build());

        // 180 px: four lanes of 44
        assertThat(converted.ys()).containsExactly(0, 44, 88, 132);
        assertThat(converted.summary().dropped()).isEqualTo(Map.of(Dropped.NO_ROOM, 6));
    }

    @Test
    void timeShiftMovesEveryComment() throws IOException {
        TestOptions options = new TestOptions();
        options.timeShift = 2.5;

        assertThat(convert(xml(d(1, 1, "a"), d(3601.004, 4, "b")), options.build()).ass())
                .contains("Dialogue: 0,0:00:03.50,0:00:11.50,", "Dialogue: 0,1:00:03.50,1:00:07.50,");
    }

    @Test
    void styleCarriesFontSizeOpacityOutlineShadowAndBold() throws IOException {
        TestOptions options = new TestOptions();
        options.font = "WenQuanYi Micro Hei";
        options.fontSize = 30;
        options.opacity = 0.5;
        options.outline = 1.5;
        options.shadow = 1;
        options.bold = true;

        assertThat(convert(xml(), options.build()).ass()).contains("\nStyle: Danmaku,WenQuanYi Micro Hei,30,&H80FFFFFF,"
                + "&H80FFFFFF,&H80000000,&H80000000,-1,0,0,0,100,100,0,0,1,1.5,1,7,0,0,0,1\n");
    }

    @Test
    void fileWithoutCommentsGivesAScriptWithoutEvents() throws IOException {
        Converted converted = convert("<i></i>", new TestOptions().build());

        assertThat(converted.ass()).doesNotContain("Title:").endsWith(
                "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n");
        assertThat(converted.summary().written()).isZero();
    }

    @Test
    void convertingFilesWritesAByteOrderMarkAndReplacesTheOldSubtitles() throws IOException {
        Path xml = Files.writeString(dir.resolve("录制 1.xml"), xml(d(1, 1, "你好")));
        Path ass = Files.writeString(dir.resolve("录制 1.ass"), "old");

        Summary summary = DanmakuAss.convert(xml, ass, new TestOptions().build());

        assertThat(summary.written()).isEqualTo(1);
        byte[] bytes = Files.readAllBytes(ass);
        assertThat(new String(bytes, 0, 3, StandardCharsets.ISO_8859_1)).isEqualTo("\u00EF\u00BB\u00BF");
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("}你好\n");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("录制 1.xml", "录制 1.ass");
        }
    }

    @Test
    void damagedFileLeavesNeitherSubtitlesNorAPart() throws IOException {
        Path xml = Files.writeString(dir.resolve("a.xml"), "<i>\n<d p=\"1,1,25,0\">x</e>\n<d p=\"2,1,25,0\">y</d>\n</i>");
        Path ass = dir.resolve("a.ass");

        assertThatThrownBy(() -> DanmakuAss.convert(xml, ass, new TestOptions().build()))
                .isInstanceOf(BadDanmakuFile.class).hasMessageContaining("line 2, column");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("a.xml");
        }
    }

    private Summary assertGolden(String name, AssOptions options) throws IOException {
        StringWriter ass = new StringWriter();
        Summary summary;
        try (InputStream xml = resource(name + ".xml")) {
            summary = DanmakuAss.convert(xml, ass, options);
        }
        assertThat(ass.toString()).isEqualTo(read(name + ".ass"));
        return summary;
    }

    static InputStream resource(String name) {
        InputStream in = DanmakuAssTest.class.getResourceAsStream("/danmaku/" + name);
        assertThat(in).as(name).isNotNull();
        return in;
    }

    static String read(String name) {
        try (InputStream in = resource(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A danmaku file with these {@code <d>} elements. */
    static String xml(String... comments) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<i>\n" + String.join("\n", comments) + "\n</i>\n";
    }

    static String d(double time, int mode, String text) {
        return String.format(Locale.ROOT, "<d p=\"%s,%d,25,16777215,0,0,1,0\" user=\"u\">%s</d>", time, mode, text);
    }

    static Converted convert(String xml, AssOptions options) throws IOException {
        StringWriter ass = new StringWriter();
        Summary summary = DanmakuAss.convert(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), ass, options);
        return new Converted(ass.toString(), summary);
    }

    record Converted(String ass, Summary summary) {

        List<Integer> ys() {
            return ass.lines().map(SCROLLING::matcher).filter(Matcher::matches).map(m -> Integer.parseInt(m.group(4)))
                    .toList();
        }

        List<String> texts() {
            return ass.lines().filter(l -> l.startsWith("Dialogue:")).map(l -> l.substring(l.indexOf('}') + 1))
                    .toList();
        }
    }
}
