package io.nglive.central;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.nglive.journal.JournalAccess;

/**
 * The highest placement epoch the central server's commands about each room have carried, kept in the node's
 * database so that a command from an earlier placement is still known for stale after a restart.
 */
public final class RoomEpochs {

    private final DataSource dataSource;
    /** One per room commanded with an epoch; in memory, as only this process opens the database (DataLock). */
    private final Map<Long, Object> locks = new ConcurrentHashMap<>();

    public RoomEpochs(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The room's epoch: 0 when no command with an epoch was about it. */
    public long epoch(long roomId) {
        return JournalAccess.transaction(dataSource, c -> {
            List<Map<String, Object>> rows = JournalAccess.query(c, "SELECT epoch FROM room_epoch WHERE room_id = ?",
                    roomId);
            return rows.isEmpty() ? 0L : ((Number) rows.get(0).get("epoch")).longValue();
        });
    }

    /** Raises the room's epoch to {@code epoch}; a lower one changes nothing. */
    public void raise(long roomId, long epoch) {
        JournalAccess.transaction(dataSource, c -> JournalAccess.update(c,
                "MERGE INTO room_epoch USING (VALUES (CAST(? AS BIGINT), CAST(? AS BIGINT))) AS v (room_id, epoch) "
                        + "ON room_epoch.room_id = v.room_id "
                        + "WHEN MATCHED THEN UPDATE SET epoch = GREATEST(room_epoch.epoch, v.epoch) "
                        + "WHEN NOT MATCHED THEN INSERT VALUES (v.room_id, v.epoch)", roomId, epoch));
    }

    /** Runs {@code work} while no other work about the same room runs, so that its check and raise are one step. */
    public <T> T locked(long roomId, Supplier<T> work) {
        synchronized (locks.computeIfAbsent(roomId, id -> new Object())) {
            return work.get();
        }
    }
}
