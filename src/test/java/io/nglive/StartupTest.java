package io.nglive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Startup does before Camel is built. */
class StartupTest {

    @TempDir
    Path dir;

    @Test
    void serverVariablesBecomeSystemPropertiesUnlessOneIsSetAlready() {
        Properties system = new Properties();
        system.setProperty("camel.server.host", "127.0.0.2");

        Startup.serverSettingsFromEnvironment(Map.of("CAMEL_SERVER_PORT", "8200", "CAMEL_SERVER_HOST", "0.0.0.0",
                "CAMEL_SERVER_MAX_BODY_SIZE", "2048", "CAMEL_MAIN_NAME", "x", "NGLIVE_NODE_NAME", "y"), system);

        assertThat(system).containsExactlyInAnyOrderEntriesOf(Map.of("camel.server.port", "8200",
                "camel.server.host", "127.0.0.2", "camel.server.max-body-size", "2048"));
    }

    @Test
    void noSettingsFileIsNamedWithTheDirectoryToStartFrom() {
        assertThat(Startup.problems(dir.resolve("application.properties"))).anySatisfy(problem ->
                assertThat(problem).startsWith("no application.properties in "));
    }

    @Test
    void aMisspeltNameInTheSettingsFileIsAProblem() throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"), "nglive.works-path = 录播\n"
                + "nglive.upload.targte = none\n", StandardCharsets.UTF_8);

        assertThat(Startup.problems(file)).contains(
                "unknown setting nglive.upload.targte in application.properties: did you mean nglive.upload.target?");
    }

    @Test
    void theRoleComesFromTheCommandLineThenTheEnvironmentThenTheFile() {
        Properties file = new Properties();
        file.setProperty("nglive.role", "node");
        Properties system = new Properties();

        assertThat(Startup.role(file, system, Map.of())).isEqualTo("node");
        assertThat(Startup.role(file, system, Map.of("NGLIVE_ROLE", "central"))).isEqualTo("central");
        system.setProperty("nglive.role", "node");
        assertThat(Startup.role(file, system, Map.of("NGLIVE_ROLE", "central"))).isEqualTo("node");
        assertThat(Startup.role(new Properties(), new Properties(), Map.of())).isEqualTo("node");
    }

    @Test
    void anUnknownRoleAndARoleWithoutItsRoutesAreProblems() throws Exception {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/10-webhook.camel.yaml"), "- route: {}\n");
        Path file = Files.writeString(dir.resolve("application.properties"), "nglive.role = centre\n");
        assertThat(Startup.problems(file)).contains("nglive.role=centre: unknown role (expected one of [node, central])");

        Files.writeString(file, "nglive.role = central\n");
        assertThat(Startup.problems(file)).contains("nglive.role=central: routes/central holds no *.camel.yaml route "
                + "files (copy the folder from the distribution)");

        Files.createDirectories(dir.resolve("routes/central"));
        Files.writeString(dir.resolve("routes/central/10-nodes.camel.yaml"), "- route: {}\n");
        assertThat(Startup.problems(file)).noneMatch(problem -> problem.contains("nglive.role"));
    }
}
