package io.nglive.upload;

import java.net.URI;
import java.util.List;

import io.nglive.InvalidSetting;
import io.nglive.SettingsReader;

/**
 * The {@code s3} target's settings, {@code <prefix>s3.*} ({@code nglive.upload.s3.*} or
 * {@code nglive.targets.<name>.s3.*}).
 *
 * @param endpoint  the server, or null for AWS itself
 * @param prefix    put before each file's relative path to make its object key ({@code live/})
 * @param pathStyle {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key}
 * @param partSize  bytes in each part of a multipart upload (the last one has the rest)
 * @param parallel  parts sent at once
 */
public record S3Settings(URI endpoint, String region, String bucket, String accessKey, String secretKey,
                         String prefix, boolean pathStyle, long partSize, int parallel) {

    /** The keys after {@code s3.}. */
    static final List<String> KEYS = List.of("endpoint", "region", "bucket", "access-key", "secret-key", "prefix",
            "path-style", "part-size", "parallel");
    /** S3 refuses a part below 5 MiB (but the last) and above 5 GiB. */
    static final long MIN_PART = 5L << 20;
    static final long MAX_PART = 5L << 30;

    /**
     * Reads {@code <prefix>s3.*}. A named target's region, path style, part size and parallel parts are those of
     * {@code nglive.upload.s3.*} (their defaults) unless it sets its own.
     */
    static S3Settings read(SettingsReader settings, String prefix) {
        String s3 = prefix + "s3.";
        String bucket = settings.required(s3 + "bucket");
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new InvalidSetting(s3 + "bucket", bucket, "is not a bucket name (3 to 63 lower-case letters, digits,"
                    + " '.' and '-')");
        }
        String objectPrefix = settings.optional(s3 + "prefix").orElse("");
        if (objectPrefix.startsWith("/")) {
            throw new InvalidSetting(s3 + "prefix", objectPrefix, "must not start with '/' (an object key does not)");
        }
        return new S3Settings(
                settings.optional(s3 + "endpoint").map(value -> SettingsReader.httpUrl(s3 + "endpoint", value))
                        .orElse(null),
                settings.required(inherited(settings, s3, "region")),
                bucket,
                settings.required(s3 + "access-key"),
                settings.required(s3 + "secret-key"),
                objectPrefix,
                settings.bool(inherited(settings, s3, "path-style")),
                settings.size(inherited(settings, s3, "part-size"), MIN_PART, MAX_PART),
                settings.integer(inherited(settings, s3, "parallel"), 1, 64));
    }

    private static String inherited(SettingsReader settings, String s3, String key) {
        return settings.optional(s3 + key).isPresent() ? s3 + key : "nglive.upload.s3." + key;
    }

    /** Without the secret key, for log lines and the startup summary. */
    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix
                + ", pathStyle=" + pathStyle + ", partSize=" + partSize + ", parallel=" + parallel + "]";
    }
}
