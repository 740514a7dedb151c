package io.nglive.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Real media files for tests, made with the ffmpeg on PATH: small (320x240, a few seconds) so that whole test
 * classes stay fast on a two-core machine.
 *
 * <p>Stock ffmpeg cannot write HEVC into FLV ("Video codec hevc not compatible with flv"), so there is no real
 * HEVC-in-FLV helper; {@link #hevcTaggedFlv} reproduces what ffmpeg sees in such a recording instead.
 */
public final class TestMedia {

    /**
     * A recording name a shell would mangle or execute: Chinese, spaces, quotes, {@code &}, {@code $()} and
     * {@code ;}. Tests give files this name and check that no file called {@code pwned} appears.
     */
    public static final String HOSTILE_NAME = "录制-23058 \"测试\" & $(touch pwned); rm -rf x";

    private TestMedia() {
    }

    /** {@link #HOSTILE_NAME} with an extension, e.g. {@code hostileName(".flv")}. */
    public static String hostileName(String extension) {
        return HOSTILE_NAME + extension;
    }

    /** {@code size} random bytes (the same for the same size) in {@code file}, written a block at a time. */
    public static Path randomFile(Path file, long size) {
        Random random = new Random(size);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** An FLV like BililiveRecorder writes: H.264 test pattern (keyframe every 2 s) and AAC sine tone. */
    public static Path flv(Path dir, String fileName, int seconds) {
        Path file = dir.resolve(fileName);
        ffmpeg(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-c:a", "aac",
                "-t", String.valueOf(seconds), "-f", "flv", file.toString()));
        return file;
    }

    /** An FLV with video only, as when a stream's audio is missing: transcoding must not require audio. */
    public static Path silentFlv(Path dir, String fileName, int seconds) {
        Path file = dir.resolve(fileName);
        ffmpeg(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "50",
                "-t", String.valueOf(seconds), "-f", "flv", file.toString()));
        return file;
    }

    /**
     * A file ffmpeg refuses: a valid FLV header (audio and video announced) followed by garbage. The garbage is
     * seeded, so ffmpeg's complaint is the same on every run.
     */
    public static Path corruptFlv(Path dir, String name) {
        byte[] header = {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0};
        byte[] garbage = new byte[64 * 1024];
        new Random(23058).nextBytes(garbage);
        Path file = dir.resolve(name);
        try {
            Files.write(file, header);
            Files.write(file, garbage, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * An FLV whose video tags say codec id 12, the id Bilibili's HEVC streams (and so BililiveRecorder's HEVC
     * recordings) use. The payload stays H.264 because stock ffmpeg cannot write HEVC into FLV, but it does not
     * matter: ffmpeg rejects the stream on the codec id alone, exactly as with a real HEVC recording.
     */
    public static Path hevcTaggedFlv(Path dir, String fileName, int seconds) {
        Path file = flv(dir, fileName, seconds);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer flv = ByteBuffer.allocate((int) channel.size());
            channel.read(flv, 0);
            int tag = 13; // 9-byte header + 4-byte PreviousTagSize0
            while (tag + 12 <= flv.limit()) {
                int type = flv.get(tag) & 0x1f;
                int dataSize = (flv.get(tag + 1) & 0xff) << 16 | (flv.get(tag + 2) & 0xff) << 8 | flv.get(tag + 3) & 0xff;
                if (type == 9) {
                    int flags = tag + 11; // frame type (high nibble) and codec id (low nibble)
                    channel.write(ByteBuffer.wrap(new byte[] {(byte) (flv.get(flags) & 0xf0 | 12)}), flags);
                }
                tag += 11 + dataSize + 4;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** One top-level box of an MP4: its type, where it starts and how many bytes it takes, header included. */
    public record Mp4Box(String type, long offset, long size) {
    }

    /** The types of an MP4's top-level boxes in file order, e.g. {@code [ftyp, moov, free, mdat]}. */
    public static List<String> mp4TopLevelBoxes(Path mp4) {
        return mp4Boxes(mp4).stream().map(Mp4Box::type).toList();
    }

    /** An MP4's top-level boxes in file order. */
    public static List<Mp4Box> mp4Boxes(Path mp4) {
        List<Mp4Box> boxes = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(mp4, StandardOpenOption.READ)) {
            long position = 0;
            ByteBuffer header = ByteBuffer.allocate(16);
            while (position + 8 <= channel.size()) {
                header.clear();
                channel.read(header, position);
                long size = Integer.toUnsignedLong(header.getInt(0));
                String type = new String(header.array(), 4, 4, StandardCharsets.ISO_8859_1);
                if (size == 1) {
                    size = header.getLong(8); // 64-bit "largesize"
                } else if (size == 0) {
                    size = channel.size() - position; // the box runs to the end of the file
                }
                if (size < 8) {
                    throw new IOException("broken MP4 box at " + position + " in " + mp4);
                }
                boxes.add(new Mp4Box(type, position, size));
                position += size;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return boxes;
    }

    private static void ffmpeg(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("test media: " + String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making test media", e);
        }
    }
}
