package io.nglive.upload;

import static io.nglive.upload.HttpTargetWebdavTest.randomFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nglive.pipeline.ProgressListener;

class CommandTargetTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    @TempDir
    Path local;

    @Test
    void shellCharactersInTheNameStayOneArgument() throws Exception {
        Path file = randomFile(local.resolve("a; touch pwned.mp4"), 1000);
        Path remote = Files.createDirectory(dir.resolve("remote"));
        List<Double> progress = new CopyOnWriteArrayList<>();
        CommandTarget target = new CommandTarget(List.of("cp", "{file}", remote + "/{path}"), TIMEOUT);

        String result = target.upload(file, "a; touch pwned.mp4", progress::add);

        assertThat(result).isEqualTo("a; touch pwned.mp4");
        assertThat(remote.resolve("a; touch pwned.mp4")).hasSameBinaryContentAs(file);
        assertThat(progress).containsExactly(0.0, 100.0);
        for (Path place : List.of(dir, remote, local, Path.of("").toAbsolutePath())) {
            try (Stream<Path> files = Files.list(place)) {
                assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("pwned.mp4");
            }
        }
    }

    @Test
    void placeholdersAreReplacedInsideEachArgument() throws Exception {
        Path file = randomFile(local.resolve("my {path} file $HOME.flv"), 10);
        Path arguments = dir.resolve("arguments.txt");
        Path script = script("printf '%s\\n' \"$@\" > '" + arguments + "'");

        new CommandTarget(List.of(script.toString(), "--src={file}", "remote:bili/{path}", "{path}{path}"), TIMEOUT)
                .upload(file, "room/录制 1.flv", ProgressListener.NONE);

        assertThat(Files.readAllLines(arguments)).containsExactly(
                "--src=" + file.toAbsolutePath(),
                "remote:bili/room/录制 1.flv",
                "room/录制 1.flvroom/录制 1.flv");
    }

    @Test
    void nonZeroExitReportsTheLastLinesOfOutput() throws Exception {
        Path file = randomFile(local.resolve("a.mp4"), 10);
        Path script = script("for i in $(seq -w 1 50); do echo \"out-$i\"; done; echo 'fatal: quota' >&2; exit 3");

        assertThatThrownBy(() -> new CommandTarget(List.of(script.toString()), TIMEOUT)
                .upload(file, "a.mp4", ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessageStartingWith("upload command exited with code 3: ")
                .hasMessageContaining("out-50")
                .hasMessageContaining("out-22")
                .hasMessageNotContaining("out-21")
                .hasMessageEndingWith("fatal: quota");
    }

    @Test
    void timeoutKillsTheCommandAndItsChildren() throws Exception {
        Path file = randomFile(local.resolve("a.mp4"), 10);
        Path pid = dir.resolve("child.pid");
        Path script = script("echo started; sleep 60 & echo $! > '" + pid + "'; wait");
        long start = System.nanoTime();

        assertThatThrownBy(() -> new CommandTarget(List.of(script.toString()), Duration.ofMillis(800))
                .upload(file, "a.mp4", ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessage("upload command timed out after 800 ms and was killed: started");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        long child = Long.parseLong(Files.readString(pid).trim());
        assertThat(ProcessHandle.of(child).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void missingExecutableIsReadable() throws Exception {
        Path file = randomFile(local.resolve("a.mp4"), 10);

        assertThatThrownBy(() -> new CommandTarget(List.of("/nonexistent/uploader", "{file}"), TIMEOUT)
                .upload(file, "a.mp4", ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessageStartingWith("cannot run upload command /nonexistent/uploader");
    }

    /** A test-only executable; the product itself never goes through a shell. */
    private Path script(String body) throws Exception {
        Path script = dir.resolve("upload-" + System.nanoTime() + ".sh");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
