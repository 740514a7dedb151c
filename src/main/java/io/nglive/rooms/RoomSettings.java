package io.nglive.rooms;

import java.util.Set;

import io.nglive.SettingsReader;

/** @param blacklist room ids that can never be added, nor adopted from the recorder */
public record RoomSettings(Set<Long> blacklist) {

    public static RoomSettings read(SettingsReader settings) {
        return new RoomSettings(settings.roomIds("nglive.rooms.blacklist"));
    }
}
