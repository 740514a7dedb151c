package io.nglive.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** A small tmpfs: a real file system that fills up. Mounting needs root, as in CI; without it the test is skipped. */
public final class Tmpfs {

    private Tmpfs() {
    }

    /** Mounts a tmpfs of {@code size} ({@code 256k}, {@code 64m}, or bytes, rounded up to pages) at {@code at}. */
    public static void mount(Path at, String size) throws IOException, InterruptedException {
        Assumptions.assumeTrue(run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString())) == 0,
                "mounting a tmpfs needs root (CI runs as root)");
    }

    /** Gives the mounted tmpfs at {@code at} a new size, keeping its files. */
    public static void resize(Path at, String size) throws IOException, InterruptedException {
        assertThat(run(List.of("mount", "-o", "remount,size=" + size, at.toString()))).isZero();
    }

    public static void unmount(Path at) throws IOException, InterruptedException {
        run(List.of("umount", "-l", at.toString()));
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }
}
