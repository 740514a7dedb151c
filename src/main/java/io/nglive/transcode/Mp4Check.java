package io.nglive.transcode;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tells whether an MP4 that ffmpeg wrote is whole, from its structure alone and without starting a process: ffmpeg
 * exits 0 when a full disk kept it from writing the end of the file, and such a file plays nowhere. The top-level
 * boxes must fill the file exactly, {@code ftyp} first, with an {@code mdat} and a {@code moov}; the {@code moov}
 * must hold an {@code mvhd} with a duration and at least one {@code trak}.
 *
 * <p>A box is a 32-bit size (header included) and a 4-character type; size 1 means a 64-bit size follows the type,
 * size 0 that the box runs to the end of the file. ffmpeg writes {@code mdat} with size 0 and fills the size in with
 * the trailer, so a file whose trailer was never written has an {@code mdat} to the end and no {@code moov}.
 */
final class Mp4Check {

    private static final String PREFIX = "ffmpeg finished but its output ";

    private Mp4Check() {
    }

    private record Box(String type, long offset, long size, int headerSize) {

        long contentStart() {
            return offset + headerSize;
        }

        long end() {
            return offset + size;
        }
    }

    /** @throws TranscodeFailed naming what is missing or where the file stops being an MP4 */
    static void verify(Path mp4) throws TranscodeFailed {
        try (FileChannel file = FileChannel.open(mp4, StandardOpenOption.READ)) {
            long length = file.size();
            if (length == 0) {
                throw new TranscodeFailed(PREFIX + "is empty");
            }
            List<Box> boxes = boxes(file, 0, length, "the file has " + length);
            if (!boxes.get(0).type().equals("ftyp")) {
                throw new TranscodeFailed(PREFIX + "does not start with an 'ftyp' box but with '" + boxes.get(0).type() + "'");
            }
            Box moov = find(boxes, "moov").orElseThrow(() -> new TranscodeFailed(PREFIX
                    + "has no 'moov' box (the index, which ffmpeg writes last)"));
            find(boxes, "mdat").orElseThrow(() -> new TranscodeFailed(PREFIX + "has no 'mdat' box (the media data)"));
            List<Box> inMoov = boxes(file, moov.contentStart(), moov.end(), "its 'moov' ends at " + moov.end());
            Box mvhd = find(inMoov, "mvhd").orElseThrow(() -> new TranscodeFailed(PREFIX + "has no 'mvhd' in its 'moov'"));
            if (duration(file, mvhd) <= 0) {
                throw new TranscodeFailed(PREFIX + "has no duration (its 'mvhd' says 0)");
            }
            find(inMoov, "trak").orElseThrow(() -> new TranscodeFailed(PREFIX + "has no 'trak' (no stream) in its 'moov'"));
        } catch (IOException e) {
            throw new TranscodeFailed(PREFIX + "cannot be read: " + e.getMessage(), e);
        }
    }

    /** The boxes from {@code start} to {@code end}, which they must fill exactly; {@code limit} says what ends there. */
    private static List<Box> boxes(FileChannel file, long start, long end, String limit) throws IOException, TranscodeFailed {
        List<Box> boxes = new ArrayList<>();
        ByteBuffer header = ByteBuffer.allocate(16);
        for (long offset = start; offset < end; ) {
            if (end - offset < 8) {
                throw new TranscodeFailed(PREFIX + "is truncated: " + (end - offset) + " bytes at offset " + offset
                        + " are too few for a box, " + limit);
            }
            read(file, header.clear().limit((int) Math.min(16, end - offset)), offset);
            String type = new String(header.array(), 4, 4, StandardCharsets.ISO_8859_1);
            long size = Integer.toUnsignedLong(header.getInt(0));
            int headerSize = 8;
            if (size == 1) {
                if (header.limit() < 16) {
                    throw new TranscodeFailed(PREFIX + "is truncated: box '" + shown(type) + "' at offset " + offset
                            + " has no room for its 64-bit size, " + limit);
                }
                size = header.getLong(8);
                headerSize = 16;
            } else if (size == 0) {
                size = end - offset;
            }
            if (size < headerSize) {
                throw new TranscodeFailed(PREFIX + "is damaged: box '" + shown(type) + "' at offset " + offset
                        + " claims " + size + " bytes, less than its own header");
            }
            if (size > end - offset) {
                throw new TranscodeFailed(PREFIX + "is truncated: box '" + shown(type) + "' at offset " + offset
                        + " claims " + size + " bytes, " + limit);
            }
            boxes.add(new Box(type, offset, size, headerSize));
            offset += size;
        }
        return boxes;
    }

    /** The movie's duration in its own time scale: after version and flags, creation and modification times. */
    private static long duration(FileChannel file, Box mvhd) throws IOException, TranscodeFailed {
        ByteBuffer content = ByteBuffer.allocate(32);
        long available = mvhd.end() - mvhd.contentStart();
        read(file, content.limit((int) Math.min(32, available)), mvhd.contentStart());
        int version = available > 0 ? content.get(0) : -1;
        int needed = version == 1 ? 32 : 20;
        if ((version != 0 && version != 1) || available < needed) {
            throw new TranscodeFailed(PREFIX + "is damaged: its 'mvhd' (version " + version + ") has " + available
                    + " bytes");
        }
        return version == 1 ? content.getLong(24) : Integer.toUnsignedLong(content.getInt(16));
    }

    private static Optional<Box> find(List<Box> boxes, String type) {
        return boxes.stream().filter(b -> b.type().equals(type)).findFirst();
    }

    private static void read(FileChannel file, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (file.read(into, position + into.position()) < 0) {
                throw new EOFException("the file ended at " + (position + into.position()) + " while it was read");
            }
        }
    }

    /** A type as text when it is one, otherwise its bytes (appended garbage has no name). */
    private static String shown(String type) {
        if (type.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == 0xa9)) {
            return type;
        }
        StringBuilder hex = new StringBuilder("0x");
        type.chars().forEach(c -> hex.append(String.format("%02x", c)));
        return hex.toString();
    }
}
