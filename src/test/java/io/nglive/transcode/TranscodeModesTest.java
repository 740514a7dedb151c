package io.nglive.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nglive.pipeline.ProgressListener;
import io.nglive.testing.TestMedia;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every mode run for real on a 6-second 320x240 FLV with a hostile name, and the output read back with ffprobe.
 * 400 kbps is a target the test pattern can reach at that size, and 6 s are enough for the rate control to settle.
 */
@Timeout(120)
class TranscodeModesTest {

    private static final int TARGET_KBPS = 400;
    private static final MediaProbe PROBE = new MediaProbe("ffprobe");

    @TempDir
    static Path dir;
    private static Path input;
    private static MediaProbe.Info inputInfo;

    @BeforeAll
    static void recording() throws IOException {
        input = TestMedia.flv(dir, TestMedia.hostileName(".flv"), 6);
        inputInfo = PROBE.probe(input);
        assertThat(inputInfo.videoCodec()).contains("h264");
    }

    private static Path transcode(TranscodeMode mode, VideoEncoder encoder) throws Exception {
        Path outDir = Files.createDirectories(dir.resolve(mode + "-" + encoder));
        Path output = outDir.resolve(TestMedia.hostileName(".mp4.part"));
        TranscodeSettings settings = new TranscodeSettings(mode, encoder, 28, 30, TARGET_KBPS, 2 * TARGET_KBPS,
                "veryfast", "ffmpeg", "ffprobe", 5, Duration.ofMinutes(1));
        FfmpegProcess.forTranscode(settings, input, output, 0, ProgressListener.NONE).start().await();
        assertThat(output).isNotEmptyFile();
        Mp4Check.verify(output);
        return output;
    }

    /** Same length as the recording, audio untouched (copied, so still AAC), video in the expected codec. */
    private static MediaProbe.Info assertTranscoded(Path output, String videoCodec) throws IOException {
        MediaProbe.Info info = PROBE.probe(output);
        assertThat(info.videoCodec()).contains(videoCodec);
        assertThat(info.audioCodec()).contains("aac");
        assertThat(info.durationSeconds()).isCloseTo(inputInfo.durationSeconds(), within(0.1));
        assertThat(TestMedia.mp4TopLevelBoxes(output)).as("+faststart puts moov before mdat")
                .containsSubsequence("moov", "mdat");
        return info;
    }

    @Test
    void copyRemuxesWithoutTouchingTheCodecs() throws Exception {
        Path output = transcode(TranscodeMode.COPY, VideoEncoder.X264);
        assertTranscoded(output, "h264");
        assertThat(TestMedia.mp4TopLevelBoxes(output)).startsWith("ftyp", "moov");
    }

    @ParameterizedTest
    @EnumSource(value = TranscodeMode.class, names = {"CRF", "CQ", "VBR"})
    void qualityModesEncodeH264(TranscodeMode mode) throws Exception {
        assertTranscoded(transcode(mode, VideoEncoder.X264), "h264");
    }

    @ParameterizedTest
    @EnumSource(value = TranscodeMode.class, names = {"B", "ABR"})
    void bitrateModesLandNearTheTarget(TranscodeMode mode) throws Exception {
        Path output = transcode(mode, VideoEncoder.X264);
        assertTranscoded(output, "h264");
        assertThat(PROBE.videoBitrate(output) / 1000.0).isCloseTo(TARGET_KBPS, within(TARGET_KBPS * 0.25));
    }

    @ParameterizedTest
    @EnumSource(value = TranscodeMode.class, names = {"CRF", "CQ"})
    void x265EncodesHevc(TranscodeMode mode) throws Exception {
        assertTranscoded(transcode(mode, VideoEncoder.X265), "hevc");
    }

    @Test
    void x265BHoldsTheBitrateToo() throws Exception {
        Path output = transcode(TranscodeMode.B, VideoEncoder.X265);
        assertTranscoded(output, "hevc");
        assertThat(PROBE.videoBitrate(output) / 1000.0).isCloseTo(TARGET_KBPS, within(TARGET_KBPS * 0.25));
    }

    @Test
    void theFlvBitrateIsMeasuredFromItsPackets() throws IOException {
        // FLV reports no per-stream bitrate: this exercises the packet-size fallback against the container's total.
        assertThat(inputInfo.first("video").orElseThrow().bitRate()).isZero();
        long total = Files.size(input) * 8 / Math.round(inputInfo.durationSeconds());
        assertThat(PROBE.videoBitrate(input)).isPositive().isLessThan(total);
    }

    /** Every test above ran ffmpeg on a name full of shell syntax; had any shell seen it, {@code pwned} would exist. */
    @AfterAll
    static void noShellEverSawTheName() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("pwned");
        }
        assertThat(Path.of("pwned")).doesNotExist();
        assertThat(dir.resolve("pwned")).doesNotExist();
    }
}
