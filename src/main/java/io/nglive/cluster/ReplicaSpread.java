package io.nglive.cluster;

import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.nglive.InvalidSetting;
import io.nglive.SettingsReader;

/**
 * Which nodes may record the same room twice ({@code nglive.cluster.replica-spread}, a label key such as {@code host}
 * or {@code site}): two nodes whose labels give the key the same value ({@code host:nas-1}) are one failure away from
 * each other, so a room's two recordings never go to both. A node without such a label shares it with none.
 */
public record ReplicaSpread(String key) {

    public ReplicaSpread {
        key = key.trim();
    }

    static ReplicaSpread read(SettingsReader settings) {
        String key = settings.optional("nglive.cluster.replica-spread").orElse("");
        if (!key.isEmpty() && (!SettingsReader.isLabel(key) || key.contains(":"))) {
            throw new InvalidSetting("nglive.cluster.replica-spread", key, "must be a label key without ':' such as "
                    + "host or site (a node labelled host:nas-1 has the value nas-1 for the key host)");
        }
        return new ReplicaSpread(key);
    }

    /** The node's value for the key: {@code nas-1} for the label {@code host:nas-1}; empty when it has none. */
    Optional<String> valueOf(Node node) {
        if (key.isEmpty()) {
            return Optional.empty();
        }
        String prefix = key + ":";
        return node.labels().stream().filter(label -> label.startsWith(prefix) && label.length() > prefix.length())
                .map(label -> label.substring(prefix.length())).sorted().findFirst();
    }

    /** The node {@code nodeId} and every node of {@code nodes} that shares its value: where the other copy cannot go. */
    Set<String> together(String nodeId, Collection<Node> nodes) {
        Optional<String> value = nodes.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst()
                .flatMap(this::valueOf);
        Set<String> together = nodes.stream().filter(n -> value.isPresent() && value.equals(valueOf(n)))
                .map(Node::nodeId).collect(Collectors.toCollection(HashSet::new));
        together.add(nodeId);
        return together;
    }

    /** How the reasons name the rule: {@code the label host:} */
    String shown() {
        return key.isEmpty() ? "no spread label" : "the label " + key + ":";
    }
}
