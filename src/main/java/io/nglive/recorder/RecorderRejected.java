package io.nglive.recorder;

/**
 * The recorder answered a request with one of its error codes: -1 unknown, -2 room id out of range, -3 room
 * exists, -4 room not found.
 */
public class RecorderRejected extends RuntimeException {

    public static final int ROOM_NOT_FOUND = -4;

    private final int code;

    public RecorderRejected(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
