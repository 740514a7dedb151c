package io.nglive.pipeline;

import java.nio.file.Path;
import java.util.StringJoiner;

/**
 * The two places a job's files live: recordings under the works path, stage outputs under the out path. A file
 * keeps its path relative to its root wherever it goes (the MP4 of {@code room/a.flv} is {@code out/room/a.mp4},
 * uploaded as {@code room/a.mp4}).
 */
public record FileRoots(Path works, Path out) {

    /**
     * The file's '/'-separated path relative to the out path if it lies there, else to the works path. Joined from
     * the path's names, so that a name holding a backslash (a legal character on Linux) stays one name.
     */
    public String relative(Path file) {
        Path root = file.startsWith(out) ? out : works;
        StringJoiner names = new StringJoiner("/");
        root.relativize(file).forEach(name -> names.add(name.toString()));
        return names.toString();
    }

    /**
     * Where a stage puts the artifact it makes from {@code input}: the out path, the input's relative path without its
     * extension, then {@code extension} ({@code .mp4}); an artifact named otherwise than the stage's {@code usual} one
     * puts its name before the extension, so that two outputs of one job do not meet.
     */
    public Path output(Path input, String artifact, String usual, String extension) {
        return out.resolve(base(input) + (artifact.equals(usual) ? "" : "." + artifact) + extension);
    }

    /** {@link #relative} without the file's extension: what a file made from it is named, with its own extension. */
    private String base(Path file) {
        String relative = relative(file);
        int dot = relative.lastIndexOf('.');
        return dot > relative.lastIndexOf('/') ? relative.substring(0, dot) : relative;
    }
}
