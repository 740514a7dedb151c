package io.nglive;

import java.nio.file.Path;
import java.util.List;

/**
 * A node: its name in events, the recorder's work directory it takes recordings from, where outputs go, and what it
 * offers the central server's placement.
 *
 * @param worksPath must exist (only the bundled default is created): a misspelt one would take webhooks for files
 *                  that are elsewhere
 * @param capacity  the most rooms the central server places on it; 0: no limit
 * @param labels    matched against a room's required labels (a site, a disk, a GPU)
 */
public record NodeSettings(String name, Path worksPath, Path outPath, int capacity, List<String> labels) {

    public static NodeSettings read(SettingsReader settings) {
        return new NodeSettings(
                settings.optional("nglive.node.name").orElseGet(SettingsReader::hostName),
                settings.worksPath("nglive.works-path"),
                settings.writableDirectory("nglive.out-path"),
                settings.integer("nglive.node.capacity", 0, 100_000),
                settings.labels("nglive.node.labels"));
    }
}
