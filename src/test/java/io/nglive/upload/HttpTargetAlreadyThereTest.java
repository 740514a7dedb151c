package io.nglive.upload;

import static io.nglive.upload.HttpTargetWebdavTest.randomFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nglive.pipeline.ProgressListener;
import io.nglive.testing.UploadServer;

/** The question asked before a repeated attempt: is the file already on the server, whole? */
class HttpTargetAlreadyThereTest {

    @TempDir
    Path stored;
    @TempDir
    Path local;
    private UploadServer server;
    private Path file;
    private HttpTarget target;

    @BeforeEach
    void start() throws Exception {
        server = UploadServer.start(stored, "nglive", "secret");
        file = randomFile(local.resolve("a.mp4"), 100_000);
        target = new HttpTarget(server.url(), "nglive", "secret", Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aFileOfTheSameSizeIsThereAndIsNotSentAgain() throws Exception {
        String url = target.upload(file, "房间 1/a \"b\".mp4", ProgressListener.NONE);

        assertThat(target.alreadyThere(file, "房间 1/a \"b\".mp4")).contains(url);
        assertThat(server.totalPuts()).isEqualTo(1);
    }

    @Test
    void aMissingFileOrFolderIsNotThere() throws Exception {
        assertThat(target.alreadyThere(file, "nowhere/a.mp4")).isEmpty();
        server.plainHttp(true);
        assertThat(target.alreadyThere(file, "nowhere/a.mp4")).as("plain HTTP: HEAD only").isEmpty();
    }

    @Test
    void aPartOfTheFileIsNotThere() throws Exception {
        Files.createDirectories(stored.resolve("r"));
        Files.write(stored.resolve("r/a.mp4"), new byte[50_000]);

        assertThat(target.alreadyThere(file, "r/a.mp4")).isEmpty();
    }

    @Test
    void aServerThatCannotAnswerIsAFailureNotAnAbsence() {
        server.respondWith(503);

        assertThatThrownBy(() -> target.alreadyThere(file, "r/a.mp4")).isInstanceOf(UploadFailed.class)
                .hasMessageContaining("503");
    }
}
