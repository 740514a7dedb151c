package io.nglive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** A misspelt nglive.* name, wherever it is set, stops the start with the nearest known name. */
class KnownSettingsTest {

    private final KnownSettings known = KnownSettings.bundled();
    private final Properties none = new Properties();

    @Test
    void aTypoInTheFileIsNamedWithTheNearestSetting() {
        Properties file = properties("nglive.tanscode.mode", "CRF");

        assertThat(known.unknown(file, none, Map.of())).containsExactly(
                "unknown setting nglive.tanscode.mode in application.properties: did you mean nglive.transcode.mode?");
    }

    @Test
    void aTypoInASystemPropertyIsNamedAsTheOptionWasWritten() {
        Properties system = properties("nglive.upload.retires", "1");

        assertThat(known.unknown(none, system, Map.of())).containsExactly(
                "unknown setting -Dnglive.upload.retires: did you mean -Dnglive.upload.retries?");
    }

    @Test
    void aTypoInAnEnvironmentVariableIsNamedWithTheVariableAndItsSetting() {
        assertThat(known.unknown(none, none, Map.of("NGLIVE_WORKS_PATHH", "/rec"))).containsExactly(
                "unknown setting NGLIVE_WORKS_PATHH in the environment: did you mean NGLIVE_WORKS_PATH"
                        + " (nglive.works-path)?");
    }

    @Test
    void theSettingsOfNamedTargetsAreKnownWhateverTheNameButNotAKeyATargetLacks() {
        Properties file = properties("nglive.targets.nas.type", "file");
        file.setProperty("nglive.targets.nas.dir", "/mnt/nas");
        file.setProperty("nglive.targets.nas.dri", "/mnt/nas");
        Properties system = properties("nglive.targets.dav.url", "https://dav.example.com/");

        assertThat(known.unknown(file, system, Map.of("NGLIVE_TARGETS_MY_NAS_TYPE", "file",
                "NGLIVE_TARGETS_MY_NAS_DIRR", "/x"))).containsExactly(
                "unknown setting nglive.targets.nas.dri in application.properties: did you mean nglive.targets.nas.dir?",
                "unknown setting NGLIVE_TARGETS_MY_NAS_DIRR in the environment: did you mean NGLIVE_TARGETS_MY_NAS_DIR"
                        + " (nglive.targets.my_nas.dir)?");
    }

    @Test
    void anS3TargetsDottedKeysAreKnownAndATypoInOneIsNamedWithTheSameTarget() {
        Properties file = properties("nglive.targets.minio.type", "s3");
        file.setProperty("nglive.targets.minio.s3.bucket", "live");
        file.setProperty("nglive.targets.minio.s3.part-size", "32MB");
        file.setProperty("nglive.targets.minio.s3.bukcet", "live");
        file.setProperty("nglive.targets.minio.s3xbucket", "live");

        assertThat(known.unknown(file, none, Map.of("NGLIVE_TARGETS_MINIO_S3_SECRET_KEY", "x",
                "NGLIVE_UPLOAD_S3_PARALLEL", "8", "NGLIVE_TARGETS_MY_MINIO_S3_PART_SIZ", "8MB"))).containsExactly(
                "unknown setting nglive.targets.minio.s3.bukcet in application.properties: did you mean"
                        + " nglive.targets.minio.s3.bucket?",
                "unknown setting nglive.targets.minio.s3xbucket in application.properties: did you mean"
                        + " nglive.targets.minio.s3.bucket?",
                "unknown setting NGLIVE_TARGETS_MY_MINIO_S3_PART_SIZ in the environment: did you mean"
                        + " NGLIVE_TARGETS_MY_MINIO_S3_PART_SIZE (nglive.targets.my_minio.s3.part-size)?");
    }

    @Test
    void everyTypoIsNamedAtOnce() {
        Properties file = properties("nglive.tanscode.mode", "CRF");
        file.setProperty("nglive.upload.retires", "1");

        assertThat(known.unknown(file, none, Map.of("NGLIVE_WORKS_PATHH", "/rec"))).hasSize(3);
    }

    @Test
    void knownNamesOtherPrefixesAndTheLaunchScriptsVariableAreAccepted() {
        Properties file = properties("nglive.transcode.mode", "CRF");
        file.setProperty("camel.server.port", "8101");
        Properties system = properties("nglive.upload.retries", "1");
        system.setProperty("java.home", "/usr");

        assertThat(known.unknown(file, system, Map.of("NGLIVE_WORKS_PATH", "/rec", "NGLIVE_HOME", "/opt/nglive",
                "PATH", "/bin"))).isEmpty();
    }

    @Test
    void theDefaultsAreThoseOfTheProjectsApplicationProperties() {
        assertThat(known.defaultValue("nglive.works-path")).contains("./works");
        assertThat(known.defaultValue("nglive.tanscode.mode")).isEmpty();
    }

    /** Every name the code and the routes read is known: otherwise setting it would stop the start. */
    @Test
    void everyNameTheCodeAndTheRoutesReadIsKnown() throws IOException {
        Pattern name = Pattern.compile("\"(nglive\\.[a-z0-9.-]*[a-z0-9])\"|\\{\\{(?:[a-z]+:)?(nglive\\.[a-z0-9.-]+)[}:]");
        Set<String> read = new TreeSet<>();
        for (Path root : new Path[] {Path.of("src/main/java"), Path.of("routes")}) {
            try (Stream<Path> files = Files.walk(root)) {
                // meters are named under nglive. too (PipelineMetrics, WebhookMetrics): not settings
                for (Path file : files.filter(Files::isRegularFile)
                        .filter(f -> !f.getFileName().toString().endsWith("Metrics.java")).toList()) {
                    Matcher m = name.matcher(Files.readString(file, StandardCharsets.UTF_8));
                    while (m.find()) {
                        read.add(m.group(1) != null ? m.group(1) : m.group(2));
                    }
                }
            }
        }
        Properties asRead = new Properties();
        read.forEach(n -> asRead.setProperty(n, ""));

        assertThat(read).contains("nglive.works-path", "nglive.transcode.ffmpeg", "nglive.jobs.sweep-interval");
        assertThat(known.unknown(asRead, none, Map.of())).isEmpty();
    }

    private static Properties properties(String name, String value) {
        Properties properties = new Properties();
        properties.setProperty(name, value);
        return properties;
    }
}
