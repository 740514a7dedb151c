package io.nglive;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nglive.central.CentralSettings;
import io.nglive.notify.NotifyTarget;
import io.nglive.recorder.Executables;
import io.nglive.recorder.RecorderSettings;
import io.nglive.transcode.TranscodeMode;
import io.nglive.transcode.TranscodeSettings;
import io.nglive.transcode.VideoEncoder;
import io.nglive.upload.CommandLine;
import io.nglive.upload.UploadSettings;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code nglive.*} setting, read and checked once at start. Defaults live in {@code application.properties}
 * (one place); a value that is missing or wrong stops the start with an {@link InvalidSetting} naming it.
 * Overrides by {@code -Dname=value} and by environment variables ({@code NGLIVE_WORKS_PATH}) come from Camel's
 * properties component.
 */
public final class Settings {

    private static final Logger LOG = LoggerFactory.getLogger(Settings.class);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final PropertiesComponent properties;

    public final String nodeName;
    public final Path worksPath;
    public final Path outPath;
    public final Path dataPath;
    public final String apiToken;
    public final String webhookToken;
    public final TranscodeSettings transcode;
    public final int transcodeWorkers;
    public final int transcodeRetries;
    public final int transcodeSpaceRetries;
    public final UploadSettings upload;
    public final int uploadWorkers;
    public final int uploadRetries;
    public final boolean uploadDeleteLocal;
    public final Duration heartbeatInterval;
    public final Duration progressInterval;
    public final RecorderSettings recorder;
    public final Set<Long> roomBlacklist;
    public final List<NotifyTarget> notifyTargets;
    public final Duration notifyTimeout;
    public final Duration notifyRetryDelay;
    public final Duration notifyRetryMaxDelay;
    public final int notifyRefusedAttempts;
    /** Empty when no central server is configured. */
    public final Optional<CentralSettings> central;

    /** How long an event every consumer has stays in the outbox, and how often older ones are pruned. */
    public final Duration eventsRetention;
    public final Duration eventsPruneInterval;

    public Settings(PropertiesComponent properties) {
        this.properties = properties;
        nodeName = optional("nglive.node.name").orElseGet(Settings::hostName);
        worksPath = worksPath("nglive.works-path");
        outPath = writableDirectory("nglive.out-path");
        dataPath = writableDirectory("nglive.data-path");
        apiToken = optional("nglive.api.token").orElse("");
        webhookToken = optional("nglive.webhook.token").orElse("");
        transcode = new TranscodeSettings(
                choice("nglive.transcode.mode", TranscodeMode.class),
                choice("nglive.transcode.encoder", VideoEncoder.class),
                integer("nglive.transcode.crf", 0, 51),
                integer("nglive.transcode.cq", 0, 51),
                integer("nglive.transcode.bitrate", 1, 1_000_000),
                integer("nglive.transcode.bufsize", 1, 10_000_000),
                preset("nglive.transcode.preset"),
                required("nglive.transcode.ffmpeg"),
                required("nglive.transcode.ffprobe"),
                integer("nglive.transcode.nice", 0, 19),
                duration("nglive.transcode.timeout"));
        if (transcode.mode() != TranscodeMode.NONE) {
            // found now rather than by every job failing once it is tried
            executable("nglive.transcode.ffmpeg");
            executable("nglive.transcode.ffprobe");
        }
        transcodeWorkers = integer("nglive.transcode.workers", 1, 64);
        transcodeRetries = integer("nglive.transcode.retries", 0, 100);
        transcodeSpaceRetries = integer("nglive.transcode.space-retries", 0, 100_000);
        upload = uploadSettings();
        uploadWorkers = integer("nglive.upload.workers", 1, 64);
        uploadRetries = integer("nglive.upload.retries", 0, 1000);
        uploadDeleteLocal = bool("nglive.upload.delete-local");
        heartbeatInterval = duration("nglive.heartbeat.interval");
        progressInterval = duration("nglive.events.progress-interval");
        recorder = recorderSettings();
        roomBlacklist = roomIds("nglive.rooms.blacklist");
        notifyTargets = notifyTargets();
        notifyTimeout = duration("nglive.notify.timeout");
        notifyRetryDelay = duration("nglive.notify.retry-delay");
        notifyRetryMaxDelay = maxDelay("nglive.notify.retry-max-delay", "nglive.notify.retry-delay");
        notifyRefusedAttempts = integer("nglive.notify.refused-attempts", 1, 1000);
        central = centralSettings();
        eventsRetention = duration("nglive.events.retention");
        eventsPruneInterval = positiveDuration("nglive.events.prune-interval");
        // read here so that a bad value stops the start, not the first retry
        duration("nglive.transcode.retry-delay");
        duration("nglive.transcode.space-retry-delay");
        duration("nglive.transcode.space-retry-max-delay");
        duration("nglive.upload.retry-delay");
        duration("nglive.upload.retry-max-delay");
    }

    private Optional<CentralSettings> centralSettings() {
        Optional<String> url = optional("nglive.central.url");
        Duration first = duration("nglive.central.retry-delay");
        Duration max = maxDelay("nglive.central.retry-max-delay", "nglive.central.retry-delay");
        Duration timeout = positiveDuration("nglive.central.timeout");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CentralSettings(CentralSettings.url(url.get()), first, max, timeout));
        } catch (IllegalArgumentException e) {
            throw new InvalidSetting("nglive.central.url", Redaction.url(url.get()), e.getMessage());
        }
    }

    /** The longest delay of a backoff: at least its first delay, which must be more than 0. */
    private Duration maxDelay(String name, String firstName) {
        Duration first = positiveDuration(firstName);
        Duration max = duration(name);
        if (max.compareTo(first) < 0) {
            throw new InvalidSetting(name, required(name), "must be at least " + firstName + " (" + required(firstName)
                    + ")");
        }
        return max;
    }

    private List<NotifyTarget> notifyTargets() {
        String value = optional("nglive.notify.urls").orElse("");
        try {
            return NotifyTarget.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidSetting("nglive.notify.urls", Redaction.url(value), e.getMessage());
        }
    }

    private UploadSettings uploadSettings() {
        String target = required("nglive.upload.target").toLowerCase(Locale.ROOT);
        List<String> accepted = List.of("none", "file", "http", "command");
        if (!accepted.contains(target)) {
            throw new InvalidSetting("nglive.upload.target", target, "unknown target (expected one of " + accepted + ")");
        }
        URI url = null;
        List<String> command = List.of();
        if (target.equals("http")) {
            url = httpUrl("nglive.upload.url");
        }
        if (target.equals("command")) {
            String line = required("nglive.upload.command");
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
                target.equals("file") ? writableDirectory("nglive.upload.dir") : Path.of(optional("nglive.upload.dir").orElse(".")),
                url,
                optional("nglive.upload.user").orElse(null),
                optional("nglive.upload.password").orElse(null),
                command,
                duration("nglive.upload.timeout"));
    }

    private RecorderSettings recorderSettings() {
        // empty: the recorder has no HTTP API (the desktop app), so nglive only takes its webhooks
        URI url = optional("nglive.recorder.url").isPresent() ? httpUrl("nglive.recorder.url") : null;
        if (url != null && url.getUserInfo() != null) {
            throw new InvalidSetting("nglive.recorder.url", Redaction.url(url.toString()),
                    "must not contain credentials: set nglive.recorder.user and nglive.recorder.password");
        }
        List<String> command = List.of();
        Optional<String> line = optional("nglive.recorder.command");
        if (line.isPresent()) {
            try {
                command = CommandLine.split(line.get());
            } catch (IllegalArgumentException e) {
                throw new InvalidSetting("nglive.recorder.command", line.get(), e.getMessage());
            }
            if (command.isEmpty() || Executables.find(command.get(0)).isEmpty()) {
                throw new InvalidSetting("nglive.recorder.command", line.get(),
                        "names no executable file (give its full path, or a program on the PATH)");
            }
            if (url == null) {
                throw new InvalidSetting("nglive.recorder.command", line.get(), "needs nglive.recorder.url, the address "
                        + "nglive binds the recorder's API to (nglive.recorder.url is empty: webhook-only mode)");
            }
            if (!"http".equalsIgnoreCase(url.getScheme())) {
                throw new InvalidSetting("nglive.recorder.url", url.toString(),
                        "must be an http:// URL when nglive starts the recorder (it binds it with --bind http://...)");
            }
        }
        Duration scanInterval = positiveDuration("nglive.recorder.scan-interval");
        return new RecorderSettings(url, optional("nglive.recorder.user").orElse(null),
                optional("nglive.recorder.password").orElse(null), duration("nglive.recorder.timeout"), command,
                duration("nglive.recorder.sync-interval"), scanInterval,
                bool("nglive.recorder.register-webhook") && url != null ? webhookUrl() : null);
    }

    /** nglive's own webhook as the recorder must call it: {@code nglive.recorder.webhook-url}, or this server's. */
    private String webhookUrl() {
        String url = optional("nglive.recorder.webhook-url").orElseGet(() -> {
            String host = required("camel.server.host");
            if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                host = "127.0.0.1";
            } else if (host.contains(":") && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            return "http://" + host + ":" + integer("camel.server.port", 1, 65535) + "/webhook";
        });
        httpUrl(optional("nglive.recorder.webhook-url").isPresent() ? "nglive.recorder.webhook-url" : "camel.server.host",
                url);
        if (webhookToken.isEmpty() || url.contains("token=")) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "token=" + URLEncoder.encode(webhookToken, StandardCharsets.UTF_8);
    }

    /** Comma-separated room ids. */
    private Set<Long> roomIds(String name) {
        Set<Long> ids = new LinkedHashSet<>();
        for (String item : optional(name).orElse("").split("[,\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            try {
                long id = Long.parseLong(item);
                if (id <= 0) {
                    throw new NumberFormatException();
                }
                ids.add(id);
            } catch (NumberFormatException e) {
                throw new InvalidSetting(name, item, "is not a room id (a positive whole number)");
            }
        }
        return Set.copyOf(ids);
    }

    /** The value, or empty when the property is absent or blank. */
    public Optional<String> optional(String name) {
        return properties.resolveProperty(name).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> new InvalidSetting(name, "", "is required"));
    }

    public int integer(String name, int min, int max) {
        String value = required(name);
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new InvalidSetting(name, value, "must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidSetting(name, value, "is not a whole number");
        }
    }

    public boolean bool(String name) {
        String value = required(name).toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new InvalidSetting(name, value, "must be true or false");
        }
        return Boolean.parseBoolean(value);
    }

    /** A duration such as {@code 500ms}, {@code 60s}, {@code 5m}, {@code 2h}, {@code 7d} or {@code 1h30m}. */
    public Duration duration(String name) {
        String value = required(name);
        return parseDuration(value).orElseThrow(() -> new InvalidSetting(name, value,
                "is not a duration (write it like 500ms, 60s, 5m, 2h, 7d or 1h30m)"));
    }

    /** A {@link #duration} that must not be zero (a period, a timeout, a first delay). */
    private Duration positiveDuration(String name) {
        Duration duration = duration(name);
        if (duration.isZero()) {
            throw new InvalidSetting(name, required(name), "must be longer than zero");
        }
        return duration;
    }

    static Optional<Duration> parseDuration(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end && !text.substring(end, m.start()).isBlank()) {
                return Optional.empty();
            }
            try {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
                total.toMillis();
            } catch (NumberFormatException | ArithmeticException tooLong) {
                return Optional.empty();
            }
            end = m.end();
        }
        return end == text.length() && end > 0 ? Optional.of(total) : Optional.empty();
    }

    public <E extends Enum<E>> E choice(String name, Class<E> type) {
        String value = required(name);
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSetting(name, value, "unknown value (expected one of "
                    + Arrays.toString(type.getEnumConstants()) + ")");
        }
    }

    private String preset(String name) {
        List<String> presets = List.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                "slower", "veryslow", "placebo");
        String value = required(name).toLowerCase(Locale.ROOT);
        if (!presets.contains(value)) {
            throw new InvalidSetting(name, value, "unknown preset (expected one of " + presets + ")");
        }
        return value;
    }

    private URI httpUrl(String name) {
        return httpUrl(name, required(name));
    }

    private static URI httpUrl(String name, String value) {
        try {
            URI uri = new URI(value);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null) {
                throw new InvalidSetting(name, Redaction.url(value), "must be an http:// or https:// URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidSetting(name, Redaction.url(value), "is not a valid URL: " + e.getReason());
        }
    }

    /**
     * The recorder's work directory must exist: nglive creating a misspelt one would take webhooks for files that are
     * elsewhere. Only the default, ./works, is created, for a first run.
     */
    private Path worksPath(String name) {
        String value = required(name);
        if (!Files.exists(Path.of(value))) {
            if (!value.equals(KnownSettings.bundled().defaultValue(name).orElse(null))) {
                throw new InvalidSetting(name, value, "does not exist (create it, or point " + name
                        + " at the recorder's work directory)");
            }
            LOG.info("{} {} did not exist: created it", name, Path.of(value).toAbsolutePath().normalize());
        }
        return readableDirectory(name);
    }

    private void executable(String name) {
        String program = required(name);
        if (Executables.find(program).isEmpty()) {
            throw new InvalidSetting(name, program, (program.contains("/") || program.contains("\\")
                    ? "is not an executable file" : "is not a program on the PATH")
                    + " (install ffmpeg, e.g. apt-get install ffmpeg, or give its full path;"
                    + " nglive.transcode.mode=NONE needs none)");
        }
    }

    private Path readableDirectory(String name) {
        Path dir = directory(name);
        if (!Files.isReadable(dir)) {
            throw new InvalidSetting(name, dir.toString(), "is not readable");
        }
        return dir;
    }

    private Path writableDirectory(String name) {
        Path dir = directory(name);
        if (!Files.isWritable(dir)) {
            throw new InvalidSetting(name, dir.toString(), "is not writable");
        }
        return dir;
    }

    /** The directory, created when missing; its real path, so that later containment checks see through links. */
    private Path directory(String name) {
        String value = required(name);
        Path dir = Path.of(value).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
            return dir.toRealPath();
        } catch (IOException e) {
            throw new InvalidSetting(name, value, "cannot be created or opened as a directory (" + e + ")");
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "nglive";
        }
    }
}
