package io.nglive.danmaku;

import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads a danmaku file of BililiveRecorder (or blrec, the same shape) one comment at a time, so that memory does not
 * grow with the file. The recorder writes {@code </i>} only when it closes the file: a file that stops inside an
 * element is read up to its last whole comment and is {@linkplain #truncated() truncated}; anything else that is not
 * XML is a {@link BadDanmakuFile} naming its line and column. A DTD is refused and nothing outside the file is read.
 */
public final class DanmakuXml implements AutoCloseable {

    /** Characters of a comment's text kept: the subtitle shows far fewer, and a hostile comment cannot fill memory. */
    static final int TEXT_KEPT = 1024;

    private static final XMLInputFactory FACTORY = factory();

    private final XMLStreamReader xml;
    private final Input input;
    private final StringBuilder text = new StringBuilder();
    private RecordInfo info = RecordInfo.NONE;
    private int depth;
    private String p;
    private String user;
    private boolean ended;
    private boolean truncated;
    private int malformed;

    private DanmakuXml(InputStream in) throws IOException {
        input = new Input(new InputStreamReader(in, StandardCharsets.UTF_8));
        XMLStreamReader reader = null;
        try {
            // reads the XML declaration already
            reader = FACTORY.createXMLStreamReader(input);
        } catch (XMLStreamException e) {
            stopped(e);
        }
        xml = reader;
    }

    /**
     * Reads UTF-8, as both recorders write, whatever the XML declaration says; bytes that are not UTF-8 become U+FFFD.
     *
     * @throws BadDanmakuFile when the file is damaged before its end
     * @throws IOException when the stream cannot be read
     */
    public static DanmakuXml open(InputStream in) throws IOException {
        return new DanmakuXml(in);
    }

    private static XMLInputFactory factory() {
        // the JDK's own parser, whatever else a dependency puts on the class path (Woodstox knows no accessExternalDTD)
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        return factory;
    }

    /**
     * The next whole comment, or null at the end of the file or of its last whole comment.
     *
     * @throws BadDanmakuFile when the file is damaged before its end
     * @throws IOException when the stream cannot be read
     */
    public Comment next() throws IOException {
        try {
            while (!ended && xml.hasNext()) {
                switch (xml.next()) {
                    case XMLStreamConstants.START_ELEMENT -> start();
                    case XMLStreamConstants.END_ELEMENT -> {
                        Comment comment = end();
                        if (comment != null) {
                            return comment;
                        }
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                        if (p != null && text.length() < TEXT_KEPT) {
                            text.append(xml.getTextCharacters(), xml.getTextStart(),
                                    Math.min(xml.getTextLength(), TEXT_KEPT - text.length()));
                        }
                    }
                    case XMLStreamConstants.DTD -> throw bad(xml.getLocation(), "it has a DTD, which no danmaku file has");
                    default -> {
                    }
                }
            }
            ended = true;
            return null;
        } catch (XMLStreamException e) {
            stopped(e);
            return null;
        }
    }

    /** Ends the reading where the parser stopped: the end of a file cut short, or else a damaged file. */
    private void stopped(XMLStreamException e) throws IOException {
        ended = true;
        if (input.first != 0 && input.first != '<') {
            // no prefix of a danmaku file: text, or some other format
            throw bad(e.getLocation(), "it begins with '" + input.first + "', not with XML's '<'");
        }
        if (!input.isTail(e.getLocation())) {
            String message = e.getMessage();
            // the exception puts "ParseError at [row,col]:[l,c]\nMessage: " before the parser's own words
            throw bad(e.getLocation(), message.substring(message.indexOf("Message: ") + "Message: ".length()));
        }
        truncated = true;
    }

    private void start() throws BadDanmakuFile {
        depth++;
        String name = xml.getLocalName();
        if (depth == 1 && !name.equals("i")) {
            throw bad(xml.getLocation(), "its root element is <" + name + ">, not <i>");
        }
        if (depth == 2 && name.equals("d")) {
            p = attribute("p");
            user = attribute("user");
            text.setLength(0);
        } else if (depth == 2 && name.equals("BililiveRecorderRecordInfo")) {
            info = new RecordInfo(attribute("roomid"), attribute("shortid"), attribute("name"), attribute("title"),
                    attribute("areanameparent"), attribute("areanamechild"), attribute("start_time"));
        }
    }

    private Comment end() {
        depth--;
        if (depth == 0) {
            // whatever follows </i> is not ours to judge
            ended = true;
        }
        if (depth != 1 || p == null) {
            return null;
        }
        Comment comment = comment(p, user, text.toString());
        p = null;
        if (comment == null) {
            malformed++;
        }
        return comment;
    }

    /** The comment its {@code p} describes ("time,mode,size,color,sent,pool,uid,id"), or null when it cannot be read. */
    static Comment comment(String p, String user, String text) {
        String[] fields = p.split(",", -1);
        if (fields.length == 9 && !fields[1].isEmpty() && fields[1].chars().allMatch(Character::isDigit)) {
            // the recorder formats the time in the culture of the machine: "12,5" where a comma is the decimal mark
            fields = join(fields);
        }
        if (fields.length < 4) {
            return null;
        }
        try {
            double time = Double.parseDouble(fields[0]);
            if (!Double.isFinite(time)) {
                return null;
            }
            return new Comment(time, Integer.parseInt(fields[1].trim()), Integer.parseInt(fields[2].trim()),
                    (int) (Long.parseLong(fields[3].trim()) & 0xFFFFFF), fields.length > 6 ? fields[6] : "", user, text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String[] join(String[] fields) {
        String[] joined = new String[fields.length - 1];
        joined[0] = fields[0] + "." + fields[1];
        System.arraycopy(fields, 2, joined, 1, fields.length - 2);
        return joined;
    }

    private String attribute(String name) {
        String value = xml.getAttributeValue(null, name);
        return value == null ? "" : value;
    }

    private static BadDanmakuFile bad(Location where, String problem) {
        String at = where == null ? "" : ", line " + where.getLineNumber() + ", column " + where.getColumnNumber();
        return new BadDanmakuFile("danmaku file" + at + ": " + problem);
    }

    /** The recording's room, name and title as the file gives them; {@link RecordInfo#NONE} until they are read. */
    public RecordInfo info() {
        return info;
    }

    /** Whether the file stopped inside an element (the recorder did not close it): known once {@link #next()} is null. */
    public boolean truncated() {
        return truncated;
    }

    /** Whole comments whose {@code p} could not be read, skipped. */
    public int malformed() {
        return malformed;
    }

    /** Closes the reader, not the stream it reads: that is the caller's. */
    @Override
    public void close() throws BadDanmakuFile {
        try {
            if (xml != null) {
                xml.close();
            }
        } catch (XMLStreamException e) {
            throw new BadDanmakuFile("danmaku file: " + e.getMessage(), e);
        }
    }

    /**
     * The characters the parser reads, without a byte order mark, and where the last of them that is not blank was: an
     * error there, or a little before, is the end of a file cut short, not a damaged file. NUL bytes count as blank: a
     * file system may leave them after the last write of a crashed recorder.
     */
    private static final class Input extends FilterReader {

        /**
         * How far before the end the parser may place an error that the end caused: it reports a name cut short
         * ({@code </chatse}) where the name starts, and the longest name in a danmaku file has 26 characters.
         */
        private static final int SLACK = 64;

        private boolean started;
        private boolean afterReturn;
        private int line = 1;
        private int column = 1;
        private int tailLine = 1;
        private int tailColumn = 1;

        Input(Reader in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            char[] one = new char[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0) {
                return n;
            }
            if (!started && n > 0) {
                started = true;
                if (buffer[offset] == '\uFEFF') {
                    System.arraycopy(buffer, offset + 1, buffer, offset, --n);
                    if (n == 0) {
                        return read(buffer, offset, length);
                    }
                }
            }
            count(buffer, offset, n);
            return n;
        }

        /** Leaves the stream open: it is the caller's, and the parser closes its input at an error, before the rest is read. */
        @Override
        public void close() {
        }

        /** Counts lines as XML does (CR LF, CR and LF each end one) and columns in UTF-16 units, as the parser does. */
        private void count(char[] buffer, int offset, int n) {
            for (int i = offset; i < offset + n; i++) {
                char c = buffer[i];
                if (c == '\n') {
                    if (!afterReturn) {
                        line++;
                        column = 1;
                    }
                    afterReturn = false;
                    continue;
                }
                afterReturn = c == '\r';
                if (afterReturn) {
                    line++;
                    column = 1;
                    continue;
                }
                column++;
                // U+FFFD: bytes that are not UTF-8, as a byte order mark cut short is
                if (first == 0 && !Character.isWhitespace(c) && c != '\uFFFD') {
                    first = c;
                }
                if (c != ' ' && c != '\t' && c != '\0') {
                    tailLine = line;
                    tailColumn = column;
                }
            }
        }

        /** The first character of the file that is not blank (0 until one is read). */
        char first;

        /** Whether nothing but blanks follows {@code where}: reads what is left of the stream to know it. */
        boolean isTail(Location where) throws IOException {
            char[] rest = new char[8192];
            int n;
            do {
                n = read(rest, 0, rest.length);
            } while (n >= 0);
            return where != null && (where.getLineNumber() > tailLine
                    || where.getLineNumber() == tailLine && where.getColumnNumber() >= tailColumn - SLACK);
        }
    }
}
