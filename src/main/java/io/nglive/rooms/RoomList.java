package io.nglive.rooms;

import static io.nglive.journal.JournalAccess.query;
import static io.nglive.journal.JournalAccess.transaction;
import static io.nglive.journal.JournalAccess.update;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import io.nglive.events.EventLog;
import io.nglive.journal.Replicas;

/**
 * The rooms nglive wants the recorder to have: its desired state, in the database. Adding, removing and changing a
 * room store the change and its {@code RoomAdded}/{@code RoomRemoved}/{@code RoomUpdated} event in one transaction. A removed room stays
 * as a tombstone until the recorder is known not to have it any more, so that it is neither forgotten while the
 * recorder is down nor adopted back from it.
 */
public final class RoomList {

    /** Where a room came from: added through nglive, or found in the recorder and adopted. */
    public static final String FROM_API = "api";
    public static final String FROM_RECORDER = "recorder";

    /** One row of the list. */
    public record Room(long roomId, boolean autoRecord, boolean removed, String source, String added) {
    }

    private final DataSource dataSource;
    private final EventLog events;

    public RoomList(DataSource dataSource, EventLog events) {
        this.dataSource = dataSource;
        this.events = events;
    }

    /** Rooms nglive wants, in the order they were added. */
    public List<Room> wanted() {
        return rooms(false);
    }

    /** Rooms removed through nglive that the recorder may still have. */
    public List<Room> tombstones() {
        return rooms(true);
    }

    /** The row for a room, wanted or tombstone. */
    public Optional<Room> find(long roomId) {
        return transaction(dataSource, c -> query(c, "SELECT * FROM room WHERE room_id = ?", roomId).stream()
                .findFirst().map(RoomList::room));
    }

    /** Every room id in the list, wanted or tombstone. */
    public Set<Long> ids() {
        return transaction(dataSource, c -> {
            Set<Long> ids = new HashSet<>();
            query(c, "SELECT room_id FROM room").forEach(r -> ids.add(((Number) r.get("room_id")).longValue()));
            return ids;
        });
    }

    public long count() {
        return transaction(dataSource, c -> ((Number) query(c,
                "SELECT COUNT(*) AS n FROM room WHERE removed = FALSE").get(0).get("n")).longValue());
    }

    /**
     * Adds a room (or brings back a tombstone) and records {@code RoomAdded}; false, with nothing stored, when the
     * room is wanted already.
     */
    public boolean add(long roomId, boolean autoRecord, String source, Map<String, Object> eventFields) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("roomId", roomId);
        fields.put("source", source);
        fields.putAll(eventFields);
        try {
            return events.record("RoomAdded", fields, null, (c, seq) -> {
                List<Map<String, Object>> rows = query(c, "SELECT removed FROM room WHERE room_id = ?", roomId);
                String now = now();
                if (rows.isEmpty()) {
                    update(c, "INSERT INTO room (room_id, auto_record, removed, source, added, updated) "
                            + "VALUES (?, ?, FALSE, ?, ?, ?)", roomId, autoRecord, source, now, now);
                } else if (Boolean.TRUE.equals(rows.get(0).get("removed"))) {
                    update(c, "UPDATE room SET auto_record = ?, removed = FALSE, source = ?, added = ?, updated = ? "
                            + "WHERE room_id = ?", autoRecord, source, now, now, roomId);
                } else {
                    throw new Refused();
                }
                return Boolean.TRUE;
            }).extra();
        } catch (Refused e) {
            return false;
        }
    }

    /**
     * Makes a wanted room a tombstone, forgets that it is recorded twice, and records {@code RoomRemoved}; false when
     * it was not wanted.
     */
    public boolean remove(long roomId, Map<String, Object> eventFields) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("roomId", roomId);
        fields.putAll(eventFields);
        try {
            return events.record("RoomRemoved", fields, null, (c, seq) -> {
                if (update(c, "UPDATE room SET removed = TRUE, updated = ? WHERE room_id = ? AND removed = FALSE",
                        now(), roomId) == 0) {
                    throw new Refused();
                }
                // placed again later, it is recorded twice only if the central server says so again
                Replicas.forget(c, roomId);
                return Boolean.TRUE;
            }).extra();
        } catch (Refused e) {
            return false;
        }
    }

    /**
     * Stores the autoRecord of a wanted room, as it was just set in the recorder, and records {@code RoomUpdated};
     * false, with nothing stored, when the room is not wanted.
     */
    public boolean setAutoRecord(long roomId, boolean autoRecord, String source) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("roomId", roomId);
        fields.put("autoRecord", autoRecord);
        fields.put("source", source);
        try {
            return events.record("RoomUpdated", fields, null, (c, seq) -> {
                if (update(c, "UPDATE room SET auto_record = ?, updated = ? WHERE room_id = ? AND removed = FALSE",
                        autoRecord, now(), roomId) == 0) {
                    throw new Refused();
                }
                return Boolean.TRUE;
            }).extra();
        } catch (Refused e) {
            return false;
        }
    }

    /** Forgets a tombstone once the recorder does not have the room any more. */
    public void forget(long roomId) {
        transaction(dataSource, c -> update(c, "DELETE FROM room WHERE room_id = ? AND removed = TRUE", roomId));
    }

    /** Remembers the autoRecord the recorder has for rooms, to use if a room must be added to it again. */
    public void autoRecord(Map<Long, Boolean> autoRecord) {
        transaction(dataSource, c -> {
            for (Map.Entry<Long, Boolean> room : autoRecord.entrySet()) {
                update(c, "UPDATE room SET auto_record = ?, updated = ? WHERE room_id = ? AND auto_record <> ?",
                        room.getValue(), now(), room.getKey(), room.getValue());
            }
            return null;
        });
    }

    /**
     * A room added by its short id is known by its real id once the recorder has looked it up: the row takes the
     * real id (replacing a tombstone of it: the later add wins), or goes when the real id is wanted already.
     */
    public void renumber(long shortId, long roomId) {
        transaction(dataSource, c -> {
            List<Map<String, Object>> real = query(c, "SELECT removed FROM room WHERE room_id = ?", roomId);
            if (!real.isEmpty() && Boolean.FALSE.equals(real.get(0).get("removed"))) {
                return update(c, "DELETE FROM room WHERE room_id = ?", shortId);
            }
            update(c, "DELETE FROM room WHERE room_id = ? AND removed = TRUE", roomId);
            return update(c, "UPDATE room SET room_id = ?, updated = ? WHERE room_id = ?", roomId, now(), shortId);
        });
    }

    private List<Room> rooms(boolean removed) {
        return transaction(dataSource, c -> {
            List<Room> rooms = new ArrayList<>();
            for (Map<String, Object> row : query(c, "SELECT * FROM room WHERE removed = ? ORDER BY added, room_id",
                    removed)) {
                rooms.add(room(row));
            }
            return rooms;
        });
    }

    private static Room room(Map<String, Object> row) {
        return new Room(((Number) row.get("room_id")).longValue(), (Boolean) row.get("auto_record"),
                (Boolean) row.get("removed"), (String) row.get("source"), (String) row.get("added"));
    }

    private static String now() {
        return OffsetDateTime.now().toString();
    }

    /** Rolls a change back, event included: the room was not in the state the change needs. */
    private static final class Refused extends RuntimeException {
        Refused() {
            super("room list unchanged", null, false, false);
        }
    }
}
