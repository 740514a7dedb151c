package io.nglive.protocol;

import java.util.List;

/**
 * The node's first frame on every connection.
 *
 * @param nodeId    stable across the node's restarts (made on its first start)
 * @param lastAcked the highest seq the central server acknowledged: the node sends every stored event after it
 * @param capacity  the most rooms the node records (0: no limit); 0 from a node older than the field
 * @param labels    what the node offers a room's required labels (a site, a disk, a GPU); none from an older node
 */
public record Hello(String node, String nodeId, String version, long lastAcked, int capacity, List<String> labels)
        implements Frame {

    public Hello {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    @Override
    public String type() {
        return "hello";
    }
}
