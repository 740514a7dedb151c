package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ReplicaSpreadTest {

    private static Node node(String id, String... labels) {
        return new Node(id, "node-" + id, Node.Presence.CONNECTED, 0, Set.of(labels), 0, null, null);
    }

    private final List<Node> nodes = List.of(node("a", "host:nas-1", "gpu"), node("a2", "host:nas-1"),
            node("b", "host:nas-2"), node("free"), node("hostless", "hosting:nas-1"));

    @Test
    void nodesThatShareTheKeysValueAreTogether() {
        ReplicaSpread host = new ReplicaSpread("host");

        assertThat(host.together("a", nodes)).containsExactlyInAnyOrder("a", "a2");
        assertThat(host.together("b", nodes)).containsExactly("b");
    }

    @Test
    void aNodeWithoutTheLabelSharesItWithNone() {
        ReplicaSpread host = new ReplicaSpread("host");

        assertThat(host.together("free", nodes)).containsExactly("free");
        assertThat(host.together("hostless", nodes)).as("hosting: is another key").containsExactly("hostless");
    }

    @Test
    void noKeyKeepsOnlyTheSameNodeApart() {
        assertThat(new ReplicaSpread("").together("a", nodes)).containsExactly("a");
    }
}
