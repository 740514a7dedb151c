package io.nglive.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nglive.pipeline.ProgressListener;

class UploadTargetsTest {

    @TempDir
    Path dir;

    @Test
    void eachTargetByNameIgnoringCase() {
        assertThat(UploadTargets.create(settings("none"))).isInstanceOf(NoUpload.class);
        assertThat(UploadTargets.create(settings("File"))).isInstanceOf(FileTarget.class);
        assertThat(UploadTargets.create(settings("HTTP"))).isInstanceOf(HttpTarget.class);
        assertThat(UploadTargets.create(settings("command"))).isInstanceOf(CommandTarget.class);
    }

    @Test
    void unknownTargetNamesThePropertyAndTheChoices() {
        assertThatThrownBy(() -> UploadTargets.create(settings("ftp")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nglive.upload.target")
                .hasMessageContaining("'ftp'")
                .hasMessageContaining("none, file, http, command");
    }

    @Test
    void missingSettingNamesTheProperty() {
        UploadSettings noUrl = new UploadSettings("http", dir, null, null, null, List.of(), Duration.ofMinutes(1));
        assertThatThrownBy(() -> UploadTargets.create(noUrl)).hasMessageContaining("nglive.upload.url");
        UploadSettings noCommand =
                new UploadSettings("command", dir, null, null, null, List.of(), Duration.ofMinutes(1));
        assertThatThrownBy(() -> UploadTargets.create(noCommand)).hasMessageContaining("nglive.upload.command");
    }

    @Test
    void httpUrlWithCredentialsIsNotRepeatedInErrors() {
        UploadSettings ftp = new UploadSettings("http", dir, URI.create("ftp://me:secret@nas/"), null, null,
                List.of(), Duration.ofMinutes(1));
        assertThatThrownBy(() -> UploadTargets.create(ftp))
                .hasMessageContaining("ftp://nas/")
                .hasMessageNotContaining("secret");
    }

    @Test
    void noUploadKeepsTheFileWhereItIs() throws Exception {
        Path file = Files.writeString(dir.resolve("a.flv"), "x");

        assertThat(new NoUpload().upload(file, "a.flv", ProgressListener.NONE)).isEqualTo(file.toString());
        assertThat(file).exists();
    }

    private UploadSettings settings(String target) {
        return new UploadSettings(target, dir, URI.create("http://127.0.0.1:1/"), null, null,
                List.of("cp", "{file}", "/tmp/{path}"), Duration.ofMinutes(1));
    }
}
