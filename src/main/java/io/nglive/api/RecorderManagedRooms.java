package io.nglive.api;

import java.util.Map;

/**
 * The room API when {@code nglive.recorder.url} is empty (webhook-only): nglive cannot reach the recorder, so every
 * room request, over HTTP or from the central server, is refused with {@link RoomsApi#MANAGED_IN_RECORDER}. Bound
 * as {@code roomsApi} in place of {@link RoomsApi}, with the same method names the routes call.
 */
public final class RecorderManagedRooms {

    static final String MESSAGE = "rooms are managed in the recorder itself: nglive.recorder.url is empty "
            + "(webhook-only mode), so nglive has no recorder API to list, add, remove, change or control rooms with";

    public Map<String, Object> list() {
        throw refused();
    }

    public Map<String, Object> get() {
        throw refused();
    }

    public Map<String, Object> add() {
        throw refused();
    }

    public Map<String, Object> remove() {
        throw refused();
    }

    public Map<String, Object> autoRecord() {
        throw refused();
    }

    public Map<String, Object> action() {
        throw refused();
    }

    private static ApiError refused() {
        return new ApiError(409, RoomsApi.MANAGED_IN_RECORDER, MESSAGE);
    }
}
