package io.nglive.webhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The recorder's work directory, and the one check that a RelativePath stays inside it: not absolute, no
 * {@code ..}, no NUL, no drive letter, and — through symbolic links too — resolving under the works path.
 * Paths that blrec and DDTV send (absolute, or relative with {@code ./}) are turned into RelativePaths here too.
 */
public final class WorksPath {

    /** What the journal stores of a path; also keeps the walk up to an existing parent short. */
    static final int MAX_LENGTH = 4000;

    private final Path root;

    public WorksPath(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The file a RelativePath names; refused with {@link WebhookRejected} when it would leave the works path. */
    public Path resolve(String relativePath) {
        return resolve("RelativePath", relativePath);
    }

    /** The RelativePath of an absolute path, which must lie inside the works path; {@code name} is its field. */
    public String fromAbsolute(String name, String path) {
        if (!looksAbsolute(path)) {
            throw new WebhookRejected(name + " " + quote(path) + ": expected an absolute path");
        }
        reject(name, path, problem(path, true));
        Path file;
        try {
            file = Path.of(path).normalize();
        } catch (InvalidPathException e) {
            throw new WebhookRejected(name + " " + quote(path) + ": not a valid path (" + e.getReason() + ")");
        }
        // a drive letter or a share is a relative Path on Unix: it cannot be inside the works path either
        if (!file.isAbsolute() || !file.startsWith(root)) {
            throw new WebhookRejected(name + " " + quote(path) + ": lies outside the works path " + root);
        }
        if (file.equals(root)) {
            throw new WebhookRejected(name + " " + quote(path) + ": names the works path itself, not a file");
        }
        if (!realPathInside(file)) {
            throw new WebhookRejected(name + " " + quote(path) + ": resolves outside the works path");
        }
        return relative(file);
    }

    /** The RelativePath of a path that is absolute or relative to the works path ({@code ./Rec/a.flv} becomes {@code Rec/a.flv}). */
    public String fromAbsoluteOrRelative(String name, String path) {
        return looksAbsolute(path) ? fromAbsolute(name, path) : relative(resolve(name, path));
    }

    private Path resolve(String name, String relativePath) {
        reject(name, relativePath, problem(relativePath, false));
        Path file;
        try {
            file = root.resolve(relativePath.replace('\\', '/')).normalize();
        } catch (InvalidPathException e) {
            throw new WebhookRejected(name + " " + quote(relativePath) + ": not a valid path (" + e.getReason() + ")");
        }
        if (!file.startsWith(root) || !realPathInside(file)) {
            throw new WebhookRejected(name + " " + quote(relativePath) + ": resolves outside the works path");
        }
        return file;
    }

    private String relative(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static void reject(String name, String path, String problem) {
        if (problem != null) {
            throw new WebhookRejected(name + " " + quote(path) + ": " + problem);
        }
    }

    private static boolean looksAbsolute(String path) {
        return path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:.*");
    }

    private static String problem(String path, boolean mayBeAbsolute) {
        if (path.isEmpty()) {
            return "must not be empty";
        }
        if (path.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        if (path.indexOf('\0') >= 0) {
            return "contains a NUL character";
        }
        if (!mayBeAbsolute && looksAbsolute(path)) {
            return "must be relative, not absolute";
        }
        for (String segment : path.split("[/\\\\]")) {
            if (segment.equals("..")) {
                return "must not contain '..'";
            }
        }
        return null;
    }

    /** Follows links: the deepest part of the path that exists must really lie under the works path. */
    private boolean realPathInside(Path file) {
        try {
            Path realRoot = root.toRealPath();
            Path existing = file;
            // NOFOLLOW_LINKS: a dangling link is a link, and its target must be checked, not its parent
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            return existing != null && existing.toRealPath().startsWith(realRoot);
        } catch (IOException e) {
            return false;
        }
    }

    private static String quote(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return "'" + shown.replace("\0", "\\0") + "'";
    }
}
