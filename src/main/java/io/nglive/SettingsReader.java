package io.nglive;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nglive.recorder.Executables;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads settings from Camel's properties (application.properties, then -D and environment overrides) as checked
 * values: a value that is missing or wrong stops the start with an {@link InvalidSetting} naming it. Each domain reads
 * its own settings with it ({@code TranscodeSettings.read}, {@code RecorderSettings.read}...); the defaults live in
 * application.properties only.
 */
public final class SettingsReader {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsReader.class);
    private static final Pattern LABEL = Pattern.compile("[\\p{L}\\p{N}._:-]{1,64}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb|tb)?");

    private final PropertiesComponent properties;

    public SettingsReader(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** The longest delay of a backoff: at least its first delay, which must be more than 0. */
    public Duration maxDelay(String name, String firstName) {
        Duration first = positiveDuration(firstName);
        Duration max = duration(name);
        if (max.compareTo(first) < 0) {
            throw new InvalidSetting(name, required(name), "must be at least " + firstName + " (" + required(firstName)
                    + ")");
        }
        return max;
    }

    /** Comma-separated room ids. */
    public Set<Long> roomIds(String name) {
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

    /** Comma-separated labels such as {@code site-a, gpu}: letters, digits, '.', '_', ':' and '-'. */
    public List<String> labels(String name) {
        Set<String> labels = new LinkedHashSet<>();
        for (String item : optional(name).orElse("").split("[,\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            if (!isLabel(item)) {
                throw new InvalidSetting(name, item, "is not a label (letters, digits, '.', '_', ':' and '-', at most 64)");
            }
            labels.add(item);
        }
        return List.copyOf(labels);
    }

    /** A node's or a room's label: letters, digits, '.', '_', ':' and '-', at most 64. */
    public static boolean isLabel(String label) {
        return LABEL.matcher(label).matches();
    }

    /** The value, or empty when the property is absent or blank. */
    /**
     * The names {@code N} of a family of settings {@code <prefix>N.<key>} that is set (in application.properties, as
     * -D or in the environment as {@code PREFIX_N_KEY}), in lower case, in order. A name is letters, digits and '_'
     * (what an environment variable can say back).
     */
    public Set<String> family(String prefix, String key) {
        Set<String> names = new TreeSet<>();
        String suffix = "." + key;
        Predicate<String> member = k -> k.startsWith(prefix) && k.endsWith(suffix)
                && k.length() > prefix.length() + suffix.length();
        List<String> keys = new ArrayList<>(properties.loadProperties(member).stringPropertyNames());
        System.getProperties().stringPropertyNames().stream().filter(member).forEach(keys::add);
        for (String k : keys) {
            names.add(familyMember(k, k.substring(prefix.length(), k.length() - suffix.length())));
        }
        String variablePrefix = KnownSettings.variable(prefix);
        String variableSuffix = "_" + KnownSettings.variable(key);
        for (String variable : System.getenv().keySet()) {
            if (variable.startsWith(variablePrefix) && variable.endsWith(variableSuffix)
                    && variable.length() > variablePrefix.length() + variableSuffix.length()) {
                names.add(familyMember(variable, variable.substring(variablePrefix.length(),
                        variable.length() - variableSuffix.length()).toLowerCase(Locale.ROOT)));
            }
        }
        return names;
    }

    private static String familyMember(String setting, String name) {
        if (!name.matches("[a-z0-9_]{1,32}")) {
            throw new InvalidSetting(setting, name, "a name here is 1 to 32 lower-case letters, digits or '_'");
        }
        return name;
    }

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
    public Duration positiveDuration(String name) {
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

    /** A size in bytes, with a unit or not: {@code 5242880}, {@code 512KB}, {@code 16MB}, {@code 5GB} (units of 1024). */
    public long size(String name, long min, long max) {
        String value = required(name);
        long bytes = parseSize(value).orElseThrow(() -> new InvalidSetting(name, value,
                "is not a size (write it like 16MB, 512KB or 5GB)"));
        if (bytes < min || bytes > max) {
            throw new InvalidSetting(name, value, "must be between " + readableSize(min) + " and " + readableSize(max));
        }
        return bytes;
    }

    static Optional<Long> parseSize(String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        int shift = switch (m.group(2) == null ? "b" : m.group(2)) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            case "tb" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            return n > Long.MAX_VALUE >> shift ? Optional.empty() : Optional.of(n << shift);
        } catch (NumberFormatException tooLong) {
            return Optional.empty();
        }
    }

    private static String readableSize(long bytes) {
        List<String> units = List.of(" bytes", "KB", "MB", "GB", "TB");
        int unit = 0;
        while (unit < units.size() - 1 && bytes > 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            unit++;
        }
        return bytes + units.get(unit);
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

    public String preset(String name) {
        List<String> presets = List.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                "slower", "veryslow", "placebo");
        String value = required(name).toLowerCase(Locale.ROOT);
        if (!presets.contains(value)) {
            throw new InvalidSetting(name, value, "unknown preset (expected one of " + presets + ")");
        }
        return value;
    }

    public URI httpUrl(String name) {
        return httpUrl(name, required(name));
    }

    public static URI httpUrl(String name, String value) {
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
    public Path worksPath(String name) {
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

    public void executable(String name) {
        String program = required(name);
        if (Executables.find(program).isEmpty()) {
            throw new InvalidSetting(name, program, (program.contains("/") || program.contains("\\")
                    ? "is not an executable file" : "is not a program on the PATH")
                    + " (install ffmpeg, e.g. apt-get install ffmpeg, or give its full path;"
                    + " nglive.transcode.mode=NONE needs none)");
        }
    }

    public Path readableDirectory(String name) {
        Path dir = directory(name);
        if (!Files.isReadable(dir)) {
            throw new InvalidSetting(name, dir.toString(), "is not readable");
        }
        return dir;
    }

    public Path writableDirectory(String name) {
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

    /** This machine's name, as its resolver gives it; "nglive" when it has none. */
    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "nglive";
        }
    }
}
