package io.nglive.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.nglive.pipeline.ProgressListener;
import io.nglive.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Danmaku burnt into the picture by real ffmpeg and libass: the subtitles' path reaches the {@code ass} filter whole
 * whatever characters it holds (the filter's own separators among them), and the picture really changes.
 */
class BurnInTest {

    /** Every character the filter's two parsers treat specially, with Chinese and spaces. */
    private static final String HOSTILE = "弹幕 it's [a,b]; c:\\d=e";

    @TempDir
    Path dir;

    @Test
    void theFilterEscapesTheOptionSeparatorQuotesBackslashesAndTheGraphsPunctuation() {
        assertThat(TranscodeCommand.assFilter(Path.of("/rec/a:b'c\\d[e],f;g.ass")))
                .isEqualTo("ass=filename=/rec/a\\\\:b\\\\\\'c\\\\\\\\d\\[e\\]\\,f\\;g.ass");
    }

    @Test
    void subtitlesInAPathFullOfTheFiltersSpecialCharactersAreBurntIntoThePicture() throws Exception {
        Path room = Files.createDirectories(dir.resolve(HOSTILE));
        Path video = TestMedia.flv(room, "v.flv", 2);
        Path ass = room.resolve(HOSTILE + ".ass");
        Files.writeString(ass, bigComment(), StandardCharsets.UTF_8);

        Path plain = room.resolve("plain.mp4");
        Path burnt = room.resolve("burnt.mp4");
        TranscodeSettings crf = settings(TranscodeMode.CRF);
        FfmpegProcess.forTranscode(crf, video, plain, null, 0, ProgressListener.NONE).start().await();
        FfmpegProcess.forTranscode(crf, video, burnt, ass, 0, ProgressListener.NONE).start().await();

        assertThat(new MediaProbe("ffprobe").probe(burnt).videoCodec()).contains("h264");
        assertThat(frame(burnt)).as("the comment is in the picture").isNotEqualTo(frame(plain));
    }

    @Test
    void burningInIsRefusedWithoutAReEncode() {
        assertThatThrownBy(() -> TranscodeCommand.build(settings(TranscodeMode.COPY), Path.of("a.flv"),
                Path.of("a.mp4"), Path.of("a.ass"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COPY");
    }

    /** One white comment across the middle of a 320×240 picture for the first two seconds. */
    private static String bigComment() {
        return "\uFEFF[Script Info]\nScriptType: v4.00+\nPlayResX: 320\nPlayResY: 240\n\n[V4+ Styles]\n"
                + "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
                + "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
                + "Alignment, MarginL, MarginR, MarginV, Encoding\n"
                + "Style: Danmaku,WenQuanYi Micro Hei,60,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,"
                + "0,0,1,2,0,5,0,0,0,1\n\n[Events]\n"
                + "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
                + "Dialogue: 0,0:00:00.00,0:00:02.00,Danmaku,,0,0,0,,弹幕弹幕\n";
    }

    /** A digest of the decoded picture at 0.5 s. */
    private static String frame(Path video) throws IOException, InterruptedException {
        Process ffmpeg = new ProcessBuilder(List.of("ffmpeg", "-v", "error", "-ss", "0.5", "-i", video.toString(),
                "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-")).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] raw;
        try (InputStream out = ffmpeg.getInputStream()) {
            raw = out.readAllBytes();
        }
        assertThat(ffmpeg.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(raw).hasSize(320 * 240);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TranscodeSettings settings(TranscodeMode mode) {
        return new TranscodeSettings(mode, VideoEncoder.X264, 23, 27, 6000, 12000, "ultrafast", "ffmpeg", "ffprobe", 0,
                Duration.ofMinutes(5));
    }
}
