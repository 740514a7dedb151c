package io.nglive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The dashboard's files (src/main/resources/META-INF/resources): their weight, their imports, their words. */
class DashboardFilesTest {

    static final Path PAGE = Path.of("src/main/resources/META-INF/resources");
    static final Pattern IMPORT = Pattern.compile("from '(\\.{1,2}/[^']+)'");
    static final Pattern KEY = Pattern.compile("^\\s*'?([\\w.]+)'?: '", Pattern.MULTILINE);
    /** t('a.b') and t('a.b', {...}), not t('a.' + x): only whole keys can be checked. */
    static final Pattern USED = Pattern.compile("\\bt\\('([\\w.]+)'[,)]|data-i18n(?:-placeholder|-label)?'?[=:] ?[\"']([\\w.]+)[\"']");

    static List<Path> files() throws IOException {
        try (Stream<Path> walk = Files.walk(PAGE)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Test
    void thePageWeighsAtMost200KilobytesWithNothingFromElsewhere() throws IOException {
        long total = 0;
        for (Path file : files()) {
            total += Files.size(file);
            if (!file.toString().endsWith(".ico")) {
                assertThat(read(file)).as("%s: nothing fetched from the internet", file)
                        .doesNotContainPattern("(src|href)=\"(https?:)?//").doesNotContain("import('http")
                        .doesNotContain("from 'http");
            }
        }
        assertThat(total).as("bytes, uncompressed").isLessThanOrEqualTo(200 * 1024);
        assertThat(PAGE.resolve("index.html")).exists();
        assertThat(PAGE.resolve("favicon.ico")).as("asked for by name, a 404 otherwise").exists();
    }

    @Test
    void everyModuleImportedIsThere() throws IOException {
        for (Path file : files()) {
            if (file.toString().endsWith(".js")) {
                Matcher m = IMPORT.matcher(read(file));
                while (m.find()) {
                    assertThat(file.resolveSibling(m.group(1)).normalize()).as("imported by %s", file).exists();
                }
            }
        }
    }

    @Test
    void chineseAndEnglishHaveTheSameWordsAndEveryWordUsedIsThere() throws IOException {
        String words = read(PAGE.resolve("js/words.js"));
        int chinese = words.indexOf("export const zh");
        Set<String> english = keys(words.substring(0, chinese));
        assertThat(english).hasSizeGreaterThan(100);
        assertThat(keys(words.substring(chinese))).containsExactlyInAnyOrderElementsOf(english);

        List<String> used = new ArrayList<>();
        for (Path file : files()) {
            if (!file.endsWith("words.js") && (file.toString().endsWith(".js") || file.toString().endsWith(".html"))) {
                Matcher m = USED.matcher(read(file));
                while (m.find()) {
                    String key = m.group(1) != null ? m.group(1) : m.group(2);
                    if (!key.endsWith(".")) {
                        used.add(key); // a key ending in "." is a prefix with a part added at run time
                    }
                }
            }
        }
        assertThat(used).hasSizeGreaterThan(50);
        assertThat(english).containsAll(used);
    }

    private static Set<String> keys(String dictionary) {
        Set<String> keys = new LinkedHashSet<>();
        // several entries share a line: split them first
        for (String entry : dictionary.split("',\\s*")) {
            Matcher m = KEY.matcher(entry);
            if (m.find()) {
                keys.add(m.group(1));
            }
        }
        return keys;
    }
}
