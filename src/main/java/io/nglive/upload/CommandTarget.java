package io.nglive.upload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.nglive.Durations;
import io.nglive.ProcessTree;
import io.nglive.Redaction;
import io.nglive.pipeline.ProgressListener;
import io.nglive.pipeline.StageInterrupted;

/**
 * The {@code command} target: runs a program of the user's choice (rclone, scp, a script) for each file.
 * The program is started directly, never through a shell, and {@code {file}} / {@code {path}} are replaced
 * inside the already-split arguments, so a file name with spaces, quotes or {@code ;} stays one argument.
 * Exit code 0 is trusted as "arrived whole": a command gives no standard way to check. The location returned
 * is the relative path, since only the command knows where that leads.
 */
public final class CommandTarget implements UploadTarget {

    private static final Logger LOG = LoggerFactory.getLogger(CommandTarget.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(file|path)}");
    private static final int KEPT_LINES = 30;
    /** How long a killed command gets to exit on SIGTERM before SIGKILL. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final List<String> command;
    private final Duration timeout;

    public CommandTarget(List<String> command, Duration timeout) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("nglive.upload.command is empty: it needs at least the executable");
        }
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    @Override
    public String upload(Path file, String relativePath, ProgressListener progress) throws UploadFailed {
        String path = String.join("/", RelativePath.segments(relativePath));
        if (!Files.isRegularFile(file)) {
            throw new UploadFailed("file to upload does not exist: " + file);
        }
        List<String> arguments = command.stream()
                .map(argument -> substitute(argument, file.toAbsolutePath().toString(), path))
                .toList();
        progress.progress(0);
        Process process;
        try {
            process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UploadFailed("cannot run upload command " + arguments.get(0) + ": " + e.getMessage(), e);
        }
        OutputTail tail = new OutputTail(process);
        try {
            // Nothing to say to it: a command that waits for input (a password prompt) must fail, not hang.
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                throw new UploadFailed("upload command timed out after " + Durations.readable(timeout)
                        + " and was killed" + tail.lastLines(": "));
            }
            int exit = process.exitValue();
            if (exit != 0) {
                throw new UploadFailed("upload command exited with code " + exit + tail.lastLines(": "));
            }
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new StageInterrupted("upload command for " + path + " was stopped");
        } catch (IOException e) {
            killTree(process);
            throw new UploadFailed("cannot talk to upload command " + arguments.get(0) + ": " + e.getMessage(), e);
        }
        progress.progress(100);
        return path;
    }

    /** One pass over the argument, so a file name that itself contains "{path}" is not replaced again. */
    private static String substitute(String argument, String file, String path) {
        Matcher matcher = PLACEHOLDER.matcher(argument);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String value = matcher.group(1).equals("file") ? file : path;
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /**
     * The whole tree: killing only rclone's wrapper script would leave rclone itself uploading. The script is
     * signalled first: a script whose child died first would go on to its next line.
     */
    private static void killTree(Process process) {
        ProcessTree.stop(process.toHandle(), ProcessTree.Order.PARENT_FIRST, GRACE);
    }

    /** Reads the command's output as it comes (so a chatty command never blocks on a full pipe), keeping the end. */
    private static final class OutputTail {

        private final Deque<String> lines = new ArrayDeque<>();
        private final Thread reader;

        OutputTail(Process process) {
            reader = new Thread(() -> read(process), "upload-command-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read(Process process) {
            // UTF-8 whatever the locale: rclone and most tools print file names that way.
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    LOG.debug("upload command: {}", line);
                    synchronized (lines) {
                        if (lines.size() == KEPT_LINES) {
                            lines.removeFirst();
                        }
                        lines.addLast(line);
                    }
                }
            } catch (IOException e) {
                LOG.debug("stopped reading upload command output: {}", e.getMessage());
            }
        }

        /** The kept lines after {@code prefix}, or nothing when the command said nothing. */
        String lastLines(String prefix) throws InterruptedException {
            // A grandchild that kept the pipe open must not hold up the report.
            reader.join(GRACE.toMillis());
            synchronized (lines) {
                // the reason reaches events and the API: a verbose tool may print its credentials
                return lines.isEmpty() ? "" : prefix + Redaction.secrets(String.join("\n", lines));
            }
        }
    }
}
