package io.nglive.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The keys under which an event is stored once (the outbox's {@code source_id}) when it does not come with
 * BililiveRecorder's EventId: prefixed, so that no recorder's key can take another's.
 */
final class SourceIds {

    private SourceIds() {
    }

    /** blrec's own event id, the same on each of its retries. */
    static String blrec(String id) {
        return "blrec:" + id;
    }

    /** DDTV sends no id: the same file of the same room in the same message is the same event. */
    static String ddtv(String cmd, long roomId, String file) {
        return "ddtv:" + sha256(cmd + '\n' + roomId + '\n' + file);
    }

    /** A recording the works-path scan found: one event per file, whichever scan finds it. */
    static String scan(String relativePath) {
        return "scan:" + sha256(relativePath);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
