package io.nglive.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.nglive.pipeline.ProgressListener;
import io.nglive.testing.TestMedia;
import io.nglive.testing.TestMedia.Mp4Box;
import io.nglive.testing.Tmpfs;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check of ffmpeg's MP4 output, on real remuxes of a real FLV and on copies of them cut short or spoilt the way a
 * full disk or a broken write would.
 */
@Timeout(60)
class Mp4CheckTest {

    @TempDir
    static Path media;
    private static Path recording;
    /** What nglive's own command writes ({@code +faststart}): ftyp, moov, free, mdat. */
    private static Path faststart;
    /** ffmpeg's layout without {@code +faststart}, the index last: ftyp, free, mdat, moov. */
    private static Path indexLast;

    @TempDir
    Path dir;

    @BeforeAll
    static void mp4s() throws Exception {
        recording = TestMedia.flv(media, "recording.flv", 3);
        faststart = media.resolve("faststart.mp4");
        FfmpegProcess.forTranscode(settings(TranscodeMode.COPY), recording, faststart, 0, ProgressListener.NONE)
                .start().await();
        indexLast = media.resolve("index-last.mp4");
        new FfmpegProcess(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "warning",
                "-progress", "pipe:1", "-nostats", "-i", recording.toString(), "-c", "copy", "-f", "mp4",
                indexLast.toString()), 3, ProgressListener.NONE, Duration.ofMinutes(1)).start().await();
        assertThat(TestMedia.mp4TopLevelBoxes(faststart)).containsExactly("ftyp", "moov", "free", "mdat");
        assertThat(TestMedia.mp4TopLevelBoxes(indexLast)).containsExactly("ftyp", "free", "mdat", "moov");
    }

    @Test
    void wholeMp4sFromFfmpegPass() {
        assertThatCode(() -> Mp4Check.verify(faststart)).doesNotThrowAnyException();
        assertThatCode(() -> Mp4Check.verify(indexLast)).doesNotThrowAnyException();
    }

    @Test
    void aFileCutInsideMdatOrMoovFailsNamingTheBoxAndWhereTheFileStops() throws Exception {
        for (Path whole : List.of(faststart, indexLast)) {
            for (Mp4Box box : List.of(box(whole, "mdat"), box(whole, "moov"))) {
                for (long cut : List.of(box.offset() + 9, box.offset() + box.size() / 2, box.offset() + box.size() - 1)) {
                    assertFails(cutAt(whole, cut))
                            .hasMessage("ffmpeg finished but its output is truncated: box '%s' at offset %d claims %d "
                                    + "bytes, the file has %d", box.type(), box.offset(), box.size(), cut);
                }
            }
        }
    }

    @Test
    void aFileCutBeforeMoovHasNoIndex() throws Exception {
        for (Path whole : List.of(faststart, indexLast)) {
            assertFails(cutAt(whole, box(whole, "moov").offset()))
                    .hasMessage("ffmpeg finished but its output has no 'moov' box (the index, which ffmpeg writes last)");
        }
    }

    @Test
    void aFileCutInsideABoxHeaderFails() throws Exception {
        long cut = box(faststart, "moov").offset() + 4;
        assertFails(cutAt(faststart, cut))
                .hasMessage("ffmpeg finished but its output is truncated: 4 bytes at offset %d are too few for a box, "
                        + "the file has %d", cut - 4, cut);
    }

    /** What ffmpeg leaves when the trailer is never written: mdat's size still 0 (to the end), and no moov. */
    @Test
    void aFileWhoseTrailerWasNeverWrittenHasNoIndex() throws Exception {
        Path unfinished = cutAt(indexLast, box(indexLast, "moov").offset());
        overwrite(unfinished, box(indexLast, "mdat").offset(), new byte[4]);
        assertFails(unfinished)
                .hasMessage("ffmpeg finished but its output has no 'moov' box (the index, which ffmpeg writes last)");
    }

    /**
     * Not a copy cut short: what ffmpeg itself leaves when the disk fills up in the media data, and just before the
     * end (ffmpeg 5.1 exits 0 in both cases, saying only "Error writing trailer").
     */
    @Test
    void whatFfmpegLeavesOnAFullDiskFails() throws Exception {
        Path full = Files.createDirectories(dir.resolve("full"));
        long whole = Files.size(faststart);
        for (long bytes : List.of(whole / 2, (whole - 1) / 4096 * 4096)) {
            Tmpfs.mount(full, String.valueOf(bytes));
            try {
                Path part = full.resolve("out.mp4.part");
                Throwable ffmpeg = catchThrowable(() -> FfmpegProcess.forTranscode(settings(TranscodeMode.COPY),
                        recording, part, 0, ProgressListener.NONE).start().await());
                assertThat(ffmpeg).as("%d bytes free", bytes).isInstanceOf(OutOfSpace.class);
                assertThat(part).isNotEmptyFile();
                assertFails(part).hasMessageStartingWith("ffmpeg finished but its output ");
            } finally {
                Tmpfs.unmount(full);
            }
        }
    }

    @Test
    void garbageAfterTheLastBoxFails() throws Exception {
        long length = Files.size(faststart);
        byte[] garbage = new byte[100];
        new Random(23058).nextBytes(garbage);
        assertFails(appended(faststart, garbage)).hasMessageStartingWith("ffmpeg finished but its output is ")
                .hasMessageContaining("at offset " + length + " claims");
        assertFails(appended(faststart, "end".getBytes(StandardCharsets.US_ASCII)))
                .hasMessage("ffmpeg finished but its output is truncated: 3 bytes at offset %d are too few for a box, "
                        + "the file has %d", length, length + 3);
    }

    @Test
    void anEmptyFileFails() throws Exception {
        assertFails(Files.createFile(dir.resolve("empty.mp4"))).hasMessage("ffmpeg finished but its output is empty");
    }

    @Test
    void aFileThatDoesNotStartWithFtypFails() throws Exception {
        Path renamed = copy(faststart);
        overwrite(renamed, 4, "skip".getBytes(StandardCharsets.US_ASCII));
        assertFails(renamed).hasMessage("ffmpeg finished but its output does not start with an 'ftyp' box but with 'skip'");
    }

    @Test
    void aFileWithoutMediaDataFails() throws Exception {
        Path renamed = copy(faststart);
        overwrite(renamed, box(faststart, "mdat").offset() + 4, "free".getBytes(StandardCharsets.US_ASCII));
        assertFails(renamed).hasMessage("ffmpeg finished but its output has no 'mdat' box (the media data)");
    }

    @Test
    void anIndexWithoutDurationOrTracksFails() throws Exception {
        Mp4Box moov = box(faststart, "moov");
        byte[] index = Arrays.copyOfRange(Files.readAllBytes(faststart), (int) moov.offset(), (int) (moov.offset() + moov.size()));
        int mvhd = indexOf(index, "mvhd") - 4;
        assertThat(mvhd).as("mvhd is moov's first child").isEqualTo(8);

        Path noDuration = copy(faststart);
        int version = index[mvhd + 8];
        overwrite(noDuration, moov.offset() + mvhd + 8 + (version == 1 ? 24 : 16), new byte[version == 1 ? 8 : 4]);
        assertFails(noDuration).hasMessage("ffmpeg finished but its output has no duration (its 'mvhd' says 0)");

        Path noTrack = copy(faststart);
        int tracks = 0;
        for (int at = indexOf(index, "trak"); at >= 0; at = indexOf(index, "trak", at + 4)) {
            overwrite(noTrack, moov.offset() + at, "free".getBytes(StandardCharsets.US_ASCII));
            tracks++;
        }
        assertThat(tracks).as("video and audio").isEqualTo(2);
        assertFails(noTrack).hasMessage("ffmpeg finished but its output has no 'trak' (no stream) in its 'moov'");
    }

    private static TranscodeSettings settings(TranscodeMode mode) {
        return new TranscodeSettings(mode, VideoEncoder.X264, 28, 30, 400, 800, "ultrafast", "ffmpeg", "ffprobe", 0,
                Duration.ofMinutes(1));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(Path mp4) {
        return assertThatThrownBy(() -> Mp4Check.verify(mp4)).isInstanceOf(TranscodeFailed.class);
    }

    private static Mp4Box box(Path mp4, String type) {
        return TestMedia.mp4Boxes(mp4).stream().filter(b -> b.type().equals(type)).findFirst().orElseThrow();
    }

    private Path cutAt(Path whole, long length) throws Exception {
        Path cut = dir.resolve(whole.getFileName() + "-cut-at-" + length);
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(whole), (int) length));
        return cut;
    }

    private Path appended(Path whole, byte[] tail) throws Exception {
        Path spoilt = copy(whole);
        Files.write(spoilt, tail, StandardOpenOption.APPEND);
        return spoilt;
    }

    private Path copy(Path whole) throws Exception {
        Path copy = dir.resolve("copy-" + System.nanoTime() + ".mp4");
        Files.copy(whole, copy);
        return copy;
    }

    private static void overwrite(Path file, long offset, byte[] bytes) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    private static int indexOf(byte[] data, String type) {
        return indexOf(data, type, 0);
    }

    private static int indexOf(byte[] data, String type, int from) {
        byte[] needle = type.getBytes(StandardCharsets.US_ASCII);
        for (int i = from; i + needle.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
