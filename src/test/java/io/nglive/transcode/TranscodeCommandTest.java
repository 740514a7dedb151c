package io.nglive.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The exact ffmpeg arguments of every mode: the README's table is printed from the same code, so it cannot drift. */
class TranscodeCommandTest {

    private static final Path INPUT = Path.of("/rec/录制 \"测试\" & $(touch pwned).flv");
    private static final Path OUTPUT = Path.of("/rec/录制 \"测试\" & $(touch pwned).mp4.part");
    private static final List<String> HEAD = List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "warning",
            "-progress", "pipe:1", "-nostats", "-i", INPUT.toString(), "-map", "0:v:0?", "-map", "0:a?");
    private static final List<String> TAIL = List.of("-f", "mp4", OUTPUT.toString());

    private static TranscodeSettings settings(TranscodeMode mode, VideoEncoder encoder) {
        return new TranscodeSettings(mode, encoder, 23, 27, 6000, 12000, "veryfast", "ffmpeg", "ffprobe", 0,
                Duration.ofHours(6));
    }

    private static List<String> command(TranscodeMode mode, VideoEncoder encoder) {
        return TranscodeCommand.build(settings(mode, encoder), INPUT, OUTPUT);
    }

    private static List<String> expected(String... modeArguments) {
        List<String> all = new ArrayList<>(HEAD);
        all.addAll(List.of(modeArguments));
        all.addAll(TAIL);
        return all;
    }

    @Test
    void copyRemuxesWithoutEncoderOptions() {
        assertThat(command(TranscodeMode.COPY, VideoEncoder.X264))
                .containsExactlyElementsOf(expected("-c", "copy", "-movflags", "+faststart"))
                .isEqualTo(command(TranscodeMode.COPY, VideoEncoder.X265));
    }

    @Test
    void crf() {
        assertThat(command(TranscodeMode.CRF, VideoEncoder.X264)).containsExactlyElementsOf(expected(
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "copy", "-movflags", "+faststart"));
        assertThat(command(TranscodeMode.CRF, VideoEncoder.X265)).containsExactlyElementsOf(expected(
                "-c:v", "libx265", "-preset", "veryfast", "-crf", "23",
                "-x265-params", "log-level=error", "-tag:v", "hvc1", "-c:a", "copy", "-movflags", "+faststart"));
    }

    @Test
    void cqIsConstantQuantiserInEachEncodersOwnTerms() {
        assertThat(command(TranscodeMode.CQ, VideoEncoder.X264)).containsExactlyElementsOf(expected(
                "-c:v", "libx264", "-preset", "veryfast", "-qp", "27", "-c:a", "copy", "-movflags", "+faststart"));
        assertThat(command(TranscodeMode.CQ, VideoEncoder.X265)).containsExactlyElementsOf(expected(
                "-c:v", "libx265", "-preset", "veryfast",
                "-x265-params", "log-level=error:qp=27", "-tag:v", "hvc1", "-c:a", "copy", "-movflags", "+faststart"));
    }

    @Test
    void bHoldsTheVideoBitrateAndCopiesAudio() {
        assertThat(command(TranscodeMode.B, VideoEncoder.X264)).containsExactlyElementsOf(expected(
                "-c:v", "libx264", "-preset", "veryfast",
                "-b:v", "6000k", "-minrate", "6000k", "-maxrate", "6000k", "-bufsize", "12000k",
                "-c:a", "copy", "-movflags", "+faststart"));
        assertThat(command(TranscodeMode.B, VideoEncoder.X265)).containsExactlyElementsOf(expected(
                "-c:v", "libx265", "-preset", "veryfast",
                "-b:v", "6000k", "-minrate", "6000k", "-maxrate", "6000k", "-bufsize", "12000k",
                "-x265-params", "log-level=error:strict-cbr=1", "-tag:v", "hvc1",
                "-c:a", "copy", "-movflags", "+faststart"));
        assertThat(command(TranscodeMode.B, VideoEncoder.X264)).doesNotContain("-b", "-b:a");
    }

    @Test
    void abrCapsAtTheTargetWithABuffer() {
        assertThat(command(TranscodeMode.ABR, VideoEncoder.X264)).containsExactlyElementsOf(expected(
                "-c:v", "libx264", "-preset", "veryfast", "-b:v", "6000k", "-maxrate", "6000k", "-bufsize", "12000k",
                "-c:a", "copy", "-movflags", "+faststart"));
        assertThat(command(TranscodeMode.ABR, VideoEncoder.X265)).containsExactlyElementsOf(expected(
                "-c:v", "libx265", "-preset", "veryfast", "-b:v", "6000k", "-maxrate", "6000k", "-bufsize", "12000k",
                "-x265-params", "log-level=error", "-tag:v", "hvc1", "-c:a", "copy", "-movflags", "+faststart"));
    }

    @Test
    void vbrIsCappedCrf() {
        assertThat(command(TranscodeMode.VBR, VideoEncoder.X264)).containsExactlyElementsOf(expected(
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-maxrate", "6000k", "-bufsize", "12000k",
                "-c:a", "copy", "-movflags", "+faststart"));
        assertThat(command(TranscodeMode.VBR, VideoEncoder.X265)).containsExactlyElementsOf(expected(
                "-c:v", "libx265", "-preset", "veryfast", "-crf", "23", "-maxrate", "6000k", "-bufsize", "12000k",
                "-x265-params", "log-level=error", "-tag:v", "hvc1", "-c:a", "copy", "-movflags", "+faststart"));
    }

    @Test
    void noneRunsNoFfmpeg() {
        assertThatThrownBy(() -> command(TranscodeMode.NONE, VideoEncoder.X264))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TranscodeCommand.template(TranscodeMode.NONE, VideoEncoder.X264))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void templatesAreTheReadmeTable() {
        assertThat(TranscodeCommand.describe(TranscodeCommand.template(TranscodeMode.COPY, VideoEncoder.X264)))
                .isEqualTo("-c copy -movflags +faststart");
        assertThat(TranscodeCommand.describe(TranscodeCommand.template(TranscodeMode.CRF, VideoEncoder.X264)))
                .isEqualTo("-c:v libx264 -preset <preset> -crf <crf> -c:a copy -movflags +faststart");
        assertThat(TranscodeCommand.describe(TranscodeCommand.template(TranscodeMode.CRF, VideoEncoder.X265)))
                .isEqualTo("-c:v libx265 -preset <preset> -crf <crf> -x265-params log-level=error -tag:v hvc1"
                        + " -c:a copy -movflags +faststart");
        assertThat(TranscodeCommand.describe(TranscodeCommand.template(TranscodeMode.CQ, VideoEncoder.X264)))
                .isEqualTo("-c:v libx264 -preset <preset> -qp <cq> -c:a copy -movflags +faststart");
        assertThat(TranscodeCommand.describe(TranscodeCommand.template(TranscodeMode.CQ, VideoEncoder.X265)))
                .isEqualTo("-c:v libx265 -preset <preset> -x265-params log-level=error:qp=<cq> -tag:v hvc1"
                        + " -c:a copy -movflags +faststart");
        assertThat(TranscodeCommand.describe(TranscodeCommand.template(TranscodeMode.B, VideoEncoder.X264)))
                .isEqualTo("-c:v libx264 -preset <preset> -b:v <bitrate>k -minrate <bitrate>k -maxrate <bitrate>k"
                        + " -bufsize <bufsize>k -c:a copy -movflags +faststart");
        assertThat(TranscodeCommand.describe(TranscodeCommand.template(TranscodeMode.B, VideoEncoder.X265)))
                .isEqualTo("-c:v libx265 -preset <preset> -b:v <bitrate>k -minrate <bitrate>k -maxrate <bitrate>k"
                        + " -bufsize <bufsize>k -x265-params log-level=error:strict-cbr=1 -tag:v hvc1"
                        + " -c:a copy -movflags +faststart");
        assertThat(TranscodeCommand.describe(TranscodeCommand.template(TranscodeMode.ABR, VideoEncoder.X264)))
                .isEqualTo("-c:v libx264 -preset <preset> -b:v <bitrate>k -maxrate <bitrate>k -bufsize <bufsize>k"
                        + " -c:a copy -movflags +faststart");
        assertThat(TranscodeCommand.describe(TranscodeCommand.template(TranscodeMode.VBR, VideoEncoder.X264)))
                .isEqualTo("-c:v libx264 -preset <preset> -crf <crf> -maxrate <bitrate>k -bufsize <bufsize>k"
                        + " -c:a copy -movflags +faststart");
    }

    @Test
    void describeQuotesWhatAShellWouldSplitOrExpand() {
        assertThat(TranscodeCommand.describe(List.of("-i", "a b.flv", "it's", "$(x)", "0:a?")))
                .isEqualTo("-i 'a b.flv' 'it'\\''s' '$(x)' 0:a?");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void priorityPrefixesNiceOnlyWhenAsked() {
        List<String> command = command(TranscodeMode.CRF, VideoEncoder.X264);
        assertThat(TranscodeCommand.withPriority(command, 0)).isEqualTo(command);
        List<String> niced = TranscodeCommand.withPriority(command, 10);
        assertThat(niced.subList(0, 3)).containsExactly("nice", "-n", "10");
        assertThat(niced.subList(3, niced.size())).isEqualTo(command);
    }
}
