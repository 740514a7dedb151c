package io.nglive.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import io.nglive.InvalidSetting;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data path belongs to one nglive at a time. HSQLDB's own lock only says so after half a minute, in its words;
 * this lock, held by the operating system until the process ends (even by SIGKILL), says it at once and names the
 * other process.
 */
public final class DataLock extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(DataLock.class);
    static final String FILE = "pid";

    private final FileChannel channel;
    private final FileLock lock;

    private DataLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock and writes this process's pid into it; empty when the file system cannot lock.
     *
     * @throws InvalidSetting when another process holds it
     */
    public static Optional<DataLock> take(Path dataPath) {
        Path file = dataPath.resolve(FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String pid = holder(channel);
                channel.close();
                throw new InvalidSetting("nglive.data-path", dataPath.toString(), "is in use by another nglive"
                        + (pid == null ? "" : " (pid " + pid + ")")
                        + ": stop it first, or give this one a data path of its own");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(false);
            return Optional.of(new DataLock(channel, lock));
        } catch (IOException e) {
            // some network file systems lock nothing: HSQLDB's lock file still keeps a second process out, only slower
            LOG.warn("cannot lock {} ({}); a second nglive on this data path is found later, by the database", file,
                    e.toString());
            closeQuietly(channel);
            return Optional.empty();
        }
    }

    /** Null when another process holds it, or this one already does (as a second nglive in one JVM would). */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldByThisProcess) {
            return null;
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(32);
        channel.read(content, 0);
        String pid = new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII).trim();
        return pid.matches("\\d+") ? pid : null;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was locked through it
            }
        }
    }

    @Override
    protected void doStop() throws IOException {
        lock.release();
        channel.close();
    }
}
