package io.nglive.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.journal.FastTempDir;
import io.nglive.journal.JobJournal;
import io.nglive.journal.JournalAccess;
import io.nglive.pipeline.FileRoots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which jobs' files retention deletes, on a pretend disk of {@link #TOTAL} bytes whose free space is what the files
 * under the test's folder leave: the oldest DONE first, only until there is enough, never a job that is not DONE nor a
 * file outside the works and out paths, and nothing at all in a dry run.
 */
class RetentionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long TOTAL = 10_000;

    @TempDir(factory = FastTempDir.class)
    Path data;
    @TempDir
    Path disk;

    Database database;
    EventLog events;
    JobJournal journal;
    FileRoots roots;

    @BeforeEach
    void open() throws IOException {
        database = new Database(data);
        events = new EventLog(database.dataSource(), "node-a", JSON);
        journal = new JobJournal(database.dataSource());
        roots = new FileRoots(Files.createDirectories(disk.resolve("works")).toRealPath(),
                Files.createDirectories(disk.resolve("out")).toRealPath());
    }

    @AfterEach
    void close() {
        database.stop();
    }

    /** One pretend disk: free is what the files under the test's folder leave of {@link #TOTAL}. */
    private Retention.Space space(Path ignored) {
        return new Retention.Space("disk", TOTAL - used(disk, null), TOTAL);
    }

    /** The works path and the out path on two pretend disks of {@link #TOTAL} bytes each. */
    private Retention.Space twoDisks(Path path) {
        return path.startsWith(roots.out()) ? new Retention.Space("out", TOTAL - used(roots.out(), null), TOTAL)
                : new Retention.Space("works", TOTAL - used(disk, roots.out()), TOTAL);
    }

    /** The bytes of the files under {@code root}, those under {@code except} (when not null) left out. */
    private static long used(Path root, Path except) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> Files.isRegularFile(f) && (except == null || !f.startsWith(except)))
                    .mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Retention retention(String minFree, boolean dryRun) {
        return retention(minFree, dryRun, this::space);
    }

    private Retention retention(String minFree, boolean dryRun, Retention.Disks disks) {
        return new Retention(journal, events, roots,
                new RetentionSettings(MinFree.parse(minFree).orElseThrow(), dryRun, Duration.ofMinutes(1)), disks);
    }

    /** A job in {@code status} whose recording (under the works path) and MP4 (under the out path) are 1000 bytes each. */
    private long job(String name, String status) throws IOException {
        Path flv = file(roots.works().resolve("7/" + name + ".flv"), 1000);
        long id = JournalAccess.transaction(database.dataSource(),
                c -> journal.create(c, 0, 7L, "s", "7/" + name + ".flv", name, null)).orElseThrow();
        journal.artifact(id, new JobJournal.Artifact("recording", "video", flv.toString(), "recorder"));
        journal.artifact(id, new JobJournal.Artifact("mp4", "video",
                file(roots.out().resolve("7/" + name + ".mp4"), 1000).toString(), "transcode"));
        setStatus(id, status);
        return id;
    }

    private void setStatus(long id, String status) {
        JournalAccess.transaction(database.dataSource(),
                c -> JournalAccess.update(c, "UPDATE job SET status = ? WHERE id = ?", status, id));
    }

    private static Path file(Path path, int size) throws IOException {
        Files.createDirectories(path.getParent());
        return Files.write(path, new byte[size]);
    }

    private List<JsonNode> deletedEvents() throws IOException {
        List<JsonNode> found = new ArrayList<>();
        for (Map<String, Object> row : JournalAccess.transaction(database.dataSource(), c -> JournalAccess.query(c,
                "SELECT body FROM event WHERE type = ? ORDER BY seq", Retention.EVENT))) {
            found.add(JSON.readTree((String) row.get("body")));
        }
        return found;
    }

    private Map<String, Object> find(long id) {
        return journal.find(id).orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> artifacts(long id) {
        return (List<Map<String, Object>>) find(id).get("artifacts");
    }

    @Test
    void theOldestDoneJobsGoFirstAndOnlyUntilThereIsEnoughFreeSpace() throws IOException {
        long first = job("a", JobJournal.DONE);
        long second = job("b", JobJournal.DONE);
        long third = job("c", JobJournal.DONE);
        file(disk.resolve("filler"), 3000);

        // free 1000; each job holds 2000: after the first 3000, after the second 5000
        assertThat(retention("4500", false).check()).containsExactly(first, second);

        assertThat(roots.works().resolve("7/a.flv")).doesNotExist();
        assertThat(roots.out().resolve("7/b.mp4")).doesNotExist();
        assertThat(roots.works().resolve("7/c.flv")).exists();
        assertThat(roots.out().resolve("7/c.mp4")).exists();
        List<JsonNode> deleted = deletedEvents();
        assertThat(deleted).hasSize(2);
        assertThat(deleted.get(0).path("jobId").asLong()).isEqualTo(first);
        assertThat(deleted.get(0).path("roomId").asLong()).isEqualTo(7);
        assertThat(deleted.get(0).path("files").toString()).isEqualTo("[\"7/a.flv\",\"7/a.mp4\"]");
        assertThat(deleted.get(0).path("freed").asLong()).isEqualTo(2000);
        assertThat(deleted.get(0).has("dryRun")).isFalse();
        assertThat(find(first).get("filesDeleted")).isNotNull();
        assertThat(artifacts(first)).allSatisfy(a -> assertThat(a.get("deleted")).isNotNull());
        assertThat(find(third).get("filesDeleted")).isNull();
        assertThat(artifacts(third)).allSatisfy(a -> assertThat(a.get("deleted")).isNull());

        assertThat(retention("4500", false).check()).as("enough free space now").isEmpty();
    }

    @Test
    void aJobThatIsNotDoneIsNeverTouchedWhateverTheDiskSays() throws IOException {
        long failed = job("a", JobJournal.FAILED);
        long running = job("b", JobJournal.RUNNING);
        long pending = job("c", JobJournal.PENDING);
        long done = job("d", JobJournal.DONE);

        assertThat(retention("99%", false).check()).containsExactly(done);

        for (String name : List.of("a", "b", "c")) {
            assertThat(roots.works().resolve("7/" + name + ".flv")).exists();
            assertThat(roots.out().resolve("7/" + name + ".mp4")).exists();
        }
        for (long id : List.of(failed, running, pending)) {
            assertThat(find(id).get("filesDeleted")).isNull();
        }
        assertThat(deletedEvents()).extracting(e -> e.path("jobId").asLong()).containsExactly(done);
        assertThat(retention("99%", false).check()).as("a DONE job's files are deleted once").isEmpty();
    }

    @Test
    void aPercentageIsOfTheFileSystemsSize() throws IOException {
        long first = job("a", JobJournal.DONE);
        job("b", JobJournal.DONE);
        file(disk.resolve("filler"), 5500);

        // free 500, 10% is 1000: the first job is enough
        assertThat(retention("10%", false).check()).containsExactly(first);
    }

    @Test
    void eachDiskIsCheckedAndOnlyAJobWithFilesOnTheShortOneIsDeletedWhole() throws IOException {
        long first = job("a", JobJournal.DONE);
        Files.delete(roots.out().resolve("7/a.mp4"));
        long second = job("b", JobJournal.DONE);
        file(roots.out().resolve("filler"), 8500);

        // the works disk has 8000 free, the out disk 500: the first job has nothing there
        assertThat(retention("1000", false, this::twoDisks).check()).containsExactly(second);

        assertThat(roots.works().resolve("7/a.flv")).exists();
        assertThat(roots.works().resolve("7/b.flv")).as("all of the job's files").doesNotExist();
        assertThat(find(first).get("filesDeleted")).isNull();
    }

    @Test
    void aDryRunDeletesNothingChangesNothingAndReportsEachJobOnce() throws IOException {
        long first = job("a", JobJournal.DONE);
        long second = job("b", JobJournal.DONE);
        job("c", JobJournal.DONE);
        file(disk.resolve("filler"), 3000);
        Retention retention = retention("4500", true);

        assertThat(retention.check()).as("what it would delete").containsExactly(first, second);

        assertThat(roots.works().resolve("7/a.flv")).exists();
        assertThat(roots.out().resolve("7/b.mp4")).exists();
        assertThat(find(first).get("filesDeleted")).isNull();
        assertThat(artifacts(first)).allSatisfy(a -> assertThat(a.get("deleted")).isNull());
        List<JsonNode> reported = deletedEvents();
        assertThat(reported).extracting(e -> e.path("jobId").asLong()).containsExactly(first, second);
        assertThat(reported).allSatisfy(e -> assertThat(e.path("dryRun").asBoolean()).isTrue());
        assertThat(reported.get(1).path("freed").asLong()).isEqualTo(2000);

        assertThat(retention.check()).containsExactly(first, second);
        assertThat(deletedEvents()).as("reported once").hasSize(2);
    }

    @Test
    void filesOutsideTheWorksAndOutPathsAreNeverDeleted() throws IOException {
        long id = job("a", JobJournal.DONE);
        Path outside = file(disk.resolve("elsewhere/a.ass"), 100);
        Path linked = file(disk.resolve("elsewhere/b.xml"), 100);
        Path link = Files.createSymbolicLink(roots.works().resolve("7/a.xml"), linked);
        journal.artifact(id, new JobJournal.Artifact("ass", "subtitles", outside.toString(), "danmaku"));
        journal.artifact(id, new JobJournal.Artifact("danmaku", "danmaku", link.toString(), "recorder"));
        journal.artifact(id, new JobJournal.Artifact("up", "file",
                roots.works().resolve("../elsewhere/a.ass").toString(), "user"));

        assertThat(retention("99%", false).check()).containsExactly(id);

        assertThat(outside).exists();
        assertThat(linked).exists();
        assertThat(link).exists();
        assertThat(deletedEvents().get(0).path("files").toString()).isEqualTo("[\"7/a.flv\",\"7/a.mp4\"]");
    }

    @Test
    void aJobFromBeforeArtifactsLosesItsRecordingAndTheJournalSaysSo() throws IOException {
        file(roots.works().resolve("7/old.flv"), 1000);
        long id = JournalAccess.transaction(database.dataSource(),
                c -> journal.create(c, 0, 7L, "s", "7/old.flv", "old", null)).orElseThrow();
        setStatus(id, JobJournal.DONE);

        assertThat(retention("99%", false).check()).containsExactly(id);

        assertThat(roots.works().resolve("7/old.flv")).doesNotExist();
        assertThat(artifacts(id)).singleElement().satisfies(a -> {
            assertThat(a.get("name")).isEqualTo("recording");
            assertThat(a.get("size")).isEqualTo(1000L);
            assertThat(a.get("deleted")).isNotNull();
        });
        assertThat(deletedEvents().get(0).path("freed").asLong()).isEqualTo(1000);
    }

    @Test
    void aRecordingTheRecorderHasOpenAgainIsLeftAlone() throws IOException {
        long id = job("a", JobJournal.DONE);
        JournalAccess.transaction(database.dataSource(), c -> JournalAccess.update(c,
                "INSERT INTO open_recording (file, room_id, opened) VALUES (?, 7, 'now')", "7/a.flv"));

        assertThat(retention("99%", false).check()).isEmpty();
        assertThat(find(id).get("filesDeleted")).isNull();
    }

    @Test
    void offDeletesNothing() throws IOException {
        job("a", JobJournal.DONE);
        file(disk.resolve("filler"), 7900);

        assertThat(retention("0", false).check()).isEmpty();
        assertThat(roots.works().resolve("7/a.flv")).exists();
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0, 0",
        "4096, 4096, 0",
        "50GB, 53687091200, 0",
        "'500 MB', 524288000, 0",
        "2k, 2048, 0",
        "1TiB, 1099511627776, 0",
        "10%, 0, 10",
        "'10 %', 0, 10",
        "2.5%, 0, 2.5",
    })
    void minFreeIsBytesWithAUnitOrAPercentage(String text, long bytes, String percent) {
        assertThat(MinFree.parse(text)).contains(new MinFree(bytes, new BigDecimal(percent)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "150%", "100%", "-1", "1.5GB", "10 GBs", "GB", "99999999999TB", "%"})
    void minFreeRefusesAnythingElse(String text) {
        assertThat(MinFree.parse(text)).isEqualTo(Optional.empty());
    }
}
