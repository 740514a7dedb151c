package io.nglive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.nglive.upload.UploadSettings;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * The {@code nglive.*} names this version knows: those of the {@code application.properties} that the build puts in
 * the jar, so that a typo ({@code nglive.tanscode.mode}) stops the start instead of silently leaving a default.
 */
final class KnownSettings {

    /** Environment variables of the launch scripts (bin/nglive), not settings. */
    private static final Set<String> SCRIPT_VARIABLES = Set.of("NGLIVE_HOME");

    /** Settings of named upload targets: the names are the user's (SettingsReader.family checks them). */
    private static final Pattern FAMILY = Pattern.compile(Pattern.quote(UploadSettings.TARGETS) + "[^.]+\\.("
            + String.join("|", UploadSettings.TARGET_KEYS.stream().map(Pattern::quote).toList()) + ")");
    private static final Pattern FAMILY_VARIABLE = Pattern.compile(variable(UploadSettings.TARGETS) + ".+_("
            + String.join("|", UploadSettings.TARGET_KEYS.stream().map(KnownSettings::variable).toList()) + ")");

    private static final LevenshteinDistance EDITS = LevenshteinDistance.getDefaultInstance();

    private final Properties defaults;

    KnownSettings(Properties defaults) {
        this.defaults = defaults;
    }

    /** The defaults of this version, as the build copied them from the project's application.properties. */
    static KnownSettings bundled() {
        Properties defaults = new Properties();
        try (InputStream in = KnownSettings.class.getResourceAsStream("application.properties")) {
            if (in == null) {
                throw new IllegalStateException("the jar holds no io/nglive/application.properties (a broken build)");
            }
            defaults.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KnownSettings(defaults);
    }

    /** This version's default of a setting, as written in its application.properties. */
    Optional<String> defaultValue(String name) {
        return Optional.ofNullable(defaults.getProperty(name)).map(String::trim);
    }

    /**
     * One line for each {@code nglive.*} name that nglive does not know, naming where it was set and the nearest
     * known name; empty when every name is known.
     */
    List<String> unknown(Properties file, Properties system, Map<String, String> environment) {
        Set<String> names = names();
        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(file.stringPropertyNames())) {
            if (name.startsWith("nglive.") && !names.contains(name) && !inFamily(name)) {
                problems.add("unknown setting " + name + " in application.properties: did you mean "
                        + nearestSetting(name, names) + "?");
            }
        }
        for (String name : new TreeSet<>(system.stringPropertyNames())) {
            if (name.startsWith("nglive.") && !names.contains(name) && !inFamily(name)) {
                problems.add("unknown setting -D" + name + ": did you mean -D" + nearestSetting(name, names) + "?");
            }
        }
        List<String> variableNames = names.stream().map(KnownSettings::variable).toList();
        String targets = variable(UploadSettings.TARGETS);
        for (String variable : new TreeSet<>(environment.keySet())) {
            if (variable.startsWith("NGLIVE_") && !variableNames.contains(variable)
                    && !SCRIPT_VARIABLES.contains(variable) && !FAMILY_VARIABLE.matcher(variable).matches()) {
                String near;
                String setting;
                if (variable.startsWith(targets) && variable.indexOf('_', targets.length() + 1) > 0) {
                    // a named target's setting, with the nearest key a target has; a name may hold '_', and so may a
                    // key (S3_BUCKET): each '_' may end the name
                    Map<String, String> candidates = new LinkedHashMap<>();
                    for (int end = variable.indexOf('_', targets.length() + 1); end > 0;
                         end = variable.indexOf('_', end + 1)) {
                        String name = variable.substring(targets.length(), end).toLowerCase(Locale.ROOT);
                        for (String key : UploadSettings.TARGET_KEYS) {
                            candidates.putIfAbsent(variable.substring(0, end + 1) + variable(key),
                                    UploadSettings.TARGETS + name + "." + key);
                        }
                    }
                    near = nearest(variable, candidates.keySet());
                    setting = candidates.get(near);
                } else {
                    near = nearest(variable, variableNames);
                    setting = names.stream().filter(n -> variable(n).equals(near)).findFirst().orElse(near);
                }
                problems.add("unknown setting " + variable + " in the environment: did you mean " + near + " ("
                        + setting + ")?");
            }
        }
        return problems;
    }

    /** The known name nearest to {@code name}; for a named target's setting, the same target's nearest key. */
    private static String nearestSetting(String name, Set<String> names) {
        // the name ends at the first '.' after nglive.targets. (a key may have dots of its own: s3.bucket)
        int end = name.indexOf('.', UploadSettings.TARGETS.length());
        if (name.startsWith(UploadSettings.TARGETS) && end > UploadSettings.TARGETS.length()) {
            String head = name.substring(0, end + 1);
            return nearest(name, UploadSettings.TARGET_KEYS.stream().map(k -> head + k).toList());
        }
        return nearest(name, names);
    }

    /** A setting of a named target: {@code nglive.targets.<name>.<key>}, with a key a target has. */
    private static boolean inFamily(String name) {
        return FAMILY.matcher(name).matches();
    }

    private Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (String name : defaults.stringPropertyNames()) {
            if (name.startsWith("nglive.")) {
                names.add(name);
            }
        }
        return names;
    }

    /** The environment variable Camel reads for a property: upper case, '.' and '-' become '_'. */
    static String variable(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String nearest(String name, Iterable<String> known) {
        List<String> candidates = new ArrayList<>();
        known.forEach(candidates::add);
        return candidates.stream().min(Comparator.comparingInt((String k) -> EDITS.apply(name, k))
                .thenComparing(Comparator.naturalOrder())).orElse("");
    }
}
