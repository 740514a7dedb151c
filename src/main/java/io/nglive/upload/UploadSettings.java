package io.nglive.upload;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.nglive.InvalidSetting;
import io.nglive.SettingsReader;

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

    public static UploadSettings read(SettingsReader settings) {
        String target = settings.required("nglive.upload.target").toLowerCase(Locale.ROOT);
        List<String> accepted = List.of("none", "file", "http", "command");
        if (!accepted.contains(target)) {
            throw new InvalidSetting("nglive.upload.target", target, "unknown target (expected one of " + accepted + ")");
        }
        URI url = null;
        List<String> command = List.of();
        if (target.equals("http")) {
            url = settings.httpUrl("nglive.upload.url");
        }
        if (target.equals("command")) {
            String line = settings.required("nglive.upload.command");
            try {
                command = CommandLine.split(line);
            } catch (IllegalArgumentException e) {
                throw new InvalidSetting("nglive.upload.command", line, e.getMessage());
            }
            if (command.isEmpty()) {
                throw new InvalidSetting("nglive.upload.command", line, "names no executable");
            }
        }
        return new UploadSettings(
                target,
                target.equals("file") ? settings.writableDirectory("nglive.upload.dir")
                        : Path.of(settings.optional("nglive.upload.dir").orElse(".")),
                url,
                settings.optional("nglive.upload.user").orElse(null),
                settings.optional("nglive.upload.password").orElse(null),
                command,
                settings.duration("nglive.upload.timeout"));
    }
}
