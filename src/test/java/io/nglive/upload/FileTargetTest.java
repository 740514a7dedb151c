package io.nglive.upload;

import static io.nglive.upload.HttpTargetWebdavTest.TRICKY;
import static io.nglive.upload.HttpTargetWebdavTest.randomFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nglive.pipeline.ProgressListener;

class FileTargetTest {

    @TempDir
    Path dir;
    @TempDir
    Path local;

    @Test
    void copiesUnderTheRelativePathCreatingParents() throws Exception {
        Path file = randomFile(local.resolve("in.flv"), 40 * 1024 * 1024);
        List<Double> progress = new CopyOnWriteArrayList<>();

        String result = new FileTarget(dir).upload(file, "2024/" + TRICKY, progress::add);

        assertThat(Path.of(result)).isEqualTo(dir.resolve("2024/" + TRICKY));
        assertThat(dir.resolve("2024/" + TRICKY)).hasSameBinaryContentAs(file);
        assertThat(progress).startsWith(0.0).endsWith(100.0).isSorted();
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(Files::isRegularFile)).containsExactly(dir.resolve("2024/" + TRICKY));
        }
    }

    @Test
    void replacesAnEarlierCopy() throws Exception {
        Path target = Files.createDirectories(dir.resolve("room")).resolve("a.mp4");
        Files.writeString(target, "an older, longer, different content");
        Path file = randomFile(local.resolve("a.mp4"), 10);

        new FileTarget(dir).upload(file, "room/a.mp4", ProgressListener.NONE);

        assertThat(target).hasSameBinaryContentAs(file);
        assertThat(dir.resolve("room/.a.mp4.part")).doesNotExist();
    }

    @Test
    void refusesPathsOutsideTheDirectory() throws Exception {
        Path file = randomFile(local.resolve("a.mp4"), 10);
        FileTarget target = new FileTarget(dir.resolve("inner"));

        for (String path : List.of("../escaped.mp4", "room/../../escaped.mp4", "/tmp/escaped.mp4", "")) {
            assertThatThrownBy(() -> target.upload(file, path, ProgressListener.NONE))
                    .as(path)
                    .isInstanceOf(UploadFailed.class);
        }
        assertThat(dir.resolve("escaped.mp4")).doesNotExist();
    }

    @Test
    void missingSourceIsReadable() {
        assertThatThrownBy(() -> new FileTarget(dir).upload(local.resolve("gone.mp4"), "gone.mp4",
                ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessageContaining("no such file");
        assertThat(dir.resolve(".gone.mp4.part")).doesNotExist();
    }
}
