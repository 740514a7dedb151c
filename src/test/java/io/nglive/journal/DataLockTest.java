package io.nglive.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.nglive.InvalidSetting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One nglive per data path: the second is told at once, with the first one's pid. */
class DataLockTest {

    @TempDir
    Path data;

    @Test
    void theHolderWritesItsPid() throws Exception {
        Optional<DataLock> lock = DataLock.take(data);

        assertThat(lock).isPresent();
        assertThat(Files.readString(data.resolve(DataLock.FILE), StandardCharsets.US_ASCII).trim())
                .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
        lock.get().stop();
    }

    @Test
    void aSecondTakerIsRefusedNamingTheDataPathAndTheHolder() throws Exception {
        DataLock first = DataLock.take(data).orElseThrow();
        try {
            assertThatThrownBy(() -> DataLock.take(data)).isInstanceOf(InvalidSetting.class)
                    .hasMessage("nglive.data-path=" + data + ": is in use by another nglive (pid "
                            + ProcessHandle.current().pid() + "): stop it first, or give this one a data path of its own");
        } finally {
            first.stop();
        }
    }

    @Test
    void aReleasedLockCanBeTakenAgainAndALeftoverPidFileIsNoObstacle() throws Exception {
        Files.writeString(data.resolve(DataLock.FILE), "99999999\n");
        DataLock.take(data).orElseThrow().stop();

        DataLock again = DataLock.take(data).orElseThrow();
        again.stop();
    }
}
