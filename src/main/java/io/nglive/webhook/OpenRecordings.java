package io.nglive.webhook;

import static io.nglive.journal.JournalAccess.query;
import static io.nglive.journal.JournalAccess.transaction;
import static io.nglive.journal.JournalAccess.update;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

/**
 * Recordings the recorder has opened and not closed, as its webhooks tell: a FileOpening adds one, its FileClosed
 * removes it, and so does the end of its session, the end of the room's stream or the next FileOpening of the same
 * room (the recorder writes one file per room at a time), so that a lost FileClosed does not keep a file "open" for
 * ever, also when there is no recorder API to ask (webhook-only).
 */
public final class OpenRecordings {

    private final DataSource dataSource;

    public OpenRecordings(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Follows a recorder event, in the transaction that stores it. */
    void track(Connection c, RecorderEvent event) throws SQLException {
        String session = (String) event.fields().get("sessionId");
        switch (event.type()) {
            case "FileOpening" -> {
                update(c, "DELETE FROM open_recording WHERE room_id = ? AND file <> ?", event.roomId(), event.file());
                if (query(c, "SELECT 1 FROM job WHERE file = ?", event.file()).isEmpty()
                        && query(c, "SELECT 1 FROM open_recording WHERE file = ?", event.file()).isEmpty()) {
                    update(c, "INSERT INTO open_recording (file, room_id, session_id, opened) VALUES (?, ?, ?, ?)",
                            event.file(), event.roomId(), session, OffsetDateTime.now().toString());
                }
            }
            case "FileClosed" -> closed(c, event.file());
            case "SessionEnded" -> {
                if (session != null) {
                    update(c, "DELETE FROM open_recording WHERE session_id = ?", session);
                }
            }
            case "StreamEnded" -> update(c, "DELETE FROM open_recording WHERE room_id = ?", event.roomId());
            default -> {
                // other events do not open or close files
            }
        }
    }

    void closed(Connection c, String file) throws SQLException {
        if (file != null) {
            update(c, "DELETE FROM open_recording WHERE file = ?", file);
        }
    }

    /** Open files and their room ids. */
    public Map<String, Long> all() {
        return transaction(dataSource, c -> {
            Map<String, Long> open = new HashMap<>();
            for (Map<String, Object> row : query(c, "SELECT file, room_id FROM open_recording")) {
                open.put((String) row.get("file"), ((Number) row.get("room_id")).longValue());
            }
            return open;
        });
    }
}
