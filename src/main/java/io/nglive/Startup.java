package io.nglive;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

import org.apache.camel.main.Main;
import sun.misc.Signal;

/**
 * Runs camel-main so that a stop by SIGTERM or Ctrl-C is a clean stop (exit code 0, children stopped) and a bad
 * configuration ends the start with one line that names the property, before anything is opened.
 */
final class Startup {

    private Startup() {
    }

    static int run(Function<Role, Main> mains, String[] args) {
        Checked checked = check(Path.of("application.properties"));
        if (!checked.problems().isEmpty()) {
            checked.problems().forEach(problem -> System.err.println("nglive: " + problem));
            return 2;
        }
        Main main = mains.apply(checked.role());
        serverSettingsFromEnvironment(System.getenv(), System.getProperties());
        // replacing the JVM's default handlers turns the signal into a graceful stop instead of an exit with 143;
        // Camel's own shutdown hook is off (Nglive), so a failed start does not claim a SIGTERM
        for (String signal : new String[] {"TERM", "INT", "HUP"}) {
            try {
                Signal.handle(new Signal(signal), s -> main.completed());
            } catch (IllegalArgumentException unsupportedOnThisPlatform) {
                // Camel's own shutdown hook still stops everything, only the exit code differs
            }
        }
        try {
            return main.run(args);
        } catch (Throwable e) {
            InvalidSetting invalid = find(e, InvalidSetting.class);
            System.err.println("nglive: " + (invalid != null ? invalid.getMessage() : e.getMessage()));
            return invalid != null ? 2 : 1;
        }
    }

    /** The role to start, or what stops the start before Camel is even built. */
    record Checked(List<String> problems, Role role) {
    }

    /** What stops the start before Camel is even built: no settings file, a locale, a misspelt setting. */
    static List<String> problems(Path file) {
        return check(file).problems();
    }

    static Checked check(Path file) {
        List<String> problems = new ArrayList<>();
        FileNameEncoding.problem(System.getProperties(), System.getenv()).ifPresent(problems::add);
        if (!Files.isRegularFile(file)) {
            problems.add("no application.properties in " + Path.of("").toAbsolutePath()
                    + " (run nglive from a directory that holds application.properties and routes/)");
            return new Checked(problems, null);
        }
        Properties settings = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            settings.load(in);
        } catch (IOException | IllegalArgumentException e) {
            problems.add("cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
            return new Checked(problems, null);
        }
        problems.addAll(KnownSettings.bundled().unknown(settings, System.getProperties(), System.getenv()));
        String role = role(settings, System.getProperties(), System.getenv());
        Role named = Role.named(role).orElse(null);
        if (named == null) {
            problems.add(Role.SETTING + "=" + role + ": unknown role (expected one of "
                    + Arrays.stream(Role.values()).map(Role::settingValue).toList() + ")");
        } else if (settings.getProperty("camel.main.routes-include-pattern") == null
                && System.getProperty("camel.main.routes-include-pattern") == null
                && !hasRoutes(file.toAbsolutePath().getParent().resolve(named.routesDirectory()))) {
            problems.add(Role.SETTING + "=" + named.settingValue() + ": " + named.routesDirectory()
                    + " holds no *.camel.yaml route files (copy the folder from the distribution)");
        }
        return new Checked(problems, named);
    }

    private static boolean hasRoutes(Path directory) {
        try (var files = Files.list(directory)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".camel.yaml"));
        } catch (IOException e) {
            return false;
        }
    }

    /** -Dnglive.role, else NGLIVE_ROLE, else application.properties, else a node. */
    static String role(Properties file, Properties system, Map<String, String> environment) {
        return Optional.ofNullable(system.getProperty(Role.SETTING))
                .or(() -> Optional.ofNullable(environment.get("NGLIVE_ROLE")))
                .or(() -> Optional.ofNullable(file.getProperty(Role.SETTING)))
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .orElse(Role.NODE.settingValue());
    }

    /**
     * camel-main gives CAMEL_SERVER_PORT to the management server but not to the HTTP server (4.17), which then listen
     * on two ports and serve no route; as a system property it reaches both. One set by -D wins, as it would.
     */
    static void serverSettingsFromEnvironment(Map<String, String> environment, Properties system) {
        environment.forEach((variable, value) -> {
            if (variable.startsWith("CAMEL_SERVER_")) {
                String name = "camel.server." + variable.substring("CAMEL_SERVER_".length())
                        .toLowerCase(Locale.ROOT).replace('_', '-');
                if (system.getProperty(name) == null) {
                    system.setProperty(name, value);
                }
            }
        });
    }

    static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
