package io.nglive.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorksPathTest {

    @TempDir
    Path temp;

    Path root;
    Path outside;
    WorksPath works;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(temp.resolve("works"));
        outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.flv"), "not yours");
        works = new WorksPath(root);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "/", "//server/share/x.flv", "\\x.flv", "\\\\server\\share\\x.flv",
            "C:\\x.flv", "C:/x.flv", "c:x.flv", "Z:\\rec\\a.flv"})
    void absolutePathsAreRejected(String path) {
        assertThatThrownBy(() -> works.resolve(path))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageStartingWith("RelativePath ")
                .hasMessageContaining("must be relative");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x.flv", "a/../../x", "a\\..\\..\\x", "a/..", "a/../b.flv", "a/b/../../../x.flv",
            "a\\../x.flv", "room/../../outside/secret.flv"})
    void dotDotAnywhereIsRejected(String path) {
        assertThatThrownBy(() -> works.resolve(path))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining("'..'");
    }

    @Test
    void nulByteIsRejected() {
        assertThatThrownBy(() -> works.resolve("room/a\0.flv"))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining("NUL")
                .hasMessageContaining("\\0")
                .hasMessageNotContaining("\0");
    }

    @Test
    void emptyPathIsRejected() {
        assertThatThrownBy(() -> works.resolve(""))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining("empty");
    }

    @Test
    void messageQuotesThePathAndClipsLongOnes() {
        String longPath = "/" + "x".repeat(10_000);

        assertThatThrownBy(() -> works.resolve(longPath))
                .hasMessageStartingWith("RelativePath '/xxx")
                .hasMessageContaining("...'")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void symlinkedDirectoryPointingOutsideIsRejected() throws Exception {
        Files.createSymbolicLink(root.resolve("link"), outside);

        assertThatThrownBy(() -> works.resolve("link/secret.flv"))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining("outside the works path");
        assertThatThrownBy(() -> works.resolve("link/not-yet/x.flv"))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining("outside the works path");
    }

    @Test
    void symlinkedFilePointingOutsideIsRejected() throws Exception {
        Files.createDirectories(root.resolve("room"));
        Files.createSymbolicLink(root.resolve("room/a.flv"), outside.resolve("secret.flv"));

        assertThatThrownBy(() -> works.resolve("room/a.flv"))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining("outside the works path");
    }

    @Test
    void danglingSymlinkPointingOutsideIsRejected() throws Exception {
        Files.createSymbolicLink(root.resolve("later"), outside.resolve("created-later"));

        assertThatThrownBy(() -> works.resolve("later/x.flv"))
                .isExactlyInstanceOf(WebhookRejected.class)
                .hasMessageContaining("outside the works path");
    }

    @Test
    void symlinkStayingInsideIsAccepted() throws Exception {
        Path real = Files.createDirectories(root.resolve("real"));
        Files.writeString(real.resolve("a.flv"), "flv");
        Files.createSymbolicLink(root.resolve("alias"), real);

        assertThat(works.resolve("alias/a.flv")).isEqualTo(root.resolve("alias/a.flv"));
    }

    @Test
    void worksRootThatIsItselfASymlinkStillAcceptsItsFiles() throws Exception {
        Path linkedRoot = Files.createSymbolicLink(temp.resolve("works-link"), root);
        Files.createDirectories(root.resolve("room"));
        Files.writeString(root.resolve("room/a.flv"), "flv");

        WorksPath linked = new WorksPath(linkedRoot);

        assertThat(linked.resolve("room/a.flv")).isEqualTo(linkedRoot.toAbsolutePath().resolve("room/a.flv"));
        assertThat(linked.resolve("room/new/b.flv")).startsWithRaw(linked.root());
    }

    @Test
    void nestedChinesePathWithSpacesAndQuotesIsAcceptedUnderTheRoot() throws Exception {
        String relative = "23058-3号直播间/录制-23058-20240317-203001-249-哔哩哔哩 \"音悦台\" 'live' & $(x).flv";
        Files.createDirectories(root.resolve("23058-3号直播间"));
        Files.writeString(root.resolve(relative), "flv");

        Path file = works.resolve(relative);

        assertThat(file).isEqualTo(root.resolve(relative)).startsWith(works.root()).exists();
    }

    @Test
    void backslashesSeparateSegments() {
        assertThat(works.resolve("room\\sub\\a.flv")).isEqualTo(root.resolve("room/sub/a.flv"));
    }

    @Test
    void notYetExistingDeepPathIsAccepted() {
        Path file = works.resolve("a/b/c/d/e/f/g/录制 1.flv");

        assertThat(file).isEqualTo(root.resolve("a/b/c/d/e/f/g/录制 1.flv")).doesNotExist();
    }

    @Test
    void dotSegmentsThatStayInsideAreAccepted() {
        assertThat(works.resolve("./room/./a.flv")).isEqualTo(root.resolve("room/a.flv"));
        assertThat(works.resolve("...flv")).isEqualTo(root.resolve("...flv"));
    }

    @Test
    void deepPathIsCheckedQuickly() {
        String path = "a/".repeat(30_000) + "x.flv"; // 60 KB, well inside one webhook body

        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> works.resolve(path));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(thrown).as("accepted, or rejected as a webhook error").satisfiesAnyOf(
                t -> assertThat(t).isNull(),
                t -> assertThat(t).isExactlyInstanceOf(WebhookRejected.class));
        assertThat(millis).as("milliseconds to check a path of 30,000 segments").isLessThan(1_000);
    }

    @Test
    void rootIsAbsoluteAndNormalised() {
        WorksPath relative = new WorksPath(Path.of("some/../works"));

        assertThat(relative.root()).isAbsolute().isEqualTo(Path.of("works").toAbsolutePath());
    }
}
