package io.nglive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * The {@code nglive.*} names this version knows: those of the {@code application.properties} that the build puts in
 * the jar, so that a typo ({@code nglive.tanscode.mode}) stops the start instead of silently leaving a default.
 */
final class KnownSettings {

    /** Environment variables of the launch scripts (bin/nglive), not settings. */
    private static final Set<String> SCRIPT_VARIABLES = Set.of("NGLIVE_HOME");

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
            if (name.startsWith("nglive.") && !names.contains(name)) {
                problems.add("unknown setting " + name + " in application.properties: did you mean "
                        + nearest(name, names) + "?");
            }
        }
        for (String name : new TreeSet<>(system.stringPropertyNames())) {
            if (name.startsWith("nglive.") && !names.contains(name)) {
                problems.add("unknown setting -D" + name + ": did you mean -D" + nearest(name, names) + "?");
            }
        }
        List<String> variableNames = names.stream().map(KnownSettings::variable).toList();
        for (String variable : new TreeSet<>(environment.keySet())) {
            if (variable.startsWith("NGLIVE_") && !variableNames.contains(variable)
                    && !SCRIPT_VARIABLES.contains(variable)) {
                String near = nearest(variable, variableNames);
                String setting = names.stream().filter(n -> variable(n).equals(near)).findFirst().orElse(near);
                problems.add("unknown setting " + variable + " in the environment: did you mean " + near + " ("
                        + setting + ")?");
            }
        }
        return problems;
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
