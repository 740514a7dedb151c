package io.nglive.upload;

import java.util.Locale;

import javax.sql.DataSource;

/** Chooses the {@link UploadTarget} named by {@code nglive.upload.target}. */
public final class UploadTargets {

    private UploadTargets() {
    }

    /**
     * @param name    the target's name ({@value UploadSettings#DEFAULT} or one of {@code nglive.targets.*})
     * @param journal the node's database, where a target that resumes keeps what it has sent
     * @throws IllegalArgumentException when the target is unknown or misses the settings it needs
     */
    public static UploadTarget create(UploadSettings settings, String name, DataSource journal) {
        String target = settings.target() == null ? "" : settings.target().trim().toLowerCase(Locale.ROOT);
        return switch (target) {
            case "none" -> new NoUpload();
            case "file" -> new FileTarget(require(settings.dir(), "nglive.upload.dir", target));
            case "http" -> new HttpTarget(require(settings.url(), "nglive.upload.url", target),
                    settings.user(), settings.password(), settings.timeout());
            case "command" -> new CommandTarget(require(settings.command(), "nglive.upload.command", target),
                    settings.timeout());
            case "s3" -> new S3Target(require(settings.s3(), "nglive.upload.s3.bucket", target), settings.timeout(),
                    new S3Uploads(journal, name, settings.s3().bucket()));
            default -> throw new IllegalArgumentException("nglive.upload.target must be one of none, file, http,"
                    + " command, s3; got: '" + settings.target() + "'");
        };
    }

    private static <T> T require(T value, String property, String target) {
        if (value == null) {
            throw new IllegalArgumentException(property + " is required when nglive.upload.target=" + target);
        }
        return value;
    }
}
