package io.nglive.api;

import static io.nglive.api.Answers.ok;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.nglive.recorder.RecorderRejected;
import io.nglive.recorder.RecorderRoom;
import io.nglive.recorder.RecorderUnavailable;
import io.nglive.rooms.RoomList;
import io.nglive.rooms.RoomSync;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * The rooms, as the original NGlive API ({@code /allroom}, {@code /getroom}, {@code /addroom}, {@code /removeroom})
 * and as {@code /api/rooms} show them, with the original error codes. A change is stored first (nglive's desired
 * state) and then applied to the recorder; when the recorder is down it still succeeds, with {@code synced: false}.
 */
public final class RoomsApi {

    public static final int BAD_ROOM_ID = 4031;
    public static final int ALREADY_ADDED = 4032;
    public static final int BLACKLISTED = 4033;
    public static final int ROOM_NOT_FOUND = 4042;
    public static final int NOT_IN_RECORDER = 4092;
    /** nglive.recorder.url is empty (webhook-only): see {@link RecorderManagedRooms}. */
    public static final int MANAGED_IN_RECORDER = 4093;
    public static final int RECORDER_UNAVAILABLE = 5020;

    /** The recorder's room actions nglive passes through. */
    public static final List<String> ACTIONS = List.of("start", "stop", "split", "refresh");

    private final RoomList list;
    private final RoomSync sync;
    private final Set<Long> blacklist;

    public RoomsApi(RoomList list, RoomSync sync, Set<Long> blacklist) {
        this.list = list;
        this.sync = sync;
        this.blacklist = blacklist;
    }

    public Map<String, Object> list() {
        return ok(list.wanted().stream().map(this::view).toList());
    }

    public Map<String, Object> get(@Header("roomid") String roomId) {
        return ok(view(wanted(roomId(roomId))));
    }

    /**
     * Adds a room: {@code ?roomid=N} (and {@code &autoRecord=false}), or a {@link RoomRequest} body such as
     * {@code {"roomId":N,"autoRecord":false}};
     * without autoRecord the recorder records the room automatically.
     */
    public Map<String, Object> add(@Header("roomid") String roomId, @Header("autoRecord") String autoRecordParameter,
                                   @Body String body) {
        RoomRequest request = RoomRequest.parse(body);
        if (autoRecordParameter != null && request.autoRecord() == null) {
            // ?autoRecord=false, or the central server's addroom command
            request = new RoomRequest(request.roomId(), RoomRequest.bool("autoRecord", autoRecordParameter));
        }
        if (roomId == null && request != RoomRequest.EMPTY && request.roomId() == null) {
            throw new ApiError(400, BAD_ROOM_ID, "the body names no room: give roomId (or RoomId, roomid)");
        }
        long id = roomId(roomId != null ? roomId : request.roomId());
        if (roomId != null && request.roomId() != null && roomId(request.roomId()) != id) {
            throw new ApiError(400, BAD_ROOM_ID, "the path names room " + id + " and the body room "
                    + request.roomId());
        }
        boolean autoRecord = request.autoRecord() == null || request.autoRecord();
        // a short id is blacklisted with its room: the recorder knows both
        boolean blacklisted = blacklist.contains(id) || sync.seen(id)
                .map(r -> blacklist.contains(r.roomId()) || blacklist.contains(r.shortId())).orElse(false);
        if (blacklisted) {
            throw new ApiError(403, BLACKLISTED, "room " + id + " is blacklisted (nglive.rooms.blacklist)");
        }
        return sync.locked(() -> {
            if (find(id).isPresent() || !list.add(id, autoRecord, RoomList.FROM_API, Map.of())) {
                throw new ApiError(409, ALREADY_ADDED, "room " + id + " is already added");
            }
            sync.applyAdd(id);
            return ok(view(find(id).orElseGet(() -> wanted(id))));
        });
    }

    public Map<String, Object> remove(@Header("roomid") String roomId) {
        long id = roomId(roomId);
        return sync.locked(() -> {
            RoomList.Room room = wanted(id);
            if (!list.remove(room.roomId(), Map.of("source", RoomList.FROM_API))) {
                throw notInList(id);
            }
            sync.applyRemove(room.roomId());
            return removed(room);
        });
    }

    private Map<String, Object> removed(RoomList.Room room) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("roomId", room.roomId());
        // synced: the recorder does not have it any more (otherwise the next synchronisation removes it)
        boolean synced = list.find(room.roomId()).isEmpty();
        data.put("synced", synced);
        if (!synced) {
            data.put("syncError", sync.problem() != null ? sync.problem() : "not removed from the recorder yet");
        }
        return ok(data);
    }

    /**
     * Changes a room's autoRecord: {@code {"autoRecord": false}}, or {@code ?autoRecord=false} (the central server's
     * command). The recorder first, since the synchronisation takes its autoRecord for the truth: a change it has not
     * taken is not stored.
     */
    public Map<String, Object> autoRecord(@Header("roomid") String roomId, @Header("autoRecord") String parameter,
                                          @Body String body) {
        long id = roomId(roomId);
        boolean autoRecord = RoomRequest.autoRecordChange(parameter, body);
        return sync.locked(() -> {
            RoomList.Room room = wanted(id);
            try {
                sync.autoRecord(room.roomId(), autoRecord);
            } catch (RecorderUnavailable | RecorderRejected e) {
                throw recorderRefused(room.roomId(), e);
            }
            if (!list.setAutoRecord(room.roomId(), autoRecord, RoomList.FROM_API)) {
                throw notInList(id);
            }
            return ok(view(wanted(room.roomId())));
        });
    }

    /** {@code start}, {@code stop}, {@code split} or {@code refresh}, passed through to the recorder. */
    public Map<String, Object> action(@Header("roomid") String roomId, @Header("action") String action) {
        RoomList.Room room = wanted(roomId(roomId));
        if (action == null || !ACTIONS.contains(action)) {
            throw new ApiError(400, JobsApi.BAD_ARGUMENT, "unknown room action '" + action + "' (expected one of "
                    + ACTIONS + ")");
        }
        try {
            sync.action(room.roomId(), action);
        } catch (RecorderUnavailable | RecorderRejected e) {
            throw recorderRefused(room.roomId(), e);
        }
        return ok(view(room));
    }

    /** 409 4092 when the recorder lacks the room, else 502 5020 with the recorder's problem. */
    private static ApiError recorderRefused(long roomId, RuntimeException e) {
        if (e instanceof RecorderRejected rejected && rejected.code() == RecorderRejected.ROOM_NOT_FOUND) {
            return new ApiError(409, NOT_IN_RECORDER, "room " + roomId + " is not in the recorder yet "
                    + "(nglive adds it at the next synchronisation): " + e.getMessage());
        }
        return new ApiError(502, RECORDER_UNAVAILABLE, e.getMessage());
    }

    private Map<String, Object> view(RoomList.Room room) {
        Optional<RecorderRoom> seen = sync.seen(room.roomId());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("roomId", room.roomId());
        if (seen.isPresent()) {
            view.putAll(seen.get().fields());
        } else {
            view.put("shortId", null);
            view.put("name", null);
            view.put("title", null);
            view.put("areaNameParent", null);
            view.put("areaNameChild", null);
            view.put("autoRecord", room.autoRecord());
            view.put("recording", null);
            view.put("streaming", null);
            view.put("danmakuConnected", null);
            view.put("recordingSince", null);
        }
        boolean synced = sync.synced(room.roomId());
        view.put("synced", synced);
        view.put("syncError", synced ? null : sync.problem() != null ? sync.problem() : "not in the recorder yet");
        view.put("source", room.source());
        view.put("added", room.added());
        return view;
    }

    /** A wanted room by its id, or by the short id the recorder reported for it. */
    private Optional<RoomList.Room> find(long id) {
        Optional<RoomList.Room> room = list.find(id).filter(r -> !r.removed());
        if (room.isPresent()) {
            return room;
        }
        return sync.seen(id).flatMap(seen -> list.find(seen.roomId())).filter(r -> !r.removed());
    }

    private RoomList.Room wanted(long id) {
        return find(id).orElseThrow(() -> notInList(id));
    }

    private static ApiError notInList(long id) {
        return new ApiError(404, ROOM_NOT_FOUND, "room " + id + " is not in the list");
    }

    /** A Bilibili room id: a whole number from 1 to 2147483647 (the recorder's range). */
    public static long roomId(String value) {
        if (value == null || value.isBlank()) {
            throw new ApiError(400, BAD_ROOM_ID, "missing room id (roomid=N, a positive whole number)");
        }
        try {
            long id = Long.parseLong(value.trim());
            if (id > 0 && id <= Integer.MAX_VALUE) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        throw new ApiError(400, BAD_ROOM_ID, "bad room id '" + shown + "': expected a whole number from 1 to "
                + Integer.MAX_VALUE);
    }
}
