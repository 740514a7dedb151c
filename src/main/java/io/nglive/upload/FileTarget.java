package io.nglive.upload;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import io.nglive.pipeline.ProgressListener;
import io.nglive.pipeline.StageInterrupted;

/**
 * The {@code file} target: copies into a directory, typically a mounted NAS share or a synced folder.
 * The copy is written under a hidden temporary name next to its destination and renamed when complete,
 * so whatever watches that directory never sees a half-copied file under the final name.
 */
public final class FileTarget implements UploadTarget {

    /** Large enough for the kernel to copy efficiently, small enough for progress to move on big recordings. */
    private static final long CHUNK = 16L * 1024 * 1024;

    private final Path dir;

    public FileTarget(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public String upload(Path file, String relativePath, ProgressListener progress) throws UploadFailed {
        Path target = dir;
        for (String segment : RelativePath.segments(relativePath)) {
            target = target.resolve(segment);
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".part");
        try {
            long size = Files.size(file);
            ProgressMeter meter = new ProgressMeter(size, progress);
            Files.createDirectories(target.getParent());
            copy(file, temp, meter);
            checkSize(temp, size);
            move(temp, target);
            checkSize(target, size);
            meter.finish();
            return target.toString();
        } catch (ClosedByInterruptException e) {
            deleteQuietly(temp);
            throw new StageInterrupted("copy of " + file.getFileName() + " to " + target + " was interrupted");
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UploadFailed("cannot copy " + file + " to " + target + ": " + describe(e), e);
        } catch (UploadFailed e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    private static void copy(Path file, Path temp, ProgressMeter meter) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            meter.start();
            long size = in.size();
            long done = 0;
            while (done < size) {
                long copied = in.transferTo(done, Math.min(CHUNK, size - done), out);
                if (copied <= 0) {
                    throw new IOException("the file got shorter while being copied (" + done + " of " + size
                            + " bytes)");
                }
                done += copied;
                meter.transferred(done);
            }
            // On disk before the rename: after a crash the final name never points at missing data.
            out.force(true);
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void checkSize(Path path, long expected) throws IOException, UploadFailed {
        long actual = Files.size(path);
        if (actual != expected) {
            throw new UploadFailed("copy of " + path.getFileName() + " is incomplete: size mismatch: sent "
                    + expected + " bytes, target has " + actual);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory: " + e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + ": " + fs.getFile();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // The leftover is hidden and overwritten by the next attempt; the original failure matters more.
        }
    }
}
