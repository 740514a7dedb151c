package io.nglive.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nglive.journal.Database;
import io.nglive.journal.JournalAccess;
import io.nglive.pipeline.ProgressListener;
import io.nglive.pipeline.StageInterrupted;
import io.nglive.testing.ForgetfulNat;
import io.nglive.testing.S3Link;
import io.nglive.testing.S3Server;
import io.nglive.testing.TestMedia;
import software.amazon.awssdk.core.sync.RequestBody;

/** The s3 target against a real S3 server (s3proxy), through a link that counts and faults what it carries. */
class S3TargetTest {

    private static final long PART = S3Settings.MIN_PART;
    /** What a request body carries beyond the file's bytes (the signed chunks' headers), generously. */
    private static final double OVERHEAD = 1.01;
    private static final String NAME = "23058-3号直播间/录制 \"夜\" it's-1.flv";
    private static final String KEY = "rec/" + NAME;

    @TempDir
    Path dir;

    private S3Server server;
    private S3Link link;
    private Database database;
    private S3Uploads journal;
    private S3Target target;

    @BeforeEach
    void start() throws IOException {
        server = S3Server.start(Files.createDirectories(dir.resolve("s3")));
        link = S3Link.to(server.endpoint());
        database = new Database(Files.createDirectories(dir.resolve("data")));
        journal = new S3Uploads(database.dataSource(), "default", S3Server.BUCKET);
        target = target(S3Server.SECRET_KEY);
    }

    @AfterEach
    void stop() throws Exception {
        target.close();
        link.close();
        server.close();
        database.stop();
    }

    private S3Target target(String secret) {
        return new S3Target(new S3Settings(link.endpoint(), "us-east-1", S3Server.BUCKET, S3Server.ACCESS_KEY, secret,
                "rec/", true, PART, 2), Duration.ofMinutes(5), journal);
    }

    @Test
    void aSmallAndAMultipartFileArriveWholeUnderTheirNamesWithTheirUrls() throws Exception {
        Path small = file("small.flv", 1000);
        Path big = file("big.flv", 2 * PART + 12345);
        List<Double> percents = new CopyOnWriteArrayList<>();

        String smallUrl = target.upload(small, "23058-3号直播间/小 'a'.flv", ProgressListener.NONE);
        String bigUrl = target.upload(big, NAME, percents::add);

        assertThat(server.object("rec/23058-3号直播间/小 'a'.flv")).isEqualTo(Files.readAllBytes(small));
        assertThat(server.object(KEY)).isEqualTo(Files.readAllBytes(big));
        assertThat(smallUrl).isEqualTo(link.endpoint() + "/live/rec/23058-3%E5%8F%B7%E7%9B%B4%E6%92%AD%E9%97%B4/"
                + "%E5%B0%8F%20%27a%27.flv");
        assertThat(URI.create(bigUrl).getPath()).isEqualTo("/live/" + KEY);
        assertThat(percents).startsWith(0.0).endsWith(100.0).isSorted();
        assertThat(rows("s3_upload")).isZero();
        assertThat(rows("s3_part")).isZero();
    }

    @Test
    void aPartlySentUploadIsCompletedWithoutSendingThePartsTheServerHas() throws Exception {
        Path big = file("big.flv", 4 * PART + 999);
        byte[] content = Files.readAllBytes(big);
        String uploadId = server.client().createMultipartUpload(b -> b.bucket(S3Server.BUCKET).key(KEY)).uploadId();
        journal.begun(KEY, big.toString(), new S3Uploads.Upload(uploadId, content.length, PART));
        for (int part : List.of(1, 3)) {
            String etag = server.client().uploadPart(b -> b.bucket(S3Server.BUCKET).key(KEY).uploadId(uploadId)
                    .partNumber(part), RequestBody.fromBytes(slice(content, part))).eTag();
            journal.partSent(uploadId, part, etag, PART);
        }
        List<Double> percents = new CopyOnWriteArrayList<>();

        target.upload(big, NAME, percents::add);

        assertThat(server.object(KEY)).isEqualTo(content);
        long missing = content.length - 2 * PART;
        assertThat(link.bodyBytes()).isBetween(missing, (long) (missing * OVERHEAD) + 4096);
        assertThat(percents.get(1)).as("the parts on the server count at once")
                .isEqualTo((double) (2 * PART * 100 / content.length));
        assertThat(rows("s3_upload")).isZero();
    }

    @Test
    void anUploadTheServerForgotStartsOver() throws Exception {
        Path big = file("big.flv", 2 * PART + 1);
        String uploadId = server.client().createMultipartUpload(b -> b.bucket(S3Server.BUCKET).key(KEY)).uploadId();
        journal.begun(KEY, big.toString(), new S3Uploads.Upload(uploadId, Files.size(big), PART));
        server.client().abortMultipartUpload(b -> b.bucket(S3Server.BUCKET).key(KEY).uploadId(uploadId));

        target.upload(big, NAME, ProgressListener.NONE);

        assertThat(server.object(KEY)).isEqualTo(Files.readAllBytes(big));
        assertThat(rows("s3_upload")).isZero();
    }

    @Test
    void aWrongSecretIsRefusedInWordsWithoutTheSecret() throws Exception {
        Path small = file("small.flv", 10);
        try (S3Target wrong = target("not-the-secret")) {
            assertThatThrownBy(() -> wrong.upload(small, NAME, ProgressListener.NONE))
                    .isInstanceOf(UploadFailed.class)
                    .hasMessageContaining("upload of " + NAME + " to the bucket live at 127.0.0.1:")
                    .hasMessageContaining("refused the credentials")
                    .hasMessageContaining("HTTP 403")
                    .hasMessageNotContaining("not-the-secret");
        }
    }

    @Test
    void aBusyServerFailsTheAttemptAndTheNextSendsWhatIsMissing() throws Exception {
        Path big = file("big.flv", 3 * PART);
        link.failParts(1, 503);

        assertThatThrownBy(() -> target.upload(big, NAME, ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessageContaining("busy")
                .hasMessageContaining("HTTP 503 SlowDown");
        assertThat(rows("s3_upload")).as("the upload is kept for the next attempt").isOne();
        long sent = link.bodyBytes();
        link.resetCounts();

        target.upload(big, NAME, ProgressListener.NONE);

        assertThat(server.object(KEY)).isEqualTo(Files.readAllBytes(big));
        assertThat(sent + link.bodyBytes()).isLessThanOrEqualTo((long) (3 * PART * OVERHEAD) + 4096);
    }

    @Test
    void aConnectionDroppedInThePartsMiddleFailsTheAttemptAndTheNextFinishes() throws Exception {
        Path big = file("big.flv", 2 * PART + 5);
        link.dropPartAfter(PART / 2);

        assertThatThrownBy(() -> target.upload(big, NAME, ProgressListener.NONE))
                .isInstanceOf(UploadFailed.class)
                .hasMessageContaining("part ")
                .hasMessageContaining("closed the connection");

        target.upload(big, NAME, ProgressListener.NONE);
        assertThat(server.object(KEY)).isEqualTo(Files.readAllBytes(big));
    }

    @Test
    void aFileAlreadyThereWholeIsFoundAndADifferentOneIsNot() throws Exception {
        Path big = file("big.flv", PART + 7);
        assertThat(target.alreadyThere(big, NAME)).isEmpty();
        String url = target.upload(big, NAME, ProgressListener.NONE);

        assertThat(target.alreadyThere(big, NAME)).contains(url);
        assertThat(target.alreadyThere(file("other.flv", PART + 8), NAME)).isEmpty();
    }

    @Test
    void anInterruptedUploadStopsPromptlyAndKeepsTheInterrupt() throws Exception {
        Path big = file("big.flv", 4 * PART);
        link.throttle(1 << 20);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread uploading = new Thread(() -> {
            try {
                target.upload(big, NAME, ProgressListener.NONE);
            } catch (Throwable e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        uploading.start();
        Thread.sleep(1500);
        long interrupted = System.nanoTime();

        uploading.interrupt();
        uploading.join(Duration.ofSeconds(10).toMillis());

        assertThat(uploading.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Duration.ofSeconds(6));
        assertThat(thrown.get()).isInstanceOf(StageInterrupted.class);
        assertThat(stillInterrupted).isTrue();
        long sent = link.bodyBytes();
        Thread.sleep(1500);
        assertThat(link.bodyBytes()).as("no part goes on after the interruption").isLessThan(sent + 256 * 1024);
    }

    @Test
    void aConnectionIdleLongerThanTheMaximumIsNotUsedAgainSoANatThatForgotItLosesNoRequest() throws Exception {
        Duration maxIdle = Duration.ofMillis(500);
        Path small = file("small.flv", 1000);
        try (ForgetfulNat nat = ForgetfulNat.to(server.endpoint(), maxIdle.multipliedBy(4));
             S3Target behindNat = new S3Target(new S3Settings(nat.endpoint(), "us-east-1", S3Server.BUCKET,
                     S3Server.ACCESS_KEY, S3Server.SECRET_KEY, "rec/", true, PART, 2), Duration.ofMinutes(5), journal,
                     maxIdle)) {
            behindNat.upload(small, "a.flv", ProgressListener.NONE);
            behindNat.upload(small, "b.flv", ProgressListener.NONE);
            assertThat(nat.connections()).as("a connection in use is kept alive").isEqualTo(1);

            Thread.sleep(maxIdle.multipliedBy(6).toMillis());   // the NAT has forgotten the connection by now

            assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> behindNat.upload(small, "c.flv", ProgressListener.NONE));
            assertThat(server.object("rec/c.flv")).isEqualTo(Files.readAllBytes(small));
            assertThat(nat.connections()).as("the idle connection was closed, a new one opened").isEqualTo(2);
        }
    }

    private Path file(String name, long size) {
        return TestMedia.randomFile(dir.resolve(name), size);
    }

    private static byte[] slice(byte[] content, int part) {
        int from = (int) ((part - 1) * PART);
        return java.util.Arrays.copyOfRange(content, from, (int) Math.min(content.length, from + PART));
    }

    private long rows(String table) {
        List<Map<String, Object>> count = JournalAccess.transaction(database.dataSource(),
                c -> JournalAccess.query(c, "SELECT COUNT(*) AS n FROM " + table));
        return ((Number) count.get(0).get("n")).longValue();
    }
}
