package io.nglive.upload;

import static io.nglive.upload.HttpTargetWebdavTest.randomFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nglive.pipeline.ProgressListener;
import io.nglive.testing.UploadServer;

/** HttpTarget against the test UploadServer: exact request counts and failure modes. */
class HttpTargetUploadServerTest {

    private static final String PASSWORD = "Pa55-secret-🔑";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path stored;
    @TempDir
    Path local;
    private UploadServer server;
    private Path file;

    @BeforeEach
    void start() throws Exception {
        server = UploadServer.start(stored, "nglive", PASSWORD);
        file = randomFile(local.resolve("a.mp4"), 200_000);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void oneUploadIsOnePut() throws Exception {
        HttpTarget target = target();

        String url = target.upload(file, "room 1/a.mp4", ProgressListener.NONE);

        assertThat(stored.resolve("room 1/a.mp4")).hasSameBinaryContentAs(file);
        assertThat(url).isEqualTo(server.url() + "room%201/a.mp4");
        assertThat(server.puts("room 1/a.mp4")).isEqualTo(1);
        assertThat(server.totalPuts()).isEqualTo(1);
        assertThat(server.requests("PUT")).isEqualTo(1);
        assertThat(server.requests("MKCOL", "room 1")).isEqualTo(1);
    }

    @Test
    void foldersKnownToExistAreNotCreatedAgain() throws Exception {
        HttpTarget target = target();

        target.upload(file, "room/a.mp4", ProgressListener.NONE);
        target.upload(file, "room/b.mp4", ProgressListener.NONE);

        assertThat(server.requests("MKCOL")).isEqualTo(1);
        assertThat(server.totalPuts()).isEqualTo(2);
    }

    @Test
    void folderDeletedOnTheServerIsCreatedAgain() throws Exception {
        HttpTarget target = target();
        target.upload(file, "room/a.mp4", ProgressListener.NONE);
        try (Stream<Path> room = Files.walk(stored.resolve("room"))) {
            for (Path path : room.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }

        target.upload(file, "room/b.mp4", ProgressListener.NONE);

        assertThat(stored.resolve("room/b.mp4")).hasSameBinaryContentAs(file);
        assertThat(server.puts("room/b.mp4")).isEqualTo(1);
        assertThat(server.requests("PUT", "room/b.mp4")).isEqualTo(2);
    }

    @Test
    void aConnectionTheServerDropsMidBodyFailsNamingIt() {
        server.dropPutsAfter(1000);

        assertThatThrownBy(() -> target().upload(file, "a.mp4", ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessageStartingWith("upload of a.mp4 to 127.0.0.1:" + server.port()
                        + ": the server closed the connection before answering (");
        assertThat(server.puts("a.mp4")).isZero();
        assertThat(server.droppedPuts()).isEqualTo(1);
    }

    @Test
    void insufficientStorage() {
        server.respondWith(507);

        assertThatThrownBy(() -> target().upload(file, "room/a.mp4", ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessageContaining("insufficient storage")
                .hasMessageContaining("HTTP 507");
    }

    @Test
    void serverErrorOnThePut() {
        HttpTarget target = target();
        server.respondWith(500);

        assertThatThrownBy(() -> target.upload(file, "a.mp4", ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessage("upload of a.mp4 to 127.0.0.1:" + server.port()
                        + " failed: the server had an internal error (HTTP 500)");
        assertThat(server.puts("a.mp4")).isZero();
    }

    @Test
    void sizeMismatchOnTheServerFails() {
        server.loseBytes(1);

        assertThatThrownBy(() -> target().upload(file, "a.mp4", ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessage("upload of a.mp4 to 127.0.0.1:" + server.port()
                        + " is incomplete: size mismatch: sent 200000 bytes, server has 199999");
    }

    @Test
    void plainHttpServerIsVerifiedWithHead() throws Exception {
        server.plainHttp(true);

        target().upload(file, "room/a.mp4", ProgressListener.NONE);

        assertThat(stored.resolve("room/a.mp4")).hasSameBinaryContentAs(file);
        assertThat(server.requests("HEAD", "room/a.mp4")).isEqualTo(1);
        assertThat(server.puts("room/a.mp4")).isEqualTo(1);
    }

    @Test
    void downThenUpAgainOnTheSamePort() throws Exception {
        HttpTarget target = target();
        server.stop();

        assertThatThrownBy(() -> target.upload(file, "room/a.mp4", ProgressListener.NONE))
                .hasMessage("cannot connect to 127.0.0.1:" + server.port() + ": connection refused");

        server.start();
        target.upload(file, "room/a.mp4", ProgressListener.NONE);
        assertThat(server.puts("room/a.mp4")).isEqualTo(1);
    }

    @Test
    void slowServerTimesOut() {
        server.delayResponses(Duration.ofSeconds(3));
        HttpTarget target = new HttpTarget(server.url(), "nglive", PASSWORD, Duration.ofMillis(500));

        assertThatThrownBy(() -> target.upload(file, "a.mp4", ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessageContaining("timed out after 500 ms");
    }

    @Test
    void thePasswordIsInNoMessage() throws Exception {
        URI withUserInfo = URI.create("http://nglive:" + PASSWORD.replace("🔑", "%F0%9F%94%91")
                + "@127.0.0.1:" + server.port() + "/");
        List<HttpTarget> targets = List.of(target(), new HttpTarget(withUserInfo, null, null, TIMEOUT),
                new HttpTarget(withUserInfo, "nglive", "wrong " + PASSWORD, TIMEOUT));
        List<String> messages = new ArrayList<>();
        for (HttpTarget target : targets) {
            for (int status : new int[] {401, 403, 500, 503, 507}) {
                server.respondWith(status);
                messages.addAll(failureMessages(target, "room/a.mp4"));
            }
            server.healthy();
            server.stop();
            messages.addAll(failureMessages(target, "a.mp4"));
            server.start();
        }
        messages.addAll(failureMessages(targets.get(2), "a.mp4"));

        assertThat(messages).hasSizeGreaterThanOrEqualTo(2 * 19).allSatisfy(message -> assertThat(message)
                .doesNotContain(PASSWORD)
                .doesNotContain("Pa55-secret")
                .doesNotContain("%F0%9F%94%91"));
        assertThat(messages).anySatisfy(message -> assertThat(message).contains("rejected the credentials"));
    }

    private List<String> failureMessages(HttpTarget target, String path) {
        UploadFailed failure = catchThrowableOfType(UploadFailed.class,
                () -> target.upload(file, path, ProgressListener.NONE));
        assertThat(failure).as("upload of %s should fail", path).isNotNull();
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
            messages.add(t.toString());
        }
        return messages;
    }

    private HttpTarget target() {
        return new HttpTarget(server.url(), "nglive", PASSWORD, TIMEOUT);
    }
}
