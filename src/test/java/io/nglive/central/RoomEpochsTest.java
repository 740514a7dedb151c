package io.nglive.central;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.nglive.journal.Database;
import io.nglive.journal.FastTempDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rooms' placement epochs in the node's database. */
class RoomEpochsTest {

    @TempDir(factory = FastTempDir.class)
    Path data;

    Database database;
    RoomEpochs epochs;

    @BeforeEach
    void open() {
        database = new Database(data);
        epochs = new RoomEpochs(database.dataSource());
    }

    @AfterEach
    void close() {
        database.stop();
    }

    @Test
    void aRoomNoCommandWasAboutHasEpochZero() {
        assertThat(epochs.epoch(23058)).isZero();
    }

    @Test
    void anEpochIsRaisedAndNeverLowered() {
        epochs.raise(23058, 2);
        epochs.raise(23058, 3);
        epochs.raise(23058, 1);

        assertThat(epochs.epoch(23058)).isEqualTo(3);
        assertThat(epochs.epoch(23059)).as("another room").isZero();
    }

    @Test
    void theSameEpochAgainKeepsIt() {
        epochs.raise(23058, 3);
        epochs.raise(23058, 3);

        assertThat(epochs.epoch(23058)).isEqualTo(3);
    }

    @Test
    void epochsSurviveAReopen() {
        epochs.raise(23058, 7);
        database.stop();

        database = new Database(data);
        epochs = new RoomEpochs(database.dataSource());

        assertThat(epochs.epoch(23058)).isEqualTo(7);
    }
}
