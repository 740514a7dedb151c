package io.nglive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * README.zh-CN.md is a translation of README.md: whatever a change to one of them adds or removes must reach the
 * other. Prose cannot be compared across languages, but the shape can: the same sections, the same tables, the same
 * code blocks character for character, the same links, and in-page links that land on a heading of their own file.
 */
class ReadmeTranslationTest {

    static final Path ENGLISH = Path.of("README.md");
    static final Path CHINESE = Path.of("README.zh-CN.md");
    static final String CHANGE_BOTH = "README.md and README.zh-CN.md must change together";

    @Test
    void theTwoLinkToEachOther() throws IOException {
        assertThat(ENGLISH).exists();
        assertThat(CHINESE).exists();
        assertThat(Readme.read(ENGLISH).links()).as("README.md links to the Chinese version").contains("README.zh-CN.md");
        assertThat(Readme.read(CHINESE).links()).as("README.zh-CN.md links back to English").contains("README.md");
    }

    @Test
    void theyHaveTheSameSections() throws IOException {
        assertThat(Readme.read(CHINESE).headingLevels()).as("## and ### headings, in order: " + CHANGE_BOTH)
                .isEqualTo(Readme.read(ENGLISH).headingLevels());
    }

    @Test
    void theyHaveTheSameCodeBlocks() throws IOException {
        Readme english = Readme.read(ENGLISH);
        Readme chinese = Readme.read(CHINESE);
        assertThat(chinese.codeBlocks()).as("number of fenced code blocks: " + CHANGE_BOTH)
                .hasSameSizeAs(english.codeBlocks());
        for (int i = 0; i < english.codeBlocks().size(); i++) {
            assertThat(chinese.codeBlocks().get(i))
                    .as("fenced code block %d of %d (they are copied unchanged): %s", i + 1, english.codeBlocks().size(),
                            CHANGE_BOTH)
                    .isEqualTo(english.codeBlocks().get(i));
        }
    }

    @Test
    void theyHaveTheSameTables() throws IOException {
        assertThat(Readme.read(CHINESE).tableRows()).as("rows of each table (header and separator included): " + CHANGE_BOTH)
                .isEqualTo(Readme.read(ENGLISH).tableRows());
    }

    @Test
    void theyLinkToTheSameFilesAndSites() throws IOException {
        assertThat(Readme.read(CHINESE).outwardLinks()).as("links other than in-page anchors: " + CHANGE_BOTH)
                .containsExactlyInAnyOrderElementsOf(Readme.read(ENGLISH).outwardLinks());
    }

    @Test
    void inPageLinksLandOnAHeading() throws IOException {
        for (Path file : List.of(ENGLISH, CHINESE)) {
            Readme readme = Readme.read(file);
            assertThat(readme.anchors()).as("anchors linked in %s", file).isNotEmpty();
            assertThat(readme.headingIds()).as("ids GitHub gives the headings of %s", file)
                    .containsAll(readme.anchors());
        }
    }

    @Test
    void aChangedCodeBlockIsCaught() throws IOException {
        String english = Files.readString(ENGLISH, StandardCharsets.UTF_8);
        String changed = english.replace("mvn -B -ntp verify -Pfaults", "mvn -B -ntp verify -Pfault");
        assertThat(changed).isNotEqualTo(english);
        assertThat(Readme.parse(changed).codeBlocks()).isNotEqualTo(Readme.parse(english).codeBlocks());
        assertThat(Readme.parse(changed).headingLevels()).isEqualTo(Readme.parse(english).headingLevels());
    }

    @Test
    void headingIdsAreGitHubs() {
        assertThat(Readme.headingId("Central server and event webhooks")).isEqualTo("central-server-and-event-webhooks");
        assertThat(Readme.headingId("The pipeline, and how to change it")).isEqualTo("the-pipeline-and-how-to-change-it");
        assertThat(Readme.headingId("中心服务器与事件 Webhook")).isEqualTo("中心服务器与事件-webhook");
        assertThat(Readme.headingId("处理流程，以及修改方法")).isEqualTo("处理流程以及修改方法");
    }

    /** What of a README can be compared with its translation. */
    record Readme(List<Integer> headingLevels, List<String> headingIds, List<String> codeBlocks,
            List<Integer> tableRows, List<String> links) {

        static final Pattern FENCE = Pattern.compile("^(`{3,}|~{3,})(.*)$");
        static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
        static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

        static Readme read(Path file) throws IOException {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        }

        static Readme parse(String text) {
            List<Integer> levels = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<String> blocks = new ArrayList<>();
            List<Integer> tables = new ArrayList<>();
            List<String> links = new ArrayList<>();
            String fence = null;
            StringBuilder block = null;
            int rows = 0;
            for (String line : text.split("\n", -1)) {
                if (fence != null) {
                    if (line.strip().equals(fence)) {
                        blocks.add(block.toString());
                        fence = null;
                    } else {
                        block.append(line).append('\n');
                    }
                    continue;
                }
                if (line.startsWith("|")) {
                    rows++;
                } else if (rows > 0) {
                    tables.add(rows);
                    rows = 0;
                }
                Matcher opening = FENCE.matcher(line);
                if (opening.matches()) {
                    fence = opening.group(1);
                    block = new StringBuilder(opening.group(2).strip()).append('\n');
                    continue;
                }
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    int level = heading.group(1).length();
                    if (level == 2 || level == 3) {
                        levels.add(level);
                    }
                    ids.add(headingId(heading.group(2)));
                }
                Matcher link = LINK.matcher(line);
                while (link.find()) {
                    links.add(link.group(1));
                }
            }
            if (rows > 0) {
                tables.add(rows);
            }
            assertThat(fence).as("a fenced code block is never closed").isNull();
            return new Readme(levels, ids, blocks, tables, links);
        }

        /**
         * The id GitHub gives a heading: lower case, punctuation and symbols dropped (Chinese punctuation too), each
         * space a hyphen; letters of any script are kept.
         */
        static String headingId(String heading) {
            return heading.strip().toLowerCase(Locale.ROOT)
                    .replaceAll("`", "")
                    .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc}\\- ]", "")
                    .replace(' ', '-');
        }

        List<String> anchors() {
            return links.stream().filter(l -> l.startsWith("#")).map(l -> l.substring(1)).toList();
        }

        /** Links to files and sites, without the two READMEs' links to each other. */
        List<String> outwardLinks() {
            return links.stream()
                    .filter(l -> !l.startsWith("#") && !l.equals("README.md") && !l.equals("README.zh-CN.md"))
                    .toList();
        }
    }
}
