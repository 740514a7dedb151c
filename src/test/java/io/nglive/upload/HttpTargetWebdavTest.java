package io.nglive.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nglive.pipeline.ProgressListener;
import io.nglive.testing.WebdavServer;

/** HttpTarget against a real WebDAV server (rclone). */
class HttpTargetWebdavTest {

    static final String TRICKY = "23058-3号直播间/录制 \"测试\" & $(x); #1?.mp4";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path served;
    @TempDir
    Path local;

    @Test
    void trickyNameArrivesByteIdenticalUnderThatExactName() throws Exception {
        Path file = randomFile(local.resolve("a.mp4"), 300_000);
        try (WebdavServer dav = WebdavServer.start(served)) {
            HttpTarget target = new HttpTarget(dav.url(), null, null, TIMEOUT);

            String url = target.upload(file, TRICKY, ProgressListener.NONE);

            assertThat(served.resolve(TRICKY)).hasSameBinaryContentAs(file);
            try (Stream<Path> listing = Files.list(served.resolve("23058-3号直播间"))) {
                assertThat(listing.map(p -> p.getFileName().toString()))
                        .containsExactly("录制 \"测试\" & $(x); #1?.mp4");
            }
            assertThat(URI.create(url).getPath()).isEqualTo("/" + TRICKY);
        }
    }

    @Test
    void createsDeepParentFoldersThatDoNotExistYet() throws Exception {
        Path file = randomFile(local.resolve("b.flv"), 1000);
        String deep = "2024/11 月/" + TRICKY.replace(".mp4", " a+b=c,'d'.flv");
        try (WebdavServer dav = WebdavServer.start(served)) {
            HttpTarget target = new HttpTarget(dav.url(), null, null, TIMEOUT);

            target.upload(file, deep, ProgressListener.NONE);
            target.upload(file, "2024/11 月/second.flv", ProgressListener.NONE);

            assertThat(served.resolve(deep)).hasSameBinaryContentAs(file);
            assertThat(served.resolve("2024/11 月/second.flv")).hasSameBinaryContentAs(file);
        }
    }

    @Test
    void basicAuthFromSettingsOrFromTheUrl() throws Exception {
        Path file = randomFile(local.resolve("c.mp4"), 5000);
        try (WebdavServer dav = WebdavServer.start(served, "nglive", "s3cret pass:word")) {
            new HttpTarget(dav.url(), "nglive", "s3cret pass:word", TIMEOUT)
                    .upload(file, "room/with-user.mp4", ProgressListener.NONE);
            URI withUserInfo = URI.create("http://nglive:s3cret%20pass:word@127.0.0.1:" + dav.port() + "/");
            String url = new HttpTarget(withUserInfo, null, null, TIMEOUT)
                    .upload(file, "room/from-url.mp4", ProgressListener.NONE);

            assertThat(served.resolve("room/with-user.mp4")).hasSameBinaryContentAs(file);
            assertThat(served.resolve("room/from-url.mp4")).hasSameBinaryContentAs(file);
            assertThat(url).isEqualTo(dav.url() + "room/from-url.mp4");
        }
    }

    @Test
    void wrongPasswordIsReportedWithoutThePassword() throws Exception {
        Path file = randomFile(local.resolve("d.mp4"), 3_000_000);
        try (WebdavServer dav = WebdavServer.start(served, "nglive", "right-Passw0rd")) {
            HttpTarget target = new HttpTarget(dav.url(), "nglive", "wrong-Passw0rd", TIMEOUT);

            for (String path : List.of("room/d.mp4", "d.mp4")) {
                assertThatThrownBy(() -> target.upload(file, path, ProgressListener.NONE))
                        .isInstanceOf(UploadFailed.class)
                        .hasMessageContaining("rejected the credentials")
                        .hasMessageNotContaining("wrong-Passw0rd")
                        .hasMessageNotContaining("right-Passw0rd");
            }
        }
    }

    @Test
    void serverDownIsCannotConnect() throws Exception {
        Path file = randomFile(local.resolve("e.mp4"), 1000);
        URI url;
        try (WebdavServer dav = WebdavServer.start(served)) {
            url = dav.url();
        }
        HttpTarget target = new HttpTarget(url, null, null, TIMEOUT);

        assertThatThrownBy(() -> target.upload(file, "room/e.mp4", ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessage("cannot connect to 127.0.0.1:" + url.getPort() + ": connection refused");
    }

    @Test
    void largeFileIsStreamedWithProgress() throws Exception {
        Path file = randomFile(local.resolve("big.flv"), 20 * 1024 * 1024);
        List<Double> progress = new CopyOnWriteArrayList<>();
        try (WebdavServer dav = WebdavServer.start(served)) {
            new HttpTarget(dav.url(), null, null, TIMEOUT).upload(file, "room/big.flv", progress::add);
        }

        assertThat(served.resolve("room/big.flv")).hasSameBinaryContentAs(file);
        assertThat(progress).hasSizeGreaterThan(5).hasSizeLessThanOrEqualTo(101).isSorted();
        assertThat(progress.get(0)).isZero();
        assertThat(progress.get(progress.size() - 1)).isEqualTo(100.0);
    }

    static Path randomFile(Path path, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(path, bytes);
    }
}
