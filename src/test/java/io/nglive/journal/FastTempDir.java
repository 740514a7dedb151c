package io.nglive.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * A {@code @TempDir} in memory ({@code /dev/shm}) where there is one, else the usual temporary directory. The database
 * syncs its log on every commit ({@code hsqldb.write_delay=false}); on a disk that makes the tests that append
 * thousands of events take minutes, in memory a few seconds. Use as {@code @TempDir(factory = FastTempDir.class)}.
 */
public final class FastTempDir implements TempDirFactory {

    @Override
    public Path createTempDirectory(AnnotatedElementContext elementContext, ExtensionContext extensionContext)
            throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "nglive-test-");
        }
        return Files.createTempDirectory("nglive-test-");
    }
}
