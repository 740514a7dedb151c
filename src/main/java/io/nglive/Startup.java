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
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.nglive.cluster.ClusterSettings;
import io.nglive.cluster.Leadership;
import io.nglive.cluster.StandbyServer;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs camel-main so that a stop by SIGTERM or Ctrl-C is a clean stop (exit code 0, children stopped) and a bad
 * configuration ends the start with one line that names the property, before anything is opened.
 */
final class Startup {

    private static final Logger LOG = LoggerFactory.getLogger(Startup.class);
    /** How long a central instance waits for the election's first answer before it stands by. */
    private static final Duration FIRST_ROUND = Duration.ofSeconds(5);
    private static final Duration UNTIL_STOPPED = Duration.ofDays(365L * 100);

    private Startup() {
    }

    static int run(Function<Role, Main> mains, String[] args) {
        Checked checked = check(Path.of("application.properties"));
        if (!checked.problems().isEmpty()) {
            checked.problems().forEach(problem -> System.err.println("nglive: " + problem));
            return 2;
        }
        serverSettingsFromEnvironment(System.getenv(), System.getProperties());
        Stopping stopping = new Stopping();
        // replacing the JVM's default handlers turns the signal into a graceful stop instead of an exit with 143;
        // Camel's own shutdown hook is off (Nglive), so a failed start does not claim a SIGTERM
        for (String signal : new String[] {"TERM", "INT", "HUP"}) {
            try {
                Signal.handle(new Signal(signal), s -> stopping.stop());
            } catch (IllegalArgumentException unsupportedOnThisPlatform) {
                // Camel's own shutdown hook still stops everything, only the exit code differs
            }
        }
        try {
            return checked.role() == Role.CENTRAL ? runCentral(mains, args, stopping)
                    : stopping.run(mains.apply(checked.role()), args);
        } catch (Throwable e) {
            InvalidSetting invalid = find(e, InvalidSetting.class);
            System.err.println("nglive: " + (invalid != null ? invalid.getMessage() : e.getMessage()));
            return invalid != null ? 2 : 1;
        }
    }

    /**
     * A central instance: it joins the election, stands by (StandbyServer on the central's port) while another
     * instance leads, runs the central server while it leads, and when it loses the lead joins the election anew
     * (a fresh ZooKeeper session and latch, a released file lock) and stands by.
     */
    private static int runCentral(Function<Role, Main> mains, String[] args, Stopping stopping) throws Exception {
        DefaultCamelContext reading = new DefaultCamelContext();
        PropertiesComponent properties = (PropertiesComponent) reading.getPropertiesComponent();
        properties.setEncoding("UTF-8");
        properties.setLocation("file:application.properties");
        SettingsReader settings = new SettingsReader(properties);
        ServerSettings server = ServerSettings.read(settings);
        ClusterSettings cluster = ClusterSettings.read(settings);
        if (cluster.leadership() == ClusterSettings.LeadershipKind.FILE && cluster.db().isPresent()) {
            LOG.warn("nglive.cluster.leadership = file keeps out only instances on this data path ({}); instances on "
                    + "other machines sharing nglive.cluster.db.url need zookeeper or kubernetes, or they take the "
                    + "lead from each other", server.dataPath());
        }
        while (!stopping.requested()) {
            DefaultCamelContext election = new DefaultCamelContext();
            election.getCamelContextExtension().setName("nglive-election");
            try (Leadership leadership = Leadership.join(election, cluster, server.dataPath())) {
                Runnable wakeUp = leadership::wakeUp;
                stopping.also(wakeUp);
                try {
                    // the election's first round (a lock tried, ZooKeeper asked) before this instance stands by
                    if (!leadership.awaitLead(stopping::requested, FIRST_ROUND)) {
                        try (StandbyServer standby = StandbyServer.start(server.host(), server.port(), leadership)) {
                            LOG.info("standing by as {} ({} leadership): {}", leadership.address(),
                                    cluster.leadership().settingValue(),
                                    leadership.leader().map(l -> l + " leads").orElse("no leader known yet"));
                            if (!leadership.awaitLead(stopping::requested, UNTIL_STOPPED)) {
                                return 0;
                            }
                        }
                    }
                    LOG.info("{} leads the cluster", leadership.address());
                    Main main = mains.apply(Role.CENTRAL);
                    main.bind("leadership", leadership);
                    AtomicBoolean lost = new AtomicBoolean();
                    leadership.onLoss(() -> {
                        lost.set(true);
                        main.completed();
                    });
                    int code = stopping.run(main, args);
                    if (!lost.get() || stopping.requested()) {
                        return code;
                    }
                    LOG.warn("{} lost the lead: its central server stopped, it joins the election again",
                            leadership.address());
                } finally {
                    stopping.forget(wakeUp);
                }
            }
        }
        return 0;
    }

    /** A stop asked for by a signal: it reaches the Main that runs, and anything else that waits. */
    private static final class Stopping {
        private volatile boolean requested;
        private volatile Main running;
        private final List<Runnable> also = new java.util.concurrent.CopyOnWriteArrayList<>();

        void stop() {
            requested = true;
            Main main = running;
            if (main != null) {
                main.completed();
            }
            also.forEach(Runnable::run);
        }

        boolean requested() {
            return requested;
        }

        void also(Runnable action) {
            also.add(action);
        }

        void forget(Runnable action) {
            also.remove(action);
        }

        int run(Main main, String[] args) throws Exception {
            running = main;
            if (requested) {
                return 0;
            }
            try {
                return main.run(args);
            } finally {
                running = null;
            }
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
