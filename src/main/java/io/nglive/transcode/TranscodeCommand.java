package io.nglive.transcode;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the ffmpeg argument list for one transcode. It is always a list handed to {@link ProcessBuilder}, never a
 * shell string, so recording names full of quotes, {@code &}, {@code $()} or {@code ;} reach ffmpeg as plain text.
 *
 * <p>Every command is
 * {@code ffmpeg -hide_banner -nostdin -y -loglevel warning -progress pipe:1 -nostats -i <input>
 * -map 0:v:0? -map 0:a? <mode arguments> -f mp4 <output>}:
 * <ul>
 *   <li>{@code -f mp4} is explicit because the output is a {@code .part} file that ffmpeg cannot guess a format from.</li>
 *   <li>{@code -map 0:v:0? -map 0:a?} keeps the first video and every audio stream and drops anything else; the
 *       {@code ?} lets a recording without audio (or without video) through instead of failing.</li>
 *   <li>{@code -loglevel warning}, not {@code error}: stock ffmpeg reports an HEVC-in-FLV recording (FLV codec id 12)
 *       only as the warning "Video codec (c) is not implemented"; at {@code error} the user would see nothing but
 *       "Decoder (codec none) not found".</li>
 *   <li>Audio is always copied ({@code -c:a copy}) and every MP4 gets {@code -movflags +faststart} so it can be
 *       played while it is still downloading.</li>
 * </ul>
 *
 * <p>Mode arguments, and why:
 * <ul>
 *   <li>CQ: x264 takes {@code -qp <cq>} (its log shows {@code rc=cqp}); x265 takes {@code -x265-params qp=<cq>}
 *       (its log shows {@code Rate Control : CQP-<cq>}), which every ffmpeg build with libx265 understands whereas
 *       libx265's own {@code -qp} option only exists in recent ffmpeg. In both encoders "constant" means per frame
 *       type: P frames get exactly {@code <cq>}, I and B frames the encoder's usual fixed offsets.</li>
 *   <li>B: {@code -b:v = -minrate = -maxrate} makes x264 switch to CBR ({@code rc=cbr}). libx265 ignores
 *       {@code -minrate}, so x265 additionally gets {@code strict-cbr=1}, its own "hold the bitrate" switch.</li>
 *   <li>ABR: target and cap are the same bitrate over {@code -bufsize}, without the CBR floor.</li>
 *   <li>VBR: quality-driven CRF, capped at the bitrate over {@code -bufsize}.</li>
 *   <li>x265 always gets {@code log-level=error} because x265 writes its own info lines to stderr regardless of
 *       ffmpeg's {@code -loglevel}, and {@code -tag:v hvc1} because Apple players refuse HEVC tagged {@code hev1}
 *       (ffmpeg's default) in MP4.</li>
 * </ul>
 *
 * <p>{@link #main} prints the table of every mode's arguments that the README carries.
 */
public final class TranscodeCommand {

    private TranscodeCommand() {
    }

    /**
     * The ffmpeg command for a transcode of {@code input} into {@code output}.
     *
     * @throws IllegalArgumentException for {@link TranscodeMode#NONE}, which runs no ffmpeg at all
     */
    public static List<String> build(TranscodeSettings settings, Path input, Path output) {
        return build(settings, input, output, null);
    }

    /**
     * As {@link #build(TranscodeSettings, Path, Path)}, with {@code subtitles} (an ASS file; null: none) burnt into
     * the picture by libass ({@code -vf ass=filename=<path>}, the path escaped for the filter: see {@link #assFilter}).
     *
     * @throws IllegalArgumentException for subtitles in {@link TranscodeMode#COPY}, which cannot filter
     */
    public static List<String> build(TranscodeSettings settings, Path input, Path output, Path subtitles) {
        List<String> command = new ArrayList<>();
        command.add(settings.ffmpeg());
        command.addAll(List.of("-hide_banner", "-nostdin", "-y", "-loglevel", "warning",
                "-progress", "pipe:1", "-nostats", "-i", input.toString(), "-map", "0:v:0?", "-map", "0:a?"));
        if (subtitles != null) {
            if (settings.mode() == TranscodeMode.COPY) {
                throw new IllegalArgumentException("subtitles cannot be burnt in without a re-encode (mode COPY)");
            }
            command.addAll(List.of("-vf", assFilter(subtitles)));
        }
        command.addAll(modeArguments(settings.mode(), settings.encoder(), new Values(
                settings.preset(), String.valueOf(settings.crf()), String.valueOf(settings.cq()),
                String.valueOf(settings.bitrateKbps()), String.valueOf(settings.bufsizeKbps()))));
        command.addAll(List.of("-f", "mp4", output.toString()));
        return List.copyOf(command);
    }

    /**
     * The arguments that depend on the mode and encoder, with placeholders ({@code <preset>}, {@code <crf>},
     * {@code <cq>}, {@code <bitrate>}, {@code <bufsize>}) instead of values: the README's table, and the test that
     * keeps it honest, are made from this.
     */
    public static List<String> template(TranscodeMode mode, VideoEncoder encoder) {
        return modeArguments(mode, encoder, new Values("<preset>", "<crf>", "<cq>", "<bitrate>", "<bufsize>"));
    }

    /**
     * The ffmpeg command that writes the picture of {@code input} at {@code seconds} to {@code output} as a JPEG
     * ({@code -ss} before {@code -i}: ffmpeg seeks to the nearest keyframe and decodes on to the time, fast on a long
     * recording).
     */
    public static List<String> cover(String ffmpeg, Path input, double seconds, Path output) {
        return List.of(ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "warning", "-progress", "pipe:1",
                "-nostats", "-ss", String.format(Locale.ROOT, "%.3f", seconds), "-i", input.toString(),
                "-map", "0:v:0", "-frames:v", "1", "-q:v", "2", "-c:v", "mjpeg", "-f", "image2", "-update", "1",
                output.toString());
    }

    /**
     * The {@code ass} filter for {@code subtitles}. A path reaches the filter through two parsers, and is escaped for
     * each: first as an option's value ({@code \}, {@code '} and the option separator {@code :}), then as a part of
     * the filter graph ({@code \}, {@code '}, {@code [}, {@code ]}, {@code ,} and {@code ;}). A Windows path
     * ({@code C:\rec\a.ass}) and a recording's title full of quotes both arrive whole.
     */
    static String assFilter(Path subtitles) {
        String value = escape(subtitles.toString(), "\\':");
        return "ass=filename=" + escape(value, "\\'[],;");
    }

    /** {@code text} with a backslash before each of {@code special}. */
    private static String escape(String text, String special) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (special.indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /**
     * Runs {@code command} at a lower CPU priority by prefixing {@code nice -n <nice>} on systems that have it
     * ({@code nice} execs ffmpeg in place, so the pid stays ffmpeg's). Windows has no {@code nice}: unchanged.
     */
    public static List<String> withPriority(List<String> command, int nice) {
        if (nice <= 0 || isWindows() || !onPath("nice")) {
            return command;
        }
        List<String> prefixed = new ArrayList<>(List.of("nice", "-n", String.valueOf(nice)));
        prefixed.addAll(command);
        return List.copyOf(prefixed);
    }

    /** One argument list as a readable line: arguments with spaces or shell-special characters are quoted. */
    public static String describe(List<String> arguments) {
        List<String> shown = new ArrayList<>();
        for (String argument : arguments) {
            shown.add(argument.isEmpty() || argument.matches(".*[\\s\"'&;$`|\\\\].*")
                    ? "'" + argument.replace("'", "'\\''") + "'"
                    : argument);
        }
        return String.join(" ", shown);
    }

    /** Prints the markdown table of every mode's arguments, for the README. */
    public static void main(String[] args) {
        System.out.println("| Mode | Encoder | Arguments between `-map 0:a?` and `-f mp4 <output>` |");
        System.out.println("|---|---|---|");
        for (TranscodeMode mode : TranscodeMode.values()) {
            if (mode == TranscodeMode.NONE) {
                continue;
            }
            for (VideoEncoder encoder : mode == TranscodeMode.COPY ? List.of(VideoEncoder.X264) : List.of(VideoEncoder.values())) {
                String encoderName = mode == TranscodeMode.COPY ? "—" : encoder.name().toLowerCase(Locale.ROOT);
                System.out.println("| " + mode + " | " + encoderName + " | `" + describe(template(mode, encoder)) + "` |");
            }
        }
    }

    private record Values(String preset, String crf, String cq, String bitrateKbps, String bufsizeKbps) {
    }

    private static List<String> modeArguments(TranscodeMode mode, VideoEncoder encoder, Values v) {
        if (mode == TranscodeMode.NONE) {
            throw new IllegalArgumentException("transcode mode NONE runs no ffmpeg");
        }
        if (mode == TranscodeMode.COPY) {
            return List.of("-c", "copy", "-movflags", "+faststart");
        }
        boolean x265 = encoder == VideoEncoder.X265;
        String bitrate = v.bitrateKbps() + "k";
        String bufsize = v.bufsizeKbps() + "k";
        List<String> args = new ArrayList<>(List.of("-c:v", encoder.ffmpegName(), "-preset", v.preset()));
        String x265Params = "log-level=error";
        switch (mode) {
            case CRF -> args.addAll(List.of("-crf", v.crf()));
            case CQ -> {
                if (x265) {
                    x265Params += ":qp=" + v.cq();
                } else {
                    args.addAll(List.of("-qp", v.cq()));
                }
            }
            case B -> {
                args.addAll(List.of("-b:v", bitrate, "-minrate", bitrate, "-maxrate", bitrate, "-bufsize", bufsize));
                if (x265) {
                    x265Params += ":strict-cbr=1";
                }
            }
            case ABR -> args.addAll(List.of("-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bufsize));
            case VBR -> args.addAll(List.of("-crf", v.crf(), "-maxrate", bitrate, "-bufsize", bufsize));
        }
        if (x265) {
            args.addAll(List.of("-x265-params", x265Params, "-tag:v", "hvc1"));
        }
        args.addAll(List.of("-c:a", "copy", "-movflags", "+faststart"));
        return List.copyOf(args);
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    private static boolean onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
                return true;
            }
        }
        return false;
    }
}
