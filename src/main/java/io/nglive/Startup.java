package io.nglive;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.main.Main;
import sun.misc.Signal;

/**
 * Runs camel-main so that a stop by SIGTERM or Ctrl-C is a clean stop (exit code 0, children stopped) and a bad
 * configuration ends the start with one line that names the property.
 */
final class Startup {

    private Startup() {
    }

    static int run(Main main, String[] args) {
        if (!Files.isRegularFile(Path.of("application.properties"))) {
            System.err.println("nglive: no application.properties in " + Path.of("").toAbsolutePath()
                    + " (run nglive from a directory that holds application.properties and routes/)");
            return 2;
        }
        // replacing the JVM's default handlers turns the signal into a graceful stop instead of an exit with 143
        for (String signal : new String[] {"TERM", "INT"}) {
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

    static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
