package io.nglive.recorder;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finds a program the way the operating system would start it: a path, or a name looked up on the PATH. */
public final class Executables {

    private Executables() {
    }

    public static Optional<Path> find(String program) {
        try {
            if (program.contains("/") || program.contains(File.separator)) {
                return runnable(Path.of(program));
            }
            String path = System.getenv("PATH");
            if (path == null) {
                return Optional.empty();
            }
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                for (String name : names(program)) {
                    Optional<Path> found = runnable(Path.of(dir, name));
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            return Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** On Windows {@code BililiveRecorder.Cli} also means {@code BililiveRecorder.Cli.exe} (PATHEXT). */
    private static List<String> names(String program) {
        List<String> names = new ArrayList<>(List.of(program));
        String extensions = System.getenv("PATHEXT");
        if (extensions != null && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            for (String extension : extensions.split(File.pathSeparator)) {
                names.add(program + extension.toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    private static Optional<Path> runnable(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file) ? Optional.of(file) : Optional.empty();
    }
}
