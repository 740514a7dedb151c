package io.nglive.e2e;

import static io.nglive.e2e.PipelineIT.PATIENCE;
import static io.nglive.e2e.PipelineIT.ROOM_DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.nglive.testing.EventClient;
import io.nglive.testing.NgliveProcess;
import io.nglive.testing.TestMedia;
import io.nglive.testing.WebdavServer;
import io.nglive.testing.Webhooks;
import io.nglive.transcode.MediaProbe;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's building blocks through the real application: a recording with its danmaku file becomes an MP4 and
 * ASS subtitles, each file goes to the target the pipeline names, a choice on the room adds a step, and the job
 * says where each of its files went.
 */
class PipelineBlocksIT {

    @TempDir
    Path dir;

    @Test
    void theDefaultPipelineUploadsTheMp4TheSubtitlesAndTheDanmakuBesideEachOther() throws IOException {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).start();
             EventClient events = app.events(0)) {
            String name = TestMedia.hostileName("");
            Path room = Files.createDirectories(app.works().resolve(ROOM_DIR));
            TestMedia.flv(room, name + ".flv", 3);
            copyDanmaku("basic.xml", room.resolve(name + ".xml"));

            long jobId = app.json(app.webhook(Webhooks.fileClosed(23058, ROOM_DIR + "/" + name + ".flv")))
                    .at("/data/jobId").asLong();
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(jobId).path("status").asText().equals("DONE"));

            Path archived = app.archive().resolve(ROOM_DIR);
            assertThat(archived.resolve(name + ".mp4")).isRegularFile();
            assertThat(archived.resolve(name + ".xml")).hasSameBinaryContentAs(room.resolve(name + ".xml"));
            String ass = Files.readString(archived.resolve(name + ".ass"), StandardCharsets.UTF_8);
            assertThat(ass).as("laid out for the video's own size (320x240), the font scaled to it")
                    .contains("PlayResX: 320", "PlayResY: 240", "Style: Danmaku,Microsoft YaHei,8,");
            assertThat(ass.lines().filter(l -> l.startsWith("Dialogue:")).count()).isPositive();

            assertThat(PipelineIT.collapse(events.typesOfJob(jobId))).containsExactly(
                    "TranscodeStarted", "IsTranscode", "TranscodeEnded", "DanmakuStarted", "IsDanmaku", "DanmakuEnded",
                    "UpStarted", "IsUp", "UpEnded", "UpStarted", "IsUp", "UpEnded", "UpStarted", "IsUp", "UpEnded");
            JsonNode converted = events.await(e -> e.path("type").asText().equals("DanmakuEnded"), PATIENCE);
            assertThat(converted.path("comments").asInt()).isPositive();
            assertThat(converted.path("truncated").asBoolean()).isFalse();
            assertThat(converted.path("size").asText()).isEqualTo("320x240");

            JsonNode artifacts = app.job(jobId).path("artifacts");
            assertThat(names(artifacts)).containsExactly("recording", "danmaku", "mp4", "ass");
            for (JsonNode artifact : artifacts) {
                String expected = switch (artifact.path("name").asText()) {
                    case "recording" -> "[]";
                    default -> "[" + app.archive().resolve(ROOM_DIR).toRealPath() + "/" + name
                            + extension(artifact.path("name").asText()) + "]";
                };
                List<String> urls = new ArrayList<>();
                artifact.path("uploads").forEach(u -> {
                    assertThat(u.path("target").asText()).isEqualTo("default");
                    urls.add(u.path("url").asText());
                });
                assertThat(urls).as(artifact.path("name").asText()).hasToString(expected);
            }
        }
    }

    @Test
    void eachFileGoesToTheTargetThePipelineNamesAndAChoiceOnTheRoomAddsAStep() throws IOException {
        try (WebdavServer webdav = WebdavServer.start(Files.createDirectories(dir.resolve("webdav")));
             NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                     .set("nglive.targets.dav.type", "http")
                     .set("nglive.targets.dav.url", webdav.url().resolve("/live/").toString())
                     .env("NGLIVE_TARGETS_NAS_TYPE", "file")
                     .env("NGLIVE_TARGETS_NAS_DIR", Files.createDirectories(dir.resolve("nas")).toString())
                     .editRoute("30-pipeline.camel.yaml", """
                                     - to: kamelet:danmaku
                                     - to: kamelet:burn
                                     - to: kamelet:replica-gate
                                     - to: kamelet:upload
                                     - to: "kamelet:upload?artifact=ass"
                                     - to: "kamelet:upload?artifact=danmaku"
                             """, """
                                     - to: kamelet:danmaku
                                     - to: kamelet:replica-gate
                                     - to: "kamelet:upload?artifact=mp4&target=dav"
                                     - to: "kamelet:upload?artifact=ass&target=nas"
                                     - to: "kamelet:upload?artifact=danmaku&target=nas"
                                     - to: "kamelet:cover?at=50%"
                                     - to: "kamelet:upload?artifact=cover&target=nas"
                                     - choice:
                                         when:
                                           - simple: "${header.NgliveRoomId} in '23058,21452505'"
                                             steps:
                                               - to: "kamelet:upload?artifact=recording&target=nas"
                                           - simple: "${header.NgliveRecordingSize} > 1000"
                                             steps:
                                               - to: "kamelet:transcode?mode=CRF&writes=small"
                                               - to: "kamelet:upload?artifact=small&target=dav"
                             """)
                     .start()) {
            Path room = Files.createDirectories(app.works().resolve("23058"));
            TestMedia.flv(room, "a.flv", 2);
            copyDanmaku("basic.xml", room.resolve("a.xml"));
            Path other = Files.createDirectories(app.works().resolve("7777"));
            TestMedia.flv(other, "b.flv", 2);

            long first = app.json(app.webhook(Webhooks.fileClosed(23058, "23058/a.flv"))).at("/data/jobId").asLong();
            long second = app.json(app.webhook(Webhooks.fileClosed(7777, "7777/b.flv"))).at("/data/jobId").asLong();
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(first).path("status").asText().equals("DONE")
                    && app.job(second).path("status").asText().equals("DONE"));

            assertThat(webdav.root().resolve("live/23058/a.mp4")).isRegularFile();
            assertThat(webdav.root().resolve("live/23058/a.ass")).doesNotExist();
            assertThat(dir.resolve("nas/23058/a.ass")).isRegularFile();
            assertThat(dir.resolve("nas/23058/a.xml")).isRegularFile();
            assertThat(dir.resolve("nas/23058/a.flv")).as("the choice on room 23058").isRegularFile();
            MediaProbe.Info cover = new MediaProbe("ffprobe").probe(dir.resolve("nas/23058/a.jpg"));
            assertThat(cover.first("video").orElseThrow().codec()).isEqualTo("mjpeg");
            assertThat(new MediaProbe("ffprobe").videoSize(dir.resolve("nas/23058/a.jpg")))
                    .contains(new MediaProbe.Size(320, 240));
            assertThat(app.archive().resolve("23058")).as("nothing went to the default target").doesNotExist();

            assertThat(webdav.root().resolve("live/23058/a.small.mp4")).as("the first match of the choice only")
                    .doesNotExist();
            assertThat(webdav.root().resolve("live/7777/b.mp4")).isRegularFile();
            assertThat(dir.resolve("nas/7777/b.jpg")).isRegularFile();
            assertThat(dir.resolve("nas/7777/b.xml")).as("no danmaku").doesNotExist();
            assertThat(dir.resolve("nas/7777/b.flv")).as("not the room of the choice").doesNotExist();
            assertThat(webdav.root().resolve("live/7777/b.small.mp4")).as("the choice on the size").isRegularFile();
            assertThat(new MediaProbe("ffprobe").probe(webdav.root().resolve("live/7777/b.small.mp4")).videoCodec())
                    .contains("h264");
            assertThat(artifact(app.job(second), "small").path("kind").asText()).isEqualTo("file");

            JsonNode mp4 = artifact(app.job(first), "mp4");
            assertThat(mp4.at("/uploads/0/target").asText()).isEqualTo("dav");
            assertThat(mp4.at("/uploads/0/url").asText()).endsWith("/live/23058/a.mp4");
            assertThat(artifact(app.job(first), "recording").at("/uploads/0/target").asText()).isEqualTo("nas");
            assertThat(app.log()).contains("target dav: by HTTP PUT to", "target nas: to the folder");
        }
    }

    @Test
    void aTargetThePipelineNamesButNobodySetFailsTheJobOnceWithTheTargetsThatExist() throws IOException {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app"))
                .editRoute("30-pipeline.camel.yaml", "        - to: kamelet:upload\n",
                        "        - to: \"kamelet:upload?target=nsa\"\n")
                .start()) {
            TestMedia.flv(Files.createDirectories(app.works().resolve("5")), "c.flv", 1);
            long jobId = app.json(app.webhook(Webhooks.fileClosed(5, "5/c.flv"))).at("/data/jobId").asLong();
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(jobId).path("status").asText().equals("FAILED"));

            JsonNode job = app.job(jobId);
            assertThat(job.path("error").asText()).contains("'nsa'", "[default]", "nglive.targets.<name>.type");
            assertThat(job.path("attempts").asInt()).as("a mistake in the pipeline is not retried").isEqualTo(1);
        }
    }

    @Test
    void aDanmakuFileThatIsNotDanmakuIsReportedAndTheVideoAndTheFileStillGoToTheArchive() throws IOException {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).start();
             EventClient events = app.events(0)) {
            Path room = Files.createDirectories(app.works().resolve("6"));
            TestMedia.flv(room, "d.flv", 1);
            Files.writeString(room.resolve("d.xml"), "this is not XML at all");
            long jobId = app.json(app.webhook(Webhooks.fileClosed(6, "6/d.flv"))).at("/data/jobId").asLong();
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(jobId).path("status").asText().equals("DONE"));

            assertThat(app.archive().resolve("6/d.mp4")).isRegularFile();
            assertThat(app.archive().resolve("6/d.xml")).as("the file as it is: nothing is lost").isRegularFile();
            assertThat(app.archive().resolve("6/d.ass")).doesNotExist();
            JsonNode error = events.await(e -> e.path("type").asText().equals("DanmakuError"), PATIENCE);
            assertThat(error.path("error").asText()).contains("6/d.xml", "not with XML's '<'");
            assertThat(error.path("retrying").asBoolean()).isFalse();
            assertThat(error.path("jobGoesOn").asBoolean()).isTrue();
            JsonNode step = app.job(jobId).path("steps").findParents("stage").stream()
                    .filter(s -> s.path("stage").asText().equals("danmaku")).findFirst().orElseThrow();
            assertThat(step.path("status").asText()).isEqualTo("FAILED");
        }
    }

    @Test
    void withBurnTheArchivedVideoIsTheOneWithTheCommentsInItsPicture() throws IOException {
        try (NgliveProcess app = new NgliveProcess(dir.resolve("app")).set("nglive.danmaku.burn", "true").start();
             EventClient events = app.events(0)) {
            String name = "录制 it's [a,b]; c:\\d";
            Path room = Files.createDirectories(app.works().resolve(ROOM_DIR));
            TestMedia.flv(room, name + ".flv", 2);
            copyDanmaku("basic.xml", room.resolve(name + ".xml"));

            long jobId = app.json(app.webhook(Webhooks.fileClosed(23058, ROOM_DIR + "/" + name + ".flv")))
                    .at("/data/jobId").asLong();
            Awaitility.await().atMost(PATIENCE).until(() -> app.job(jobId).path("status").asText().equals("DONE"));

            Path archived = app.archive().resolve(ROOM_DIR);
            assertThat(archived.resolve(name + ".burnt.mp4")).isRegularFile();
            assertThat(archived.resolve(name + ".mp4")).as("the video is the burnt one").doesNotExist();
            assertThat(archived.resolve(name + ".ass")).isRegularFile();
            assertThat(archived.resolve(name + ".xml")).isRegularFile();
            assertThat(new MediaProbe("ffprobe").probe(archived.resolve(name + ".burnt.mp4")).videoCodec())
                    .contains("h264");

            JsonNode burn = events.await(e -> e.path("type").asText().equals("TranscodeEnded")
                    && e.has("subtitles"), PATIENCE);
            assertThat(burn.path("mode").asText()).as("COPY cannot filter: a CRF re-encode").isEqualTo("CRF");
            assertThat(burn.path("subtitles").asText()).isEqualTo(ROOM_DIR + "/" + name + ".ass");
            assertThat(names(app.job(jobId).path("artifacts"))).containsExactly("recording", "danmaku", "mp4", "ass",
                    "burnt");
        }
    }

    private static JsonNode artifact(JsonNode job, String name) {
        for (JsonNode a : job.path("artifacts")) {
            if (a.path("name").asText().equals(name)) {
                return a;
            }
        }
        throw new AssertionError("no artifact " + name + " in " + job);
    }

    private static List<String> names(JsonNode artifacts) {
        List<String> names = new ArrayList<>();
        artifacts.forEach(a -> names.add(a.path("name").asText()));
        return names;
    }

    private static String extension(String artifact) {
        return switch (artifact) {
            case "danmaku" -> ".xml";
            default -> "." + artifact;
        };
    }

    private static void copyDanmaku(String fixture, Path to) throws IOException {
        try (InputStream in = PipelineBlocksIT.class.getResourceAsStream("/danmaku/" + fixture)) {
            Files.copy(in, to);
        }
    }
}
