package io.nglive.danmaku;

import io.nglive.danmaku.Layout.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Converts a danmaku file to ASS subtitles as it reads it: each comment is written, or dropped for a reason the
 * {@link Summary} counts, before the next is read, so memory does not grow with the file. Comments keep the file's
 * order; super chats, gifts and guards are not shown.
 */
public final class DanmakuAss {

    private static final String STYLE = "Danmaku";

    private DanmakuAss() {
    }

    /**
     * What a conversion did: the comments written, those dropped by reason (reasons with none left out), whether the
     * file was cut short (converted up to its last whole comment), and the recording's room and title.
     */
    public record Summary(int written, Map<Dropped, Integer> dropped, boolean truncated, RecordInfo info) {

        public int droppedTotal() {
            return dropped.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * Writes {@code ass} beside its final name and moves it there when whole. The file starts with a byte order mark,
     * as other converters write it: VSFilter takes a file without one for the system's code page.
     */
    public static Summary convert(Path xml, Path ass, AssOptions options) throws IOException {
        Path part = ass.resolveSibling(ass.getFileName() + ".part");
        Summary summary;
        try (InputStream in = Files.newInputStream(xml); Writer out = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
            out.write('\uFEFF');
            summary = convert(in, out, options);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.move(part, ass, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return summary;
    }

    /** Writes the subtitles of {@code xml} to {@code ass}; closes neither. */
    public static Summary convert(InputStream xml, Writer ass, AssOptions options) throws IOException {
        Layout layout = new Layout(options);
        CommentFilter filter = new CommentFilter(options);
        Map<Dropped, Integer> dropped = new EnumMap<>(Dropped.class);
        StringBuilder line = new StringBuilder(256);
        int written = 0;
        try (DanmakuXml in = DanmakuXml.open(xml)) {
            Comment comment = in.next();
            ass.write(header(in.info(), options));
            for (; comment != null; comment = in.next()) {
                Dropped why = dialogue(comment, options, layout, filter, line);
                if (why == null) {
                    ass.append(line);
                    written++;
                } else {
                    dropped.merge(why, 1, Integer::sum);
                }
            }
            if (in.malformed() > 0) {
                dropped.put(Dropped.MALFORMED, in.malformed());
            }
            ass.flush();
            return new Summary(written, Collections.unmodifiableMap(dropped), in.truncated(), in.info());
        }
    }

    /** Puts the comment's Dialogue line in {@code line}, or says why it has none. */
    private static Dropped dialogue(Comment comment, AssOptions options, Layout layout, CommentFilter filter,
                                    StringBuilder line) {
        Kind kind = switch (comment.mode()) {
            case 1, 2, 3, 6 -> Kind.SCROLL;
            case 4 -> Kind.BOTTOM;
            case 5 -> Kind.TOP;
            default -> null;
        };
        if (kind == null) {
            return Dropped.UNSUPPORTED_MODE;
        }
        long start = Layout.centiseconds(comment.time() + options.timeShift());
        if (start < 0) {
            return Dropped.BEFORE_START;
        }
        Dropped blocked = filter.blocked(comment, kind);
        if (blocked != null) {
            return blocked;
        }
        String text = AssText.clean(comment.text());
        if (text.isEmpty()) {
            return Dropped.EMPTY;
        }
        if (filter.repeated(text, start)) {
            return Dropped.REPEATED;
        }
        if (layout.full(start)) {
            return Dropped.CROWDED;
        }
        int width = AssText.width(text, options.fontSize(), options.outline());
        int lane = layout.place(kind, start, width);
        if (lane < 0) {
            return Dropped.NO_ROOM;
        }
        filter.shown(text, start);
        int y = layout.y(kind, lane);
        line.setLength(0);
        line.append("Dialogue: 0,");
        time(line, start);
        line.append(',');
        time(line, start + layout.duration(kind));
        line.append(',').append(STYLE).append(",,0,0,0,,{");
        switch (kind) {
            case SCROLL -> line.append("\\move(").append(layout.width()).append(',').append(y).append(',')
                    .append(-width).append(',').append(y).append(')');
            case TOP -> line.append("\\an8\\pos(").append(layout.width() / 2).append(',').append(y).append(')');
            case BOTTOM -> line.append("\\an2\\pos(").append(layout.width() / 2).append(',').append(y).append(')');
        }
        if (comment.color() != 0xFFFFFF) {
            line.append("\\c&H").append(bgr(comment.color())).append('&');
            if (dark(comment.color())) {
                line.append("\\3c&HFFFFFF&");
            }
        }
        line.append('}').append(text).append('\n');
        return null;
    }

    private static String header(RecordInfo info, AssOptions options) {
        String title = AssText.clean(info.name() + (info.title().isEmpty() ? "" : " - " + info.title()));
        String alpha = String.format(Locale.ROOT, "%02X", Math.round((1 - options.opacity()) * 255));
        return "[Script Info]\n"
                + "; Danmaku of a BililiveRecorder recording, converted by nglive\n"
                + (title.isEmpty() ? "" : "Title: " + title + "\n")
                + "ScriptType: v4.00+\n"
                + "WrapStyle: 2\n"
                + "ScaledBorderAndShadow: yes\n"
                + "PlayResX: " + options.width() + "\n"
                + "PlayResY: " + options.height() + "\n"
                + "\n"
                + "[V4+ Styles]\n"
                + "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
                + "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
                + "Alignment, MarginL, MarginR, MarginV, Encoding\n"
                + "Style: " + STYLE + "," + options.font() + "," + options.fontSize() + ",&H" + alpha + "FFFFFF,&H"
                + alpha + "FFFFFF,&H" + alpha + "000000,&H" + alpha + "000000," + (options.bold() ? -1 : 0)
                + ",0,0,0,100,100,0,0,1," + number(options.outline()) + "," + number(options.shadow()) + ",7,0,0,0,1\n"
                + "\n"
                + "[Events]\n"
                + "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n";
    }

    /** H:MM:SS.cc */
    private static void time(StringBuilder line, long centiseconds) {
        long seconds = centiseconds / 100;
        line.append(seconds / 3600).append(':');
        two(line, seconds / 60 % 60).append(':');
        two(line, seconds % 60).append('.');
        two(line, centiseconds % 100);
    }

    private static StringBuilder two(StringBuilder line, long n) {
        return line.append(n < 10 ? "0" : "").append(n);
    }

    /** ASS colours are blue, green, red. */
    private static String bgr(int rgb) {
        return String.format(Locale.ROOT, "%02X%02X%02X", rgb & 0xFF, rgb >> 8 & 0xFF, rgb >> 16 & 0xFF);
    }

    /** Near black: a black outline would hide it, so it gets a white one. */
    private static boolean dark(int rgb) {
        return 299 * (rgb >> 16 & 0xFF) + 587 * (rgb >> 8 & 0xFF) + 114 * (rgb & 0xFF) < 48_000;
    }

    private static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
