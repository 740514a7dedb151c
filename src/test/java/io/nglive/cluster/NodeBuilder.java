package io.nglive.cluster;

import java.util.List;
import java.util.Set;

/** Nodes for the tests: connected, no limit, no labels, no rooms, nothing reported, unless told otherwise. */
final class NodeBuilder {

    private final String nodeId;
    private String name;
    private Node.Presence presence = Node.Presence.CONNECTED;
    private int capacity;
    private Set<String> labels = Set.of();
    private int rooms;
    private Long freeDisk;
    private Double load;

    private NodeBuilder(String nodeId) {
        this.nodeId = nodeId;
        this.name = nodeId;
    }

    static NodeBuilder node(String nodeId) {
        return new NodeBuilder(nodeId);
    }

    static List<Node> nodes(NodeBuilder... builders) {
        return List.of(builders).stream().map(NodeBuilder::build).toList();
    }

    NodeBuilder name(String name) {
        this.name = name;
        return this;
    }

    NodeBuilder presence(Node.Presence presence) {
        this.presence = presence;
        return this;
    }

    NodeBuilder capacity(int capacity) {
        this.capacity = capacity;
        return this;
    }

    NodeBuilder labels(String... labels) {
        this.labels = Set.of(labels);
        return this;
    }

    NodeBuilder rooms(int rooms) {
        this.rooms = rooms;
        return this;
    }

    NodeBuilder freeDisk(Long freeDisk) {
        this.freeDisk = freeDisk;
        return this;
    }

    NodeBuilder load(Double load) {
        this.load = load;
        return this;
    }

    Node build() {
        return new Node(nodeId, name, presence, capacity, labels, rooms, freeDisk, load);
    }
}
