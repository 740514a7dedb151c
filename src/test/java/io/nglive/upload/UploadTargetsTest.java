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
        assertThat(UploadTargets.create(settings("none"), "default", null)).isInstanceOf(NoUpload.class);
        assertThat(UploadTargets.create(settings("File"), "default", null)).isInstanceOf(FileTarget.class);
        assertThat(UploadTargets.create(settings("HTTP"), "default", null)).isInstanceOf(HttpTarget.class);
        assertThat(UploadTargets.create(settings("command"), "default", null)).isInstanceOf(CommandTarget.class);
        UploadSettings s3 = new UploadSettings("S3", dir, null, null, null, List.of(), Duration.ofMinutes(1),
                new S3Settings(null, "us-east-1", "live", "AKIA", "secret", "", true, 16L << 20, 4));
        UploadTarget target = UploadTargets.create(s3, "archive", null);
        assertThat(target).isInstanceOf(S3Target.class);
        ((S3Target) target).close();
    }

    @Test
    void unknownTargetNamesThePropertyAndTheChoices() {
        assertThatThrownBy(() -> UploadTargets.create(settings("ftp"), "default", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nglive.upload.target")
                .hasMessageContaining("'ftp'")
                .hasMessageContaining("none, file, http, command, s3");
    }

    @Test
    void missingSettingNamesTheProperty() {
        UploadSettings noUrl = new UploadSettings("http", dir, null, null, null, List.of(), Duration.ofMinutes(1), null);
        assertThatThrownBy(() -> UploadTargets.create(noUrl, "default", null)).hasMessageContaining("nglive.upload.url");
        UploadSettings noCommand =
                new UploadSettings("command", dir, null, null, null, List.of(), Duration.ofMinutes(1), null);
        assertThatThrownBy(() -> UploadTargets.create(noCommand, "default", null)).hasMessageContaining("nglive.upload.command");
    }

    @Test
    void httpUrlWithCredentialsIsNotRepeatedInErrors() {
        UploadSettings ftp = new UploadSettings("http", dir, URI.create("ftp://me:secret@nas/"), null, null,
                List.of(), Duration.ofMinutes(1), null);
        assertThatThrownBy(() -> UploadTargets.create(ftp, "default", null))
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
                List.of("cp", "{file}", "/tmp/{path}"), Duration.ofMinutes(1), null);
    }
}
