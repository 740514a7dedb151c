package io.nglive.webhook;

import static io.nglive.testing.OtherRecorders.BLREC_FILE;
import static io.nglive.testing.OtherRecorders.DDTV_FILE;
import static io.nglive.testing.OtherRecorders.blrecFile;
import static io.nglive.testing.OtherRecorders.blrecLiveBegan;
import static io.nglive.testing.OtherRecorders.ddtv;
import static io.nglive.testing.OtherRecorders.ddtvRecordingEnd;
import static io.nglive.testing.OtherRecorders.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nglive.events.EventLog;
import io.nglive.journal.Database;
import io.nglive.journal.FastTempDir;
import io.nglive.journal.JobJournal;
import io.nglive.testing.Webhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The beans of POST /webhook/blrec and /webhook/ddtv, wired as WebhookConfiguration wires them, with a real file
 * database: what blrec's events and DDTV's RecordingEnd become in the journal and the outbox.
 */
class OtherRecordersWebhookTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FLV = DDTV_FILE.substring(2);
    static final String FIXED = DDTV_FILE.replace("_original.flv", "_fix.mp4");

    @TempDir(factory = FastTempDir.class)
    Path data;
    @TempDir
    Path works;

    Database database;
    EventLog events;
    JobJournal journal;
    OpenRecordings openRecordings;
    WebhookIntake intake;
    BlrecWebhook blrec;
    DdtvWebhook ddtv;

    @BeforeEach
    void open() {
        WorksPath worksPath = new WorksPath(works);
        database = new Database(data);
        events = new EventLog(database.dataSource(), "test-node", JSON);
        journal = new JobJournal(database.dataSource());
        openRecordings = new OpenRecordings(database.dataSource());
        intake = new WebhookIntake(new WebhookReader(worksPath), events, journal, openRecordings,
                new WebhookMetrics(new SimpleMeterRegistry()));
        blrec = new BlrecWebhook(new BlrecReader(worksPath), intake);
        ddtv = new DdtvWebhook(new DdtvReader(worksPath), intake);
    }

    @AfterEach
    void close() {
        database.stop();
    }

    private List<Map<String, Object>> jobs() {
        return journal.list(null, null, 1000, 0);
    }

    private List<EventLog.Stored> stored() {
        return events.after(0, 100_000);
    }

    private String completed() {
        return write(blrecFile("VideoFileCompletedEvent", 23058, works.resolve(BLREC_FILE).toString()));
    }

    @Test
    void blrecVideoFileCompletedCreatesAJobOfRecorderBlrec() throws Exception {
        WebhookIntake.Accepted accepted = blrec.accept(completed());

        assertThat(accepted.type()).isEqualTo("FileClosed");
        assertThat(accepted.jobIds()).containsExactly(accepted.jobId());
        assertThat(jobs()).singleElement().satisfies(job -> {
            assertThat(job).containsEntry("file", BLREC_FILE).containsEntry("recorder", "blrec")
                    .containsEntry("status", "PENDING");
            assertThat(((Number) job.get("roomId")).longValue()).isEqualTo(23058L);
        });
        JsonNode event = JSON.readTree(stored().get(0).json());
        assertThat(event.path("type").asText()).isEqualTo("FileClosed");
        assertThat(event.path("recorder").asText()).isEqualTo("blrec");
        assertThat(event.path("file").asText()).isEqualTo(BLREC_FILE);
    }

    @Test
    void blrecEventIdTwiceIsStoredOnceAndAnsweredBothTimes() {
        String body = completed();

        WebhookIntake.Accepted first = blrec.accept(body);
        WebhookIntake.Accepted retry = blrec.accept(body);

        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.seq()).isEqualTo(first.seq());
        assertThat(retry.jobIds()).isEmpty();
        assertThat(stored()).hasSize(1);
        assertThat(jobs()).hasSize(1);
    }

    @Test
    void blrecVideoFileCreatedKeepsTheFileOpenUntilItIsCompleted() {
        blrec.accept(write(blrecFile("VideoFileCreatedEvent", 23058, works.resolve(BLREC_FILE).toString())));

        assertThat(openRecordings.all()).containsEntry(BLREC_FILE, 23058L);
        assertThat(jobs()).isEmpty();

        blrec.accept(completed());

        assertThat(openRecordings.all()).isEmpty();
        assertThat(jobs()).hasSize(1);
    }

    @Test
    void blrecDanmakuFileIsStoredWithoutAJob() throws Exception {
        String xml = BLREC_FILE.replace(".flv", ".xml");

        WebhookIntake.Accepted accepted = blrec.accept(
                write(blrecFile("DanmakuFileCompletedEvent", 23058, works.resolve(xml).toString())));

        assertThat(accepted.jobId()).isNull();
        assertThat(jobs()).isEmpty();
        assertThat(JSON.readTree(stored().get(0).json()).path("file").asText()).isEqualTo(xml);
    }

    @Test
    void blrecOtherEventTypesAreStoredAndIgnored() throws Exception {
        WebhookIntake.Accepted accepted = blrec.accept(write(blrecLiveBegan(23058)));

        assertThat(accepted.type()).isEqualTo("LiveBeganEvent");
        assertThat(accepted.jobId()).isNull();
        assertThat(jobs()).isEmpty();
        assertThat(JSON.readTree(stored().get(0).json()).at("/data/room_info/title").asText()).isEqualTo("哔哩哔哩音悦台");
    }

    @Test
    void blrecRefusedBodyTouchesNothing() {
        assertThatThrownBy(() -> blrec.accept(write(blrecFile("VideoFileCompletedEvent", 23058, "/etc/x.flv"))))
                .isInstanceOf(WebhookRejected.class);

        assertThat(stored()).isEmpty();
        assertThat(jobs()).isEmpty();
    }

    @Test
    void theSameFileFromBililiveRecorderAndBlrecIsOneJob() {
        blrec.accept(completed());

        WebhookIntake.Accepted again = intake.accept(Webhooks.fileClosed(23058, BLREC_FILE));

        assertThat(again.jobId()).isNull();
        assertThat(jobs()).singleElement().satisfies(job -> assertThat(job).containsEntry("recorder", "blrec"));
    }
    @Test
    void ddtvRecordingEndStoresEachFileAndMakesAJobOfTheFlv() {
        DdtvWebhook.Accepted accepted = ddtv.accept(write(ddtvRecordingEnd(23058, List.of(DDTV_FILE, FIXED))));

        assertThat(accepted.recordings()).extracting(WebhookIntake.Accepted::type).containsOnly("FileClosed");
        assertThat(stored()).hasSize(2);
        assertThat(jobs()).singleElement().satisfies(job -> {
            assertThat(job).containsEntry("file", FLV).containsEntry("recorder", "ddtv")
                    .containsEntry("title", "哔哩哔哩音悦台");
            assertThat(((Number) job.get("roomId")).longValue()).isEqualTo(23058L);
            assertThat(accepted.jobIds()).containsExactly(((Number) job.get("id")).longValue());
        });
    }

    @Test
    void ddtvAnswerNamesTheCmdAndEachRecording() {
        Map<String, Object> answer = ddtv.accept(write(ddtvRecordingEnd(23058, List.of(DDTV_FILE, FIXED)))).answer();

        assertThat(answer).containsEntry("code", 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) answer.get("data");
        assertThat(data).containsEntry("cmd", "RecordingEnd");
        assertThat((List<?>) data.get("recordings")).hasSize(2);
    }

    @Test
    void ddtvMessageSentTwiceIsStoredOnce() {
        String body = write(ddtvRecordingEnd(23058, List.of(DDTV_FILE, FIXED)));
        ddtv.accept(body);

        DdtvWebhook.Accepted again = ddtv.accept(body);

        assertThat(again.recordings()).extracting(WebhookIntake.Accepted::duplicate).containsOnly(true);
        assertThat(again.jobIds()).isEmpty();
        assertThat(stored()).hasSize(2);
        assertThat(jobs()).hasSize(1);
    }

    @Test
    void ddtvOtherCmdsStoreNothing() {
        DdtvWebhook.Accepted accepted = ddtv.accept(write(ddtv("StartRecording", 40104, 23058, List.of(DDTV_FILE))));

        assertThat(accepted.cmd()).isEqualTo("StartRecording");
        assertThat(accepted.recordings()).isEmpty();
        assertThat(stored()).isEmpty();
    }

    @Test
    void ddtvFileOutsideTheWorksPathRefusesTheMessageAndStoresNothing() {
        assertThatThrownBy(() -> ddtv.accept(write(ddtvRecordingEnd(23058, List.of(DDTV_FILE, "/etc/x.flv")))))
                .isInstanceOf(WebhookRejected.class).hasMessageContaining("VideoFile[1]");

        assertThat(stored()).isEmpty();
        assertThat(jobs()).isEmpty();
    }
}
