package io.nglive.upload;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The upload target and its options, read once from {@code nglive.upload.*}.
 *
 * @param target  {@code none}, {@code file}, {@code http} or {@code command}
 * @param dir     root of the {@code file} target
 * @param url     base URL of the {@code http} target (WebDAV or plain HTTP PUT)
 * @param command executable and arguments of the {@code command} target, already split; {@code {file}} and
 *                {@code {path}} are replaced inside each argument
 * @param timeout longest one upload may take
 */
public record UploadSettings(
        String target,
        Path dir,
        URI url,
        String user,
        String password,
        List<String> command,
        Duration timeout) {
}
