package io.nglive.danmaku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reading danmaku files as a stream: whole, cut short at any byte, damaged, or made to read something else. */
@Timeout(60)
class DanmakuXmlTest {

    @TempDir
    Path dir;

    @Test
    void commentsAndTheRecordInfoAreReadAsWritten() throws IOException {
        Read read = read(bytes("basic.xml"));

        assertThat(read.comments()).hasSize(11).first()
                .isEqualTo(new Comment(1.0, 1, 25, 0xFFFFFF, "1001", "观众甲", "hello"));
        assertThat(read.comments()).extracting(Comment::text).doesNotContain("醒目留言")
                .contains("<3 & more", "[0,0,\"1-1\",4.5,\"positioned\"]");
        assertThat(read.comments().get(9)).isEqualTo(new Comment(6.0, 1, 25, 0, "1010", "观众寅", "黑"));
        assertThat(read.info().name()).isEqualTo("某主播");
        assertThat(read.truncated()).isFalse();
    }

    @Test
    void everyPrefixOfAFileIsReadUpToItsLastWholeComment() throws IOException {
        byte[] whole = bytes("basic.xml");
        List<Integer> commentEnds = ends(whole, "</d>");
        int rootEnd = ends(whole, "</i>").get(0);

        for (int cut = 0; cut <= whole.length; cut++) {
            Read read = read(Arrays.copyOf(whole, cut));

            int prefix = cut;
            assertThat(read.comments()).as("cut at byte %d", cut)
                    .hasSize((int) commentEnds.stream().filter(end -> end <= prefix).count());
            assertThat(read.truncated()).as("cut at byte %d", cut).isEqualTo(cut < rootEnd);
        }
    }

    @Test
    void nulBytesAfterTheLastWriteAreTheEndOfTheFile() throws IOException {
        // a file system that lost the last writes of a crashed recorder: the size is there, the data is not
        byte[] whole = bytes("basic.xml");
        int cut = ends(whole, "</d>").get(4) + 10;
        byte[] crashed = new byte[cut + 70_000];
        System.arraycopy(whole, 0, crashed, 0, cut);

        Read read = read(crashed);

        assertThat(read.comments()).hasSize(5);
        assertThat(read.truncated()).isTrue();
    }

    @Test
    void damagedElementBeforeTheEndIsAnErrorNamingItsLine() throws IOException {
        String xml = new String(bytes("basic.xml"), StandardCharsets.UTF_8).replace(">red</d>", ">red</x>");

        assertThatThrownBy(() -> read(xml.getBytes(StandardCharsets.UTF_8))).isInstanceOf(BadDanmakuFile.class)
                .hasMessageMatching("danmaku file, line 21, column \\d+: [^\n]*\"d\"[^\n]*");
    }

    @Test
    void aShortFileThatIsNotXmlIsAnErrorNotAnEmptyTruncatedOne() {
        assertThatThrownBy(() -> read("this is not XML at all".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadDanmakuFile.class).hasMessageEndingWith("it begins with 't', not with XML's '<'");
        assertThatThrownBy(() -> read("\uFEFF\n  {\"danmaku\": []}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadDanmakuFile.class).hasMessageContaining("'{'");
    }

    @Test
    void invalidCharacterBeforeTheEndIsAnErrorNamingItsLine() {
        String xml = DanmakuAssTest.xml(DanmakuAssTest.d(1, 1, "a\u0001b"), DanmakuAssTest.d(2, 1, "c"));

        assertThatThrownBy(() -> read(xml.getBytes(StandardCharsets.UTF_8))).isInstanceOf(BadDanmakuFile.class)
                .hasMessageStartingWith("danmaku file, line 3, column ")
                .hasMessageContaining("0x1");
    }

    @Test
    void fileOfAnotherKindIsAnError() {
        assertThatThrownBy(() -> read("<html><d p=\"1,1,25,0\">x</d></html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadDanmakuFile.class).hasMessageEndingWith("its root element is <html>, not <i>");
    }

    @Test
    void whatFollowsTheRootIsNotRead() throws IOException {
        Read read = read("<i><d p=\"1,1,25,0\">x</d></i><d p=\"2,1,25,0\">y</d>garbage".getBytes(StandardCharsets.UTF_8));

        assertThat(read.comments()).extracting(Comment::text).containsExactly("x");
        assertThat(read.truncated()).isFalse();
    }

    @Test
    void emptyFileIsTruncatedWithoutComments() throws IOException {
        Read read = read(new byte[0]);

        assertThat(read.comments()).isEmpty();
        assertThat(read.truncated()).isTrue();
    }

    @Test
    void externalEntityIsNotRead() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "SECRET-23058");
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE i [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + "<i><d p=\"1,1,25,0\">&x;</d></i>";

        assertThatThrownBy(() -> read(xml.getBytes(StandardCharsets.UTF_8))).isInstanceOf(BadDanmakuFile.class)
                .hasMessageEndingWith("it has a DTD, which no danmaku file has").hasMessageNotContaining("SECRET");
    }

    @Test
    void externalDtdAndParameterEntitiesAreNotFetched() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "<!ENTITY y \"fetched\">".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            List<String> attempts = List.of(
                    "<!DOCTYPE i SYSTEM \"" + url + "/a.dtd\"><i><d p=\"1,1,25,0\">&y;</d></i>",
                    "<!DOCTYPE i [<!ENTITY % p SYSTEM \"" + url + "/b.dtd\"> %p;]><i><d p=\"1,1,25,0\">&y;</d></i>",
                    "<!DOCTYPE i [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                            + "<i><d p=\"1,1,25,0\">&b;</d></i>");
            for (String xml : attempts) {
                assertThatThrownBy(() -> read(xml.getBytes(StandardCharsets.UTF_8))).as(xml)
                        .isInstanceOf(BadDanmakuFile.class);
            }
            assertThat(requests).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void veryLongCommentIsCutWhileItIsRead() throws IOException {
        String xml = DanmakuAssTest.xml(DanmakuAssTest.d(1, 1, "长".repeat(1_000_000)));

        Read read = read(xml.getBytes(StandardCharsets.UTF_8));

        assertThat(read.comments().get(0).text()).hasSize(DanmakuXml.TEXT_KEPT);
    }

    @Test
    void timeWrittenWithADecimalCommaIsRead() {
        assertThat(DanmakuXml.comment("12,5,1,25,16777215,1764590401500,0,1002,0", "u", "t"))
                .isEqualTo(new Comment(12.5, 1, 25, 0xFFFFFF, "1002", "u", "t"));
        assertThat(DanmakuXml.comment("1E-05,4,25,255,0,0,abcdef12,0", "u", "t"))
                .isEqualTo(new Comment(0.00001, 4, 25, 0xFF, "abcdef12", "u", "t"));
        assertThat(DanmakuXml.comment("1,1,25", "u", "t")).isNull();
        assertThat(DanmakuXml.comment("Infinity,1,25,0", "u", "t")).isNull();
    }

    record Read(List<Comment> comments, RecordInfo info, boolean truncated) {
    }

    static Read read(byte[] file) throws IOException {
        List<Comment> comments = new ArrayList<>();
        try (DanmakuXml xml = DanmakuXml.open(new ByteArrayInputStream(file))) {
            for (Comment c = xml.next(); c != null; c = xml.next()) {
                comments.add(c);
            }
            return new Read(comments, xml.info(), xml.truncated());
        }
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = DanmakuAssTest.resource(name)) {
            return in.readAllBytes();
        }
    }

    /** The offsets just after each {@code tag} in {@code file}. */
    private static List<Integer> ends(byte[] file, String tag) {
        byte[] wanted = tag.getBytes(StandardCharsets.UTF_8);
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i + wanted.length <= file.length; i++) {
            if (Arrays.equals(file, i, i + wanted.length, wanted, 0, wanted.length)) {
                ends.add(i + wanted.length);
            }
        }
        return ends;
    }
}
