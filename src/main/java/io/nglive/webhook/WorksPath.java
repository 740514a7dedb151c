package io.nglive.webhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The recorder's work directory, and the one check that a RelativePath stays inside it: not absolute, no
 * {@code ..}, no NUL, no drive letter, and — through symbolic links too — resolving under the works path.
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
        String problem = problem(relativePath);
        if (problem != null) {
            throw new WebhookRejected("RelativePath " + quote(relativePath) + ": " + problem);
        }
        Path file;
        try {
            file = root.resolve(relativePath.replace('\\', '/')).normalize();
        } catch (InvalidPathException e) {
            throw new WebhookRejected("RelativePath " + quote(relativePath) + ": not a valid path (" + e.getReason() + ")");
        }
        if (!file.startsWith(root) || !realPathInside(file)) {
            throw new WebhookRejected("RelativePath " + quote(relativePath) + ": resolves outside the works path");
        }
        return file;
    }

    private static String problem(String path) {
        if (path.isEmpty()) {
            return "must not be empty";
        }
        if (path.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        if (path.indexOf('\0') >= 0) {
            return "contains a NUL character";
        }
        if (path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:.*")) {
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
