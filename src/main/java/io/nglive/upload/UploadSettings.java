package io.nglive.upload;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Stream;

import io.nglive.InvalidSetting;
import io.nglive.SettingsReader;

/**
 * The upload target and its options, read once from {@code nglive.upload.*}.
 *
 * @param target  {@code none}, {@code file}, {@code http}, {@code command} or {@code s3}
 * @param dir     root of the {@code file} target
 * @param url     base URL of the {@code http} target (WebDAV or plain HTTP PUT)
 * @param command executable and arguments of the {@code command} target, already split; {@code {file}} and
 *                {@code {path}} are replaced inside each argument
 * @param timeout longest one upload may take
 * @param s3      the {@code s3} target's settings, null for the other targets
 */
public record UploadSettings(
        String target,
        Path dir,
        URI url,
        String user,
        String password,
        List<String> command,
        Duration timeout,
        S3Settings s3) {

    /** The settings a named target has after {@code nglive.targets.<name>.} (its kind is {@code type}). */
    public static final List<String> TARGET_KEYS = Stream.concat(
            Stream.of("type", "dir", "url", "user", "password", "command", "timeout"),
            S3Settings.KEYS.stream().map(key -> "s3." + key)).toList();
    /** Where named targets are set: {@code nglive.targets.<name>.type} and the other {@link #TARGET_KEYS}. */
    public static final String TARGETS = "nglive.targets.";
    /** The name of the target set by {@code nglive.upload.*}, used where a stage names none. */
    public static final String DEFAULT = "default";

    /** Every target by name: {@value #DEFAULT} ({@code nglive.upload.*}) first, then the named ones in order. */
    public static Map<String, UploadSettings> all(SettingsReader settings) {
        Map<String, UploadSettings> targets = new LinkedHashMap<>();
        targets.put(DEFAULT, read(settings));
        for (String name : settings.family(TARGETS, "type")) {
            if (name.equals(DEFAULT)) {
                throw new InvalidSetting(TARGETS + name + ".type", settings.optional(TARGETS + name + ".type")
                        .orElse(""), "the target named default is nglive.upload.*: give this one another name");
            }
            targets.put(name, named(settings, name));
        }
        return targets;
    }

    /** The default target, {@code nglive.upload.*}. */
    public static UploadSettings read(SettingsReader settings) {
        return read(settings, "nglive.upload.", "nglive.upload.target", "nglive.upload.timeout");
    }

    /** The target named {@code name}: {@code nglive.targets.<name>.*}, its timeout {@code nglive.upload.timeout} if unset. */
    public static UploadSettings named(SettingsReader settings, String name) {
        String prefix = TARGETS + name + ".";
        String timeout = settings.optional(prefix + "timeout").isPresent() ? prefix + "timeout" : "nglive.upload.timeout";
        return read(settings, prefix, prefix + "type", timeout);
    }

    private static UploadSettings read(SettingsReader settings, String prefix, String typeSetting, String timeout) {
        String target = settings.required(typeSetting).toLowerCase(Locale.ROOT);
        List<String> accepted = List.of("none", "file", "http", "command", "s3");
        if (!accepted.contains(target)) {
            throw new InvalidSetting(typeSetting, target, "unknown target (expected one of " + accepted + ")");
        }
        URI url = null;
        List<String> command = List.of();
        if (target.equals("http")) {
            url = settings.httpUrl(prefix + "url");
        }
        if (target.equals("command")) {
            String line = settings.required(prefix + "command");
            try {
                command = CommandLine.split(line);
            } catch (IllegalArgumentException e) {
                throw new InvalidSetting(prefix + "command", line, e.getMessage());
            }
            if (command.isEmpty()) {
                throw new InvalidSetting(prefix + "command", line, "names no executable");
            }
        }
        return new UploadSettings(
                target,
                target.equals("file") ? settings.writableDirectory(prefix + "dir")
                        : Path.of(settings.optional(prefix + "dir").orElse(".")),
                url,
                settings.optional(prefix + "user").orElse(null),
                settings.optional(prefix + "password").orElse(null),
                command,
                settings.duration(timeout),
                target.equals("s3") ? S3Settings.read(settings, prefix) : null);
    }
}
