package io.nglive.webhook;

import static io.nglive.webhook.RecorderFixtures.V2_FILE_CLOSED_PATH;
import static io.nglive.webhook.RecorderFixtures.v2;
import static io.nglive.webhook.RecorderFixtures.v2Data;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.journal.FastTempDir;
import io.nglive.journal.JobJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The works-path scan: a recording whose FileClosed was lost gets its job once; open and growing files are left alone. */
class RecordingScanTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration QUIET = Duration.ofMinutes(1);
    static final String OTHER_PATH = "23058-3号直播间/录制-23058-20240317-213001-100-哔哩哔哩音悦台.flv";

    @TempDir(factory = FastTempDir.class)
    Path data;
    @TempDir
    Path works;

    Database database;
    EventLog events;
    JobJournal journal;
    WebhookIntake intake;
    RecordingScan scan;
    Instant firstStart = Instant.now().minus(Duration.ofDays(1));
    final Set<Long> idleRooms = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void open() throws IOException {
        database = new Database(data);
        events = new EventLog(database.dataSource(), "test-node", JSON);
        journal = new JobJournal(database.dataSource());
        OpenRecordings open = new OpenRecordings(database.dataSource());
        WorksPath worksPath = new WorksPath(works.toRealPath());
        intake = new WebhookIntake(new WebhookReader(worksPath), events, journal, open,
                new WebhookMetrics(new SimpleMeterRegistry()));
        scan = new RecordingScan(worksPath, List.of(works.toRealPath().resolve("out")), journal, events, open,
                idleRooms::contains, QUIET, () -> firstStart);
    }

    @AfterEach
    void close() {
        database.stop();
    }

    @Test
    void aRecordingWhoseFileClosedNeverCameGetsItsJob() throws Exception {
        recording(V2_FILE_CLOSED_PATH, ago(Duration.ofMinutes(2)));

        assertThat(scan.scan()).as("the first scan only looks").isEmpty();
        List<Long> created = scan.scan();

        assertThat(created).hasSize(1);
        Map<String, Object> job = journal.find(created.get(0)).orElseThrow();
        assertThat(job).containsEntry("file", V2_FILE_CLOSED_PATH).containsEntry("roomId", 23058L)
                .containsEntry("title", "哔哩哔哩音悦台").containsEntry("status", JobJournal.PENDING);
        JsonNode event = JSON.readTree(events.after(0, 10).get(0).json());
        assertThat(event.path("type").asText()).isEqualTo("FileClosed");
        assertThat(event.path("recovered").asBoolean()).isTrue();
        assertThat(event.path("file").asText()).isEqualTo(V2_FILE_CLOSED_PATH);
        assertThat(event.path("fileSize").asLong()).isEqualTo(Files.size(works.resolve(V2_FILE_CLOSED_PATH)));
    }

    @Test
    void aSecondScanCreatesNoSecondJob() throws Exception {
        recording(V2_FILE_CLOSED_PATH, ago(Duration.ofMinutes(2)));

        assertThat(twoScans()).hasSize(1);
        assertThat(scan.scan()).isEmpty();
        assertThat(twoScans()).isEmpty();
        assertThat(journal.list(null, null, 10, 0)).hasSize(1);
        assertThat(events.after(0, 10)).hasSize(1);
    }

    @Test
    void aRecordingWhoseWebhookCameIsLeftAlone() throws Exception {
        recording(V2_FILE_CLOSED_PATH, ago(Duration.ofMinutes(2)));
        intake.accept(v2("FileClosed"));

        assertThat(twoScans()).isEmpty();
        assertThat(journal.list(null, null, 10, 0)).hasSize(1);
    }

    @Test
    void aFileModifiedWithinTheIntervalIsLeftAloneUntilItSettles() throws Exception {
        Path file = recording(V2_FILE_CLOSED_PATH, Instant.now());

        assertThat(twoScans()).as("still being written").isEmpty();

        Files.setLastModifiedTime(file, FileTime.from(ago(Duration.ofSeconds(61))));
        assertThat(twoScans()).hasSize(1);
    }

    @Test
    void anOpenRecordingIsLeftAloneEvenWhenQuiet() throws Exception {
        recording(V2_FILE_CLOSED_PATH, ago(Duration.ofMinutes(10)));
        intake.accept(v2("FileOpening"));

        assertThat(twoScans()).as("FileOpening without FileClosed").isEmpty();

        idleRooms.add(23058L);
        assertThat(twoScans()).as("the recorder says the room is not recording").hasSize(1);
    }

    @Test
    void theEndOfItsSessionClosesAnOpenRecording() throws Exception {
        recording(V2_FILE_CLOSED_PATH, ago(Duration.ofMinutes(10)));
        intake.accept(v2("FileOpening"));
        assertThat(twoScans()).isEmpty();

        intake.accept(v2("SessionEnded"));

        assertThat(twoScans()).hasSize(1);
    }

    @Test
    void theEndOfTheRoomsStreamClosesAnOpenRecordingWithoutAskingTheRecorder() throws Exception {
        recording(V2_FILE_CLOSED_PATH, ago(Duration.ofMinutes(10)));
        intake.accept(v2("FileOpening"));
        assertThat(twoScans()).isEmpty();

        // FileClosed and SessionEnded lost, and no recorder API to ask (webhook-only): StreamEnded still says it
        intake.accept(v2("StreamEnded"));

        assertThat(idleRooms).isEmpty();
        assertThat(twoScans()).hasSize(1);
    }

    @Test
    void theNextFileOfTheSameRoomClosesThePreviousOne() throws Exception {
        recording(V2_FILE_CLOSED_PATH, ago(Duration.ofMinutes(10)));
        recording(OTHER_PATH, ago(Duration.ofMinutes(5)));
        intake.accept(v2("FileOpening"));
        intake.accept(v2Data("FileOpening", data -> data.put("RelativePath", OTHER_PATH))
                .replace("6e7b33e5-4695-4d25-87ee-b09f66e20ba0", "6e7b33e5-4695-4d25-87ee-b09f66e20ba1"));

        List<Long> created = twoScans();

        assertThat(created).hasSize(1);
        assertThat(journal.find(created.get(0)).orElseThrow()).containsEntry("file", V2_FILE_CLOSED_PATH);
    }

    @Test
    void recordingsFromBeforeTheFirstStartAreLeftAlone() throws Exception {
        firstStart = ago(Duration.ofMinutes(30));
        recording("1-a/old.flv", ago(Duration.ofHours(2)));
        recording("1-a/new.flv", ago(Duration.ofMinutes(10)));

        List<Long> created = twoScans();

        assertThat(created).hasSize(1);
        assertThat(journal.find(created.get(0)).orElseThrow()).containsEntry("file", "1-a/new.flv");
    }

    @Test
    void onlyVisibleFlvFilesOutsideNglivesFoldersAreTaken() throws Exception {
        Instant old = ago(Duration.ofMinutes(5));
        recording("1-a/rec.xml", old);
        recording("1-a/rec.mp4", old);
        recording("1-a/.hidden.flv", old);
        recording(".cache/rec.flv", old);
        recording("out/1-a/rec.flv", old);
        Path outside = Files.createTempFile("outside", ".flv");
        Files.createDirectories(works.resolve("2-b"));
        Files.createSymbolicLink(works.resolve("2-b/link.flv"), outside);
        recording("3-c/录制 \"quoted\" & $(x).FLV", old);

        List<Long> created = twoScans();

        assertThat(created).hasSize(1);
        assertThat(journal.find(created.get(0)).orElseThrow())
                .containsEntry("file", "3-c/录制 \"quoted\" & $(x).FLV").containsEntry("roomId", null);
        Files.delete(outside);
    }

    @Test
    void theRoomIdAndTitleComeFromTheRecordersDefaultNames() {
        assertThat(RecordingScan.roomId(V2_FILE_CLOSED_PATH)).isEqualTo(23058L);
        assertThat(RecordingScan.title(V2_FILE_CLOSED_PATH)).isEqualTo("哔哩哔哩音悦台");
        assertThat(RecordingScan.roomId("731-某人/custom name.flv")).as("custom template").isNull();
        assertThat(RecordingScan.roomId("2024-03-17/录制.flv")).isNull();
        assertThat(RecordingScan.title("731-某人/custom name.flv")).isNull();
        assertThat(RecordingScan.roomId("recordings/custom.flv")).isNull();
        assertThat(RecordingScan.roomId("custom.flv")).isNull();
    }

    @Test
    void aFileThatChangedSinceThePreviousScanWaitsForTheNextOne() throws Exception {
        Path file = recording(V2_FILE_CLOSED_PATH, ago(Duration.ofMinutes(5)));
        assertThat(scan.scan()).isEmpty();

        // written to, yet dated in the past: a share whose clock lags behind nglive's
        Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Files.setLastModifiedTime(file, FileTime.from(ago(Duration.ofMinutes(4))));

        assertThat(scan.scan()).as("size and time changed since the last look").isEmpty();
        assertThat(scan.scan()).hasSize(1);
    }

    @Test
    void nglivesOwnFolderBeingTheWorksPathItselfDoesNotHideTheRecordings() throws Exception {
        RecordingScan everywhere = new RecordingScan(new WorksPath(works.toRealPath()), List.of(works.toRealPath()),
                journal, events, new OpenRecordings(database.dataSource()), idleRooms::contains, QUIET,
                () -> firstStart);
        recording(V2_FILE_CLOSED_PATH, ago(Duration.ofMinutes(2)));

        everywhere.scan();

        assertThat(everywhere.scan()).hasSize(1);
    }

    /** A file is taken by the second scan that sees it unchanged. */
    private List<Long> twoScans() {
        scan.scan();
        return scan.scan();
    }

    private Path recording(String relative, Instant modified) throws IOException {
        Path file = works.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {'F', 'L', 'V', 1, 5});
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private static Instant ago(Duration duration) {
        return Instant.now().minus(duration);
    }
}
