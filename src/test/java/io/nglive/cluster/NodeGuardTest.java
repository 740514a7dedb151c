package io.nglive.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeGuardTest {

    @Test
    void withATokenANodeMustPresentItFromAnywhere() {
        NodeGuard guard = new NodeGuard("s3cret", () -> { });

        assertThat(guard.allows("s3cret", null, "203.0.113.9")).isTrue();
        assertThat(guard.allows(null, "Bearer s3cret", "203.0.113.9")).isTrue();
        assertThat(guard.allows("wrong", null, "127.0.0.1")).isFalse();
        assertThat(guard.allows(null, null, "127.0.0.1")).isFalse();
        assertThat(guard.allows("s3cre", null, "127.0.0.1")).isFalse();
    }

    @Test
    void withoutATokenOnlyNodesOnThisMachineAreLetIn() {
        NodeGuard guard = new NodeGuard("", () -> { });

        assertThat(guard.allows(null, null, "127.0.0.1")).isTrue();
        assertThat(guard.allows(null, null, "0:0:0:0:0:0:0:1")).isTrue();
        assertThat(guard.allows(null, null, "192.168.1.20")).isFalse();
        assertThat(guard.allows("anything", null, "192.168.1.20")).isFalse();
        assertThat(guard.allows(null, null, "")).isFalse();
    }
}
