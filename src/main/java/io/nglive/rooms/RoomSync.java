package io.nglive.rooms;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.nglive.recorder.RecorderClient;
import io.nglive.recorder.RecorderRejected;
import io.nglive.recorder.RecorderRoom;
import io.nglive.recorder.RecorderUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the recorder's rooms to nglive's {@link RoomList}: wanted rooms the recorder lacks are added to it,
 * tombstones it still has are removed from it, and rooms only the recorder has are adopted into the list the first
 * time they are seen. Run on a timer and after every (re)start of the recorder; every change through the API is
 * applied at once as well. One lock serialises all of it, so an adoption can never race a removal; the recorder's
 * list is read before the lock is taken (a hanging recorder would hold up every room change for its timeout) and
 * read again under it when a change was made meanwhile.
 *
 * <p>It also keeps the recorder's last answer, which is what room answers show ({@code name}, {@code title},
 * {@code recording}...), and whether that answer is current ({@code synced}).
 */
public final class RoomSync {

    private static final Logger LOG = LoggerFactory.getLogger(RoomSync.class);

    /** The recorder's rooms as last seen, and whether that was at the last attempt. */
    private record View(Map<Long, RecorderRoom> rooms, boolean current, String problem, String checked) {
    }

    private final RoomList list;
    private final RecorderClient recorder;
    private final Set<Long> blacklist;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile View view = new View(Map.of(), false, "not synchronised with the recorder yet", null);
    /**
     * Changes made under the lock so far, by the API or by a synchronisation: a synchronisation that asked the
     * recorder before one of them asks again.
     */
    private volatile long changeCount;

    public RoomSync(RoomList list, RecorderClient recorder, Set<Long> blacklist) {
        this.list = list;
        this.recorder = recorder;
        this.blacklist = blacklist;
    }

    /** One full synchronisation; a recorder that cannot be reached is remembered and reported, not thrown. */
    public Map<String, Object> sync() {
        long changesBefore = changeCount;
        List<RecorderRoom> rooms;
        try {
            // asked outside the lock: a recorder that hangs must not hold up room changes for its whole timeout
            rooms = recorder.rooms();
        } catch (RecorderUnavailable | RecorderRejected e) {
            lock.lock();
            try {
                unreachable(e.getMessage());
                return Map.of("unreachable", e.getMessage());
            } finally {
                lock.unlock();
            }
        }
        lock.lock();
        try {
            if (changeCount != changesBefore) {
                // a change was applied while the recorder was asked: its answer may not show it, ask again
                rooms = recorder.rooms();
            }
            Map<String, Object> changes = new LinkedHashMap<>();
            renumberShortIds(rooms);
            changes.put("removed", removeTombstones(rooms));
            changes.put("adopted", adopt(rooms));
            changes.put("added", addMissing(rooms));
            rememberAutoRecord(rooms);
            remember(rooms);
            return changes;
        } catch (RecorderUnavailable | RecorderRejected e) {
            unreachable(e.getMessage());
            return Map.of("unreachable", e.getMessage());
        } finally {
            // a synchronisation changes the recorder too (removals, additions): another one that asked before it
            // (the timer's beside the recorder-started one) must ask again
            changeCount++;
            lock.unlock();
        }
    }

    /**
     * Runs a change of the room list under the synchronisation's lock, so that a change and its application to the
     * recorder are never interleaved with another change or with a synchronisation.
     */
    public <T> T locked(Supplier<T> change) {
        lock.lock();
        try {
            return change.get();
        } finally {
            // counted at the end: a synchronisation that read the count before then may have missed the change
            changeCount++;
            lock.unlock();
        }
    }

    /** Applies a room just added to the list; when the recorder cannot take it now, the next sync does. */
    public void applyAdd(long roomId) {
        apply(() -> {
            list.find(roomId).filter(r -> !r.removed()).ifPresent(room -> {
                RecorderRoom added = recorder.add(roomId, room.autoRecord());
                putInView(added);
            });
        });
    }

    /** Applies a removal, and forgets the tombstone once the recorder does not have the room. */
    public void applyRemove(long roomId) {
        apply(() -> {
            if (list.find(roomId).map(r -> !r.removed()).orElse(true)) {
                return; // added again meanwhile, or already gone
            }
            recorder.remove(roomId);
            list.forget(roomId);
            Map<Long, RecorderRoom> rooms = new LinkedHashMap<>(view.rooms());
            rooms.remove(roomId);
            view = new View(Map.copyOf(rooms), view.current(), view.problem(), view.checked());
        });
    }

    /** Runs {@code start}, {@code stop}, {@code split} or {@code refresh} on a room in the recorder. */
    public RecorderRoom action(long roomId, String action) {
        return locked(() -> {
            RecorderRoom room = recorder.action(roomId, action);
            putInView(room);
            return room;
        });
    }

    /**
     * Sets a room's autoRecord in the recorder and shows it at once. The recorder must have the room ({@code -4}
     * otherwise): its API would add a room it lacks, which is the synchronisation's business.
     */
    public RecorderRoom autoRecord(long roomId, boolean autoRecord) {
        return locked(() -> {
            recorder.room(roomId);
            RecorderRoom room = recorder.add(roomId, autoRecord);
            putInView(room);
            return room;
        });
    }

    /** The recorder's room that answers to this id (its id or short id), as last seen. */
    public Optional<RecorderRoom> seen(long roomId) {
        RecorderRoom exact = view.rooms().get(roomId);
        if (exact != null) {
            return Optional.of(exact);
        }
        return view.rooms().values().stream().filter(r -> r.answersTo(roomId)).findFirst();
    }

    /** Whether the recorder's last answer is current and has this room (by its id or short id). */
    public boolean synced(long roomId) {
        return view.current() && seen(roomId).isPresent();
    }

    /** Why rooms are not synced: the recorder's last problem, or null. */
    public String problem() {
        return view.problem();
    }

    public boolean reachable() {
        return view.current();
    }

    /** For health and the API: whether the recorder answered, when it was last asked, how many rooms it has. */
    public Map<String, Object> status() {
        View v = view;
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("url", recorder.url());
        status.put("reachable", v.current());
        status.put("checked", v.checked());
        status.put("rooms", v.rooms().size());
        if (v.problem() != null) {
            status.put("problem", v.problem());
        }
        return status;
    }

    private void renumberShortIds(List<RecorderRoom> rooms) {
        for (RoomList.Room wanted : list.wanted()) {
            if (rooms.stream().noneMatch(r -> r.roomId() == wanted.roomId())) {
                rooms.stream().filter(r -> r.shortId() == wanted.roomId()).findFirst().ifPresent(r -> {
                    if (blacklist.contains(r.roomId())) {
                        LOG.warn("room {} is the short id of room {}, which is blacklisted (nglive.rooms.blacklist)",
                                wanted.roomId(), r.roomId());
                        return;
                    }
                    LOG.info("room {} is the short id of room {}: nglive's list now says {}", wanted.roomId(),
                            r.roomId(), r.roomId());
                    list.renumber(wanted.roomId(), r.roomId());
                });
            }
        }
    }

    private List<Long> removeTombstones(List<RecorderRoom> rooms) {
        List<Long> removed = new ArrayList<>();
        for (RoomList.Room tombstone : list.tombstones()) {
            Optional<RecorderRoom> inRecorder = rooms.stream().filter(r -> r.answersTo(tombstone.roomId())).findFirst();
            try {
                if (inRecorder.isPresent()) {
                    recorder.remove(inRecorder.get().roomId());
                    rooms.remove(inRecorder.get());
                    removed.add(tombstone.roomId());
                    LOG.info("removed room {} from the recorder (it was removed from nglive while the recorder was "
                            + "unreachable)", tombstone.roomId());
                }
                list.forget(tombstone.roomId());
            } catch (RecorderRejected e) {
                LOG.warn("{}; the next synchronisation tries again", e.getMessage());
            }
        }
        return removed;
    }

    private List<Long> adopt(List<RecorderRoom> rooms) {
        List<Long> adopted = new ArrayList<>();
        Set<Long> known = list.ids();
        for (RecorderRoom room : rooms) {
            if (known.contains(room.roomId()) || room.roomId() <= 0) {
                continue;
            }
            if (blacklist.contains(room.roomId()) || blacklist.contains(room.shortId())) {
                LOG.debug("room {} is in the recorder but blacklisted (nglive.rooms.blacklist): not adopted",
                        room.roomId());
                continue;
            }
            if (list.add(room.roomId(), room.autoRecord(), RoomList.FROM_RECORDER, room.fields())) {
                LOG.info("adopted room {} ({}) from the recorder", room.roomId(), room.name());
                adopted.add(room.roomId());
            }
        }
        return adopted;
    }

    private List<Long> addMissing(List<RecorderRoom> rooms) {
        List<Long> added = new ArrayList<>();
        for (RoomList.Room wanted : list.wanted()) {
            if (rooms.stream().noneMatch(r -> r.answersTo(wanted.roomId()))) {
                try {
                    RecorderRoom room = recorder.add(wanted.roomId(), wanted.autoRecord());
                    rooms.add(room);
                    added.add(wanted.roomId());
                    LOG.info("added room {} to the recorder", wanted.roomId());
                } catch (RecorderRejected e) {
                    LOG.warn("{}; the next synchronisation tries again", e.getMessage());
                }
            }
        }
        return added;
    }

    private void rememberAutoRecord(List<RecorderRoom> rooms) {
        Map<Long, Boolean> autoRecord = new LinkedHashMap<>();
        rooms.forEach(r -> autoRecord.put(r.roomId(), r.autoRecord()));
        list.autoRecord(autoRecord);
    }

    private void remember(List<RecorderRoom> rooms) {
        Map<Long, RecorderRoom> byId = new LinkedHashMap<>();
        rooms.forEach(r -> byId.put(r.roomId(), r));
        if (!view.current() && view.checked() != null) {
            LOG.info("the recorder at {} answers again ({} rooms)", recorder.url(), byId.size());
        }
        view = new View(Map.copyOf(byId), true, null, OffsetDateTime.now().toString());
    }

    private void unreachable(String problem) {
        if (view.current() || view.checked() == null || !problem.equals(view.problem())) {
            LOG.warn("{}; rooms are applied when it answers", problem);
        }
        view = new View(view.rooms(), false, problem, OffsetDateTime.now().toString());
    }

    private void putInView(RecorderRoom room) {
        Map<Long, RecorderRoom> rooms = new LinkedHashMap<>(view.rooms());
        rooms.put(room.roomId(), room);
        view = new View(Map.copyOf(rooms), view.current(), view.problem(), view.checked());
    }

    /** A change applied at once; when the recorder is down or refuses it, the next sync applies it. */
    private void apply(Runnable change) {
        lock.lock();
        try {
            change.run();
            if (!view.current()) {
                // the recorder answers again: bring the whole view up to date, not just this room
                sync();
            }
        } catch (RecorderUnavailable e) {
            unreachable(e.getMessage());
        } catch (RecorderRejected e) {
            LOG.warn("{}; the next synchronisation tries again", e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
