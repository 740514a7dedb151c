// In package io.nglive so that it can call SettingsReader.parseDuration, which is package-private.
package io.nglive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import io.nglive.central.CentralSettings;
import io.nglive.danmaku.DanmakuSettings;
import io.nglive.events.EventsSettings;
import io.nglive.notify.NotifySettings;
import io.nglive.pipeline.PipelineSettings;
import io.nglive.recorder.RecorderSettings;
import io.nglive.retention.MinFree;
import io.nglive.retention.RetentionSettings;
import io.nglive.rooms.RoomSettings;
import io.nglive.transcode.TranscodeMode;
import io.nglive.transcode.TranscodeSettings;
import io.nglive.transcode.VideoEncoder;
import io.nglive.upload.S3Settings;
import io.nglive.upload.UploadSettings;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {

    /** Every domain's settings of a node, read in the order the node's configuration classes read them. */
    private static final class Settings {
        final String nodeName;
        final Path worksPath;
        final Path outPath;
        final Path dataPath;
        final String apiToken;
        final TranscodeSettings transcode;
        final int transcodeWorkers;
        final int uploadWorkers;
        final boolean uploadDeleteLocal;
        final Duration progressInterval;
        final UploadSettings upload;
        final Map<String, UploadSettings> targets;
        final DanmakuSettings danmaku;
        final Duration heartbeatInterval;
        final Duration eventsRetention;
        final Duration eventsPruneInterval;
        final Optional<CentralSettings> central;
        final RecorderSettings recorder;
        final Set<Long> roomBlacklist;
        final RetentionSettings retention;

        Settings(SettingsReader reader) {
            ServerSettings server = ServerSettings.read(reader);
            NodeSettings node = NodeSettings.read(reader);
            nodeName = node.name();
            worksPath = node.worksPath();
            outPath = node.outPath();
            dataPath = server.dataPath();
            apiToken = server.apiToken();
            transcode = TranscodeSettings.read(reader);
            PipelineSettings pipeline = PipelineSettings.read(reader);
            transcodeWorkers = pipeline.transcodeWorkers();
            uploadWorkers = pipeline.uploadWorkers();
            uploadDeleteLocal = pipeline.uploadDeleteLocal();
            progressInterval = pipeline.progressInterval();
            upload = UploadSettings.read(reader);
            targets = UploadSettings.all(reader);
            danmaku = DanmakuSettings.read(reader);
            EventsSettings events = EventsSettings.read(reader);
            heartbeatInterval = events.heartbeatInterval();
            eventsRetention = events.retention();
            eventsPruneInterval = events.pruneInterval();
            recorder = RecorderSettings.read(reader, server);
            roomBlacklist = RoomSettings.read(reader).blacklist();
            NotifySettings.read(reader);
            central = CentralSettings.read(reader);
            retention = RetentionSettings.read(reader);
        }
    }

    @TempDir
    Path temp;

    /** The nglive.* settings of the project's application.properties, with directories under a temporary folder. */
    Map<String, String> props;

    @BeforeEach
    void defaults() throws Exception {
        Properties file = new Properties();
        try (var in = Files.newBufferedReader(Path.of(System.getProperty("user.dir"), "application.properties"),
                StandardCharsets.UTF_8)) {
            file.load(in);
        }
        props = new LinkedHashMap<>();
        for (String name : file.stringPropertyNames()) {
            if (name.startsWith("nglive.") || name.startsWith("camel.server.")) {
                props.put(name, file.getProperty(name).trim());
            }
        }
        props.put("nglive.works-path", Files.createDirectories(temp.resolve("works")).toString());
        props.put("nglive.out-path", temp.resolve("out").toString());
        props.put("nglive.data-path", temp.resolve("data").toString());
        props.put("nglive.upload.dir", temp.resolve("archive").toString());
        props.put("nglive.node.name", "test-node");
    }

    private Settings settings() {
        Properties initial = new Properties();
        initial.putAll(props);
        DefaultCamelContext context = new DefaultCamelContext();
        try {
            context.getPropertiesComponent().setInitialProperties(initial);
            return new Settings(new SettingsReader(context.getPropertiesComponent()));
        } finally {
            context.stop();
        }
    }

    private InvalidSetting invalid() {
        Throwable thrown = catchThrowable(this::settings);
        assertThat(thrown).isExactlyInstanceOf(InvalidSetting.class);
        return (InvalidSetting) thrown;
    }

    @Test
    void defaultsOfApplicationPropertiesAreValid() {
        Settings settings = settings();

        assertThat(settings.nodeName).isEqualTo("test-node");
        assertThat(settings.transcode.mode()).isEqualTo(TranscodeMode.COPY);
        assertThat(settings.transcode.encoder()).isEqualTo(VideoEncoder.X264);
        assertThat(settings.transcodeWorkers).isEqualTo(1);
        assertThat(settings.uploadWorkers).isEqualTo(1);
        assertThat(settings.uploadDeleteLocal).isFalse();
        assertThat(settings.heartbeatInterval).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.progressInterval).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.apiToken).isEmpty();
        assertThat(settings.upload.target()).isEqualTo("file");
        assertThat(settings.worksPath).isDirectory().isAbsolute();
        assertThat(settings.outPath).isDirectory();
        assertThat(settings.dataPath).isDirectory();
        assertThat(temp.resolve("archive")).isDirectory();
    }

    @Test
    void applicationPropertiesHasEverySettingWithItsDocumentedDefault() {
        assertThat(props).containsEntry("nglive.transcode.mode", "COPY")
                .containsEntry("nglive.transcode.encoder", "X264")
                .containsEntry("nglive.transcode.workers", "1")
                .containsEntry("nglive.upload.target", "file")
                .containsEntry("nglive.upload.workers", "1")
                .containsEntry("nglive.upload.delete-local", "false")
                .containsEntry("nglive.heartbeat.interval", "5s")
                .containsKeys("nglive.transcode.timeout", "nglive.transcode.retry-delay", "nglive.upload.timeout",
                        "nglive.upload.retry-delay", "nglive.upload.retry-max-delay", "nglive.events.progress-interval",
                        "nglive.upload.url", "nglive.upload.command", "nglive.api.token", "nglive.webhook.token");
    }

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "60s, PT1M",
        "5m, PT5M",
        "2h, PT2H",
        "7d, PT168H",
        "1h30m, PT1H30M",
        "'1h 30m', PT1H30M",
        "' 10s ', PT10S",
        "2H, PT2H",
        "0s, PT0S",
        "1m500ms, PT1M0.5S"})
    void parseDurationAccepts(String text, String expected) {
        assertThat(SettingsReader.parseDuration(text)).contains(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "5", "5x", "-5s", "s", "5 5s", "1h-30m", "1.5h", "5s!", "PT5S", "ms"})
    void parseDurationRejects(String text) {
        assertThat(SettingsReader.parseDuration(text)).isEmpty();
    }

    @Test
    void parseDurationRejectsANumberTooLongForALong() {
        Throwable thrown = catchThrowable(() -> assertThat(SettingsReader.parseDuration("99999999999999999999s")).isEmpty());

        assertThat(thrown).isNull();
    }

    @Test
    void parseDurationRejectsADurationTooLongForADuration() {
        Throwable thrown = catchThrowable(() -> assertThat(SettingsReader.parseDuration("9999999999999999d")).isEmpty());

        assertThat(thrown).isNull();
    }

    @Test
    void overlongDurationSettingIsNamedInTheError() {
        props.put("nglive.heartbeat.interval", "99999999999999999999s");

        assertThat(invalid()).hasMessageStartingWith("nglive.heartbeat.interval=");
    }

    @Test
    void retentionIsOffByDefault() {
        RetentionSettings retention = settings().retention;

        assertThat(retention.minFree().off()).isTrue();
        assertThat(retention.dryRun()).isFalse();
        assertThat(retention.interval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void retentionReadsBytesAndPercentages() {
        props.put("nglive.retention.min-free", "50GB");
        assertThat(settings().retention.minFree().of(1L << 50)).isEqualTo(50L << 30);

        props.put("nglive.retention.min-free", "10%");
        props.put("nglive.retention.dry-run", "true");
        RetentionSettings retention = settings().retention;
        assertThat(retention.minFree()).isEqualTo(MinFree.parse("10%").orElseThrow());
        assertThat(retention.minFree().of(1000)).isEqualTo(100);
        assertThat(retention.dryRun()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "150%", "100%", "-5GB", "10GBs", "5 PB", "%"})
    void badRetentionMinFreeIsNamedWithExamples(String value) {
        props.put("nglive.retention.min-free", value);

        assertThat(invalid()).hasMessageStartingWith("nglive.retention.min-free=" + value)
                .hasMessageContaining("50GB").hasMessageContaining("10%");
    }

    @Test
    void zeroRetentionIntervalIsRefused() {
        props.put("nglive.retention.interval", "0s");

        assertThat(invalid()).hasMessageStartingWith("nglive.retention.interval=0s");
    }

    @Test
    void badDurationSettingIsNamedWithExamples() {
        props.put("nglive.upload.retry-max-delay", "ten minutes");

        assertThat(invalid()).hasMessageStartingWith("nglive.upload.retry-max-delay=ten minutes")
                .hasMessageContaining("1h30m");
    }

    @Test
    void badTranscodeModeListsTheAcceptedValues() {
        props.put("nglive.transcode.mode", "FAST");

        InvalidSetting e = invalid();

        assertThat(e).hasMessageStartingWith("nglive.transcode.mode=FAST");
        for (TranscodeMode mode : TranscodeMode.values()) {
            assertThat(e.getMessage()).contains(mode.name());
        }
        assertThat(e.getMessage()).contains("NONE", "COPY", "CRF", "CQ", "B", "ABR", "VBR");
    }

    @Test
    void transcodeModeIsCaseInsensitive() {
        props.put("nglive.transcode.mode", "crf");
        props.put("nglive.transcode.encoder", "x265");

        Settings settings = settings();

        assertThat(settings.transcode.mode()).isEqualTo(TranscodeMode.CRF);
        assertThat(settings.transcode.encoder()).isEqualTo(VideoEncoder.X265);
    }

    @Test
    void badEncoderListsTheAcceptedValues() {
        props.put("nglive.transcode.encoder", "nvenc");

        assertThat(invalid()).hasMessageStartingWith("nglive.transcode.encoder=nvenc").hasMessageContaining("X264")
                .hasMessageContaining("X265");
    }

    @Test
    void nonNumberWorkersIsNamed() {
        props.put("nglive.transcode.workers", "many");

        assertThat(invalid()).hasMessageStartingWith("nglive.transcode.workers=many")
                .hasMessageContaining("whole number");
    }

    @Test
    void zeroUploadWorkersIsOutOfRange() {
        props.put("nglive.upload.workers", "0");

        assertThat(invalid()).hasMessageStartingWith("nglive.upload.workers=0").hasMessageContaining("between 1 and 64");
    }

    @Test
    void missingRequiredValueIsNamed() {
        props.put("nglive.transcode.crf", " ");

        assertThat(invalid()).hasMessageStartingWith("nglive.transcode.crf=").hasMessageContaining("required");
    }

    @Test
    void badPresetListsThePresets() {
        props.put("nglive.transcode.preset", "turbo");

        assertThat(invalid()).hasMessageStartingWith("nglive.transcode.preset=turbo").hasMessageContaining("veryfast");
    }

    @Test
    void namedTargetsAreReadWithTheirOwnSettingsAndTheDefaultTimeout() throws Exception {
        props.put("nglive.targets.nas.type", "file");
        props.put("nglive.targets.nas.dir", temp.resolve("nas").toString());
        props.put("nglive.targets.dav_2.type", "HTTP");
        props.put("nglive.targets.dav_2.url", "https://dav.example.com/live/");
        props.put("nglive.targets.dav_2.timeout", "1h");

        Map<String, UploadSettings> targets = settings().targets;
        assertThat(targets.keySet()).containsExactly("default", "dav_2", "nas");
        assertThat(targets.get("nas").dir()).isEqualTo(temp.resolve("nas")).isDirectory();
        assertThat(targets.get("nas").timeout()).isEqualTo(Duration.ofHours(6));
        assertThat(targets.get("dav_2").url()).hasToString("https://dav.example.com/live/");
        assertThat(targets.get("dav_2").timeout()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aNamedTargetWithoutWhatItsTypeNeedsIsNamed() {
        props.put("nglive.targets.dav.type", "http");
        assertThat(invalid()).hasMessageStartingWith("nglive.targets.dav.url=").hasMessageContaining("required");
        props.put("nglive.targets.dav.type", "ftp");
        assertThat(invalid()).hasMessageStartingWith("nglive.targets.dav.type=ftp").hasMessageContaining("file, http");
    }

    @Test
    void aTargetNamedOtherwiseThanAnEnvironmentVariableCanSayOrNamedDefaultIsRefused() {
        props.put("nglive.targets.my-nas.type", "none");
        assertThat(invalid()).hasMessageStartingWith("nglive.targets.my-nas.type=my-nas")
                .hasMessageContaining("letters, digits or '_'");
        props.remove("nglive.targets.my-nas.type");
        props.put("nglive.targets.default.type", "none");
        assertThat(invalid()).hasMessageStartingWith("nglive.targets.default.type=none")
                .hasMessageContaining("nglive.upload.*");
    }

    @Test
    void danmakuSettingsAreScaledToTheVideoAndABadOneIsNamed() {
        DanmakuSettings danmaku = settings().danmaku;
        assertThat(danmaku.ass()).isTrue();
        assertThat(danmaku.options(1280, 720).fontSize()).isEqualTo(25);
        assertThat(danmaku.options(1920, 1080).fontSize()).isEqualTo(38);

        props.put("nglive.danmaku.opacity", "80%");
        assertThat(invalid()).hasMessageStartingWith("nglive.danmaku.opacity=80%").hasMessageContaining("number");
        props.put("nglive.danmaku.opacity", "0.5");
        props.put("nglive.danmaku.block", "scroll, GIFTS");
        assertThat(invalid()).hasMessageStartingWith("nglive.danmaku.block=GIFTS").hasMessageContaining("COLOURED");
    }

    @Test
    void badDeleteLocalIsNamed() {
        props.put("nglive.upload.delete-local", "yes");

        assertThat(invalid()).hasMessageStartingWith("nglive.upload.delete-local=yes");
    }

    @Test
    void httpTargetWithoutUrlNamesTheUrlProperty() {
        props.put("nglive.upload.target", "http");

        assertThat(invalid()).hasMessageStartingWith("nglive.upload.url=").hasMessageContaining("required");
    }

    @Test
    void httpTargetWithANonHttpUrlNamesTheUrlProperty() {
        props.put("nglive.upload.target", "http");
        props.put("nglive.upload.url", "ftp://files.example/live");

        assertThat(invalid()).hasMessageStartingWith("nglive.upload.url=").hasMessageContaining("http://");
    }

    @Test
    void httpTargetWithAUrlIsAccepted() {
        props.put("nglive.upload.target", "HTTP");
        props.put("nglive.upload.url", "https://dav.example/live/");
        props.put("nglive.upload.user", "rec");

        Settings settings = settings();

        assertThat(settings.upload.target()).isEqualTo("http");
        assertThat(settings.upload.url()).hasToString("https://dav.example/live/");
        assertThat(settings.upload.user()).isEqualTo("rec");
    }

    @Test
    void invalidUrlErrorDoesNotShowItsPassword() {
        props.put("nglive.upload.target", "http");
        props.put("nglive.upload.url", "ftp://rec:hunter2@files.example/live");

        assertThat(invalid()).hasMessageStartingWith("nglive.upload.url=").hasMessageNotContaining("hunter2");
    }

    @Test
    void invalidUrlErrorDoesNotShowAPasswordContainingAnAt() {
        props.put("nglive.upload.target", "http");
        props.put("nglive.upload.url", "https://rec:se@cret@dav.example/live");

        Throwable thrown = catchThrowable(this::settings);

        if (thrown != null) {
            assertThat(thrown.getMessage()).doesNotContain("cret");
        }
    }

    @Test
    void commandTargetWithoutCommandNamesTheCommandProperty() {
        props.put("nglive.upload.target", "command");

        assertThat(invalid()).hasMessageStartingWith("nglive.upload.command=");
    }

    @Test
    void unknownUploadTargetListsTheTargets() {
        props.put("nglive.upload.target", "ftp");

        assertThat(invalid()).hasMessageStartingWith("nglive.upload.target=ftp")
                .hasMessageContaining("none").hasMessageContaining("file").hasMessageContaining("http")
                .hasMessageContaining("command").hasMessageContaining("s3");
    }

    @Test
    void s3TargetIsReadWithItsDefaultsAndANamedOneWithItsOwn() {
        props.put("nglive.upload.target", "S3");
        props.put("nglive.upload.s3.bucket", "live");
        props.put("nglive.upload.s3.access-key", "AKIA1");
        props.put("nglive.upload.s3.secret-key", "secret1");
        props.put("nglive.targets.minio.type", "s3");
        props.put("nglive.targets.minio.s3.endpoint", "http://127.0.0.1:9000");
        props.put("nglive.targets.minio.s3.bucket", "archive.2026");
        props.put("nglive.targets.minio.s3.access-key", "AKIA2");
        props.put("nglive.targets.minio.s3.secret-key", "secret2");
        props.put("nglive.targets.minio.s3.prefix", "live/");
        props.put("nglive.targets.minio.s3.part-size", "64 mb");
        props.put("nglive.targets.minio.s3.parallel", "8");

        Map<String, UploadSettings> targets = settings().targets;
        S3Settings aws = targets.get("default").s3();
        assertThat(aws).isEqualTo(new S3Settings(null, "us-east-1", "live", "AKIA1", "secret1", "", true, 16L << 20, 4));
        assertThat(aws.toString()).doesNotContain("secret1");
        assertThat(targets.get("minio").s3()).isEqualTo(new S3Settings(URI.create("http://127.0.0.1:9000"),
                "us-east-1", "archive.2026", "AKIA2", "secret2", "live/", true, 64L << 20, 8));
    }

    @ParameterizedTest
    @CsvSource({
        "nglive.upload.s3.part-size, 4MB, 'must be between 5MB and 5GB'",
        "nglive.upload.s3.part-size, 6GB, 'must be between 5MB and 5GB'",
        "nglive.upload.s3.part-size, 16 megabytes, 'is not a size'",
        "nglive.upload.s3.parallel, 0, 'must be between 1 and 64'",
        "nglive.upload.s3.parallel, 65, 'must be between 1 and 64'",
        "nglive.upload.s3.path-style, yes, 'true or false'",
        "nglive.upload.s3.bucket, My_Bucket, 'not a bucket name'",
        "nglive.upload.s3.endpoint, minio:9000, 'http:// or https://'",
        "nglive.upload.s3.prefix, /live/, 'must not start with'",
        "nglive.upload.s3.secret-key, '', 'is required'"})
    void aWrongS3SettingIsNamed(String name, String value, String problem) {
        props.put("nglive.upload.target", "s3");
        props.put("nglive.upload.s3.bucket", "live");
        props.put("nglive.upload.s3.access-key", "AKIA1");
        props.put("nglive.upload.s3.secret-key", "secret1");
        props.put(name, value);

        assertThat(invalid()).hasMessageStartingWith(name + "=").hasMessageContaining(problem);
    }

    @ParameterizedTest
    @CsvSource({"5242880, 5242880", "512KB, 524288", "16MB, 16777216", "16mb, 16777216", "' 2 GB ', 2147483648",
        "1TB, 1099511627776"})
    void parseSizeAccepts(String text, long bytes) {
        assertThat(SettingsReader.parseSize(text)).contains(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MB", "-5MB", "5.5MB", "5 PB", "99999999999999999999", "9999999999TB"})
    void parseSizeRejects(String text) {
        assertThat(SettingsReader.parseSize(text)).isEmpty();
    }

    @Test
    void worksPathThatIsAFileIsNamed() throws Exception {
        Path file = Files.writeString(temp.resolve("not-a-dir"), "x");
        props.put("nglive.works-path", file.toString());

        assertThat(invalid()).hasMessageStartingWith("nglive.works-path=");
    }

    @Test
    void aWorksPathThatDoesNotExistIsNamedNotCreated() {
        Path typo = temp.resolve("typo/works");
        props.put("nglive.works-path", typo.toString());

        assertThat(invalid()).hasMessage("nglive.works-path=" + typo
                + ": does not exist (create it, or point nglive.works-path at the recorder's work directory)");
        assertThat(temp.resolve("typo")).doesNotExist();
    }

    @Test
    void aMissingFfmpegIsNamedAtStart() {
        props.put("nglive.transcode.ffmpeg", temp.resolve("bin/ffmpeg").toString());

        assertThat(invalid()).hasMessageStartingWith("nglive.transcode.ffmpeg=" + temp.resolve("bin/ffmpeg")
                + ": is not an executable file (install ffmpeg");
    }

    @Test
    void aMissingFfprobeIsNamedAtStartWhenItIsLookedUpOnThePath() {
        props.put("nglive.transcode.ffprobe", "ffprobe-nowhere");

        assertThat(invalid()).hasMessageStartingWith("nglive.transcode.ffprobe=ffprobe-nowhere: is not a program on the PATH");
    }

    @Test
    void withoutTranscodingFfmpegIsNotNeeded() {
        props.put("nglive.transcode.mode", "NONE");
        props.put("nglive.transcode.ffmpeg", "ffmpeg-nowhere");
        props.put("nglive.transcode.ffprobe", "ffprobe-nowhere");

        assertThat(settings().transcode.mode()).isEqualTo(TranscodeMode.NONE);
    }

    @Test
    void missingDirectoriesAreCreated() {
        props.put("nglive.out-path", temp.resolve("deep/er/out").toString());

        assertThat(settings().outPath).isDirectory();
    }

    @Test
    void nodeNameDefaultsToSomething() {
        props.put("nglive.node.name", "  ");

        assertThat(settings().nodeName).isNotBlank();
    }

    @Test
    void theRecorderDefaultsToItsLocalApiWithoutSupervision() {
        Settings settings = settings();

        assertThat(settings.recorder.url()).hasToString("http://127.0.0.1:2356");
        assertThat(settings.recorder.supervised()).isFalse();
        assertThat(settings.recorder.hasCredentials()).isFalse();
        assertThat(settings.recorder.scanInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.recorder.syncInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.recorder.webhookUrl()).isEqualTo("http://127.0.0.1:8100/webhook");
        assertThat(settings.roomBlacklist).isEmpty();
    }

    @Test
    void theRegisteredWebhookUrlCarriesTheWebhookToken() {
        props.put("nglive.webhook.token", "s e/cr&t");
        props.put("camel.server.host", "0.0.0.0");
        props.put("camel.server.port", "8200");

        assertThat(settings().recorder.webhookUrl()).isEqualTo("http://127.0.0.1:8200/webhook?token=s+e%2Fcr%26t");
    }

    @Test
    void anExplicitWebhookUrlIsUsedAndRegistrationCanBeTurnedOff() {
        props.put("nglive.recorder.webhook-url", "http://10.0.0.5:8100/webhook");
        assertThat(settings().recorder.webhookUrl()).isEqualTo("http://10.0.0.5:8100/webhook");

        props.put("nglive.recorder.register-webhook", "false");
        assertThat(settings().recorder.webhookUrl()).isNull();
    }

    @Test
    void aRecorderUrlWithCredentialsIsRefusedWithoutShowingThem() {
        props.put("nglive.recorder.url", "http://admin:hunter2@127.0.0.1:2356");

        InvalidSetting e = invalid();

        assertThat(e).hasMessageStartingWith("nglive.recorder.url=").hasMessageContaining("nglive.recorder.user");
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void theRecorderCommandMustNameAnExecutable() {
        props.put("nglive.recorder.command", temp.resolve("no such recorder") + " --flag");

        assertThat(invalid()).hasMessageStartingWith("nglive.recorder.command=").hasMessageContaining("executable");

        props.put("nglive.recorder.command", "java -Dx=1");
        Settings settings = settings();
        assertThat(settings.recorder.supervised()).isTrue();
        assertThat(settings.recorder.command()).containsExactly("java", "-Dx=1");

        props.put("nglive.recorder.url", "https://127.0.0.1:2356");
        assertThat(invalid()).as("nglive binds the recorder it starts with http")
                .hasMessageStartingWith("nglive.recorder.url=https://127.0.0.1:2356");
    }

    @Test
    void anEmptyRecorderUrlMeansWebhookOnlyWithNothingToRegister() {
        props.put("nglive.recorder.url", " ");

        Settings settings = settings();

        assertThat(settings.recorder.hasApi()).isFalse();
        assertThat(settings.recorder.url()).isNull();
        assertThat(settings.recorder.webhookUrl()).isNull();
        assertThat(settings.recorder.supervised()).isFalse();
    }

    @Test
    void aRecorderCommandNeedsARecorderUrl() {
        props.put("nglive.recorder.url", "");
        props.put("nglive.recorder.command", "java -Dx=1");

        assertThat(invalid()).hasMessageStartingWith("nglive.recorder.command=java -Dx=1")
                .hasMessageContaining("needs nglive.recorder.url").hasMessageContaining("webhook-only");
    }

    @Test
    void theBlacklistIsAListOfRoomIds() {
        props.put("nglive.rooms.blacklist", "23058, 3 ,,7");
        assertThat(settings().roomBlacklist).containsExactlyInAnyOrder(23058L, 3L, 7L);

        props.put("nglive.rooms.blacklist", "23058,abc");
        assertThat(invalid()).hasMessageStartingWith("nglive.rooms.blacklist=abc");

        props.put("nglive.rooms.blacklist", "0");
        assertThat(invalid()).hasMessageStartingWith("nglive.rooms.blacklist=0");
    }

    @Test
    void eventsAreKeptAWeekAndPrunedHourlyUnlessTheIntervalIsZero() {
        assertThat(settings().eventsRetention).isEqualTo(Duration.ofDays(7));
        assertThat(settings().eventsPruneInterval).isEqualTo(Duration.ofHours(1));

        props.put("nglive.events.prune-interval", "0s");
        assertThat(invalid()).hasMessageStartingWith("nglive.events.prune-interval=0s");
    }

    @Test
    void aScanIntervalOfZeroIsRefused() {
        props.put("nglive.recorder.scan-interval", "0s");

        assertThat(invalid()).hasMessageStartingWith("nglive.recorder.scan-interval=");
    }

    @Test
    void theCentralServerIsOffByDefaultAndAWebSocketUrlWhenSet() {
        assertThat(settings().central).isEmpty();

        props.put("nglive.central.url", "wss://central.example:8443/node?token=hunter2");
        assertThat(settings().central).hasValueSatisfying(central -> {
            assertThat(central.urls()).containsExactly(URI.create("wss://central.example:8443/node?token=hunter2"));
            assertThat(central.shown()).doesNotContain("hunter2");
            assertThat(central.retryDelay()).isEqualTo(Duration.ofSeconds(1));
            assertThat(central.retryMaxDelay()).isEqualTo(Duration.ofMinutes(1));
            assertThat(central.timeout()).isEqualTo(Duration.ofSeconds(30));
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://central.example/node?token=hunter2 | ws:// or wss://",
        "central.example:8080/node?token=hunter2    | ws:// or wss://",
        "ws:///node?token=hunter2                   | no host",
        "ws://central.example/node?token=hunter2#x  | fragment",
        "ws://central.example/{node}?token=hunter2  | not a URL"})
    void aCentralUrlThatCannotWorkIsRefusedWithoutItsToken(String url, String reason) {
        props.put("nglive.central.url", url);

        InvalidSetting e = invalid();

        assertThat(e).hasMessageStartingWith("nglive.central.url=").hasMessageContaining(reason);
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void severalCentralUrlsAreSeparatedBySpacesAndShownWithoutTheirTokens() {
        props.put("nglive.central.url", "wss://c1.example/nodes?token=hunter2   ws://c2.example:8100/nodes?token=hunter2");

        assertThat(settings().central).hasValueSatisfying(central -> {
            assertThat(central.urls()).containsExactly(URI.create("wss://c1.example/nodes?token=hunter2"),
                    URI.create("ws://c2.example:8100/nodes?token=hunter2"));
            assertThat(central.shown())
                    .isEqualTo("wss://c1.example/nodes?token=*** ws://c2.example:8100/nodes?token=***");
        });
    }

    @Test
    void aBadUrlAmongSeveralIsNamedWithoutItsToken() {
        props.put("nglive.central.url", "wss://c1.example/nodes?token=hunter2 https://c2.example/nodes?token=hunter2");

        InvalidSetting e = invalid();

        assertThat(e).hasMessageStartingWith("nglive.central.url=")
                .hasMessageEndingWith(": https://c2.example/nodes?token=***: must start with ws:// or wss://");
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void aCentralUrlListedTwiceIsRefused() {
        props.put("nglive.central.url", "ws://c1.example/nodes?token=hunter2 ws://C1.example:80/nodes?token=hunter2");

        InvalidSetting e = invalid();

        assertThat(e).hasMessageEndingWith(": ws://C1.example:80/nodes?token=***: listed twice");
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void aBackoffWhoseMaximumIsBelowItsFirstDelayIsRefused() {
        props.put("nglive.central.retry-max-delay", "500ms");
        assertThat(invalid()).hasMessageStartingWith("nglive.central.retry-max-delay=500ms")
                .hasMessageContaining("nglive.central.retry-delay");

        props.put("nglive.central.retry-max-delay", "1m");
        props.put("nglive.notify.retry-delay", "0s");
        assertThat(invalid()).hasMessageStartingWith("nglive.notify.retry-delay=0s");
    }
}
