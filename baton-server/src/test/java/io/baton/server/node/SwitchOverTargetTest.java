package io.baton.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.cluster.NodeRegistration;
import io.baton.core.cluster.NodeRegistry;
import io.baton.core.cluster.StaleRule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry check of a switch-over target, on real registry files. No entry names this host, so no pid is looked up. */
class SwitchOverTargetTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:30Z");

    @TempDir
    Path tmp;

    private NodeRegistry registry;
    private SwitchOverTarget target;

    @BeforeEach
    void setUp() throws Exception {
        registry = new NodeRegistry(tmp.resolve("nodes"));
        target = new SwitchOverTarget(registry, new StaleRule(Duration.ofSeconds(10), "host-here"));
        register("node-a", "ACTIVE", "2026-03-01T10:00:29Z");
        register("node-b", "PASSIVE", "2026-03-01T10:00:28Z");
        register("node-c", "PASSIVE", "2026-03-01T10:00:00Z");
        register("node-d", "STARTING", "2026-03-01T10:00:29Z");
    }

    private void register(String nodeId, String role, String heartbeatAt) throws Exception {
        registry.write(new NodeRegistration(nodeId, "host-" + nodeId, 4242, "/opt/baton", "0.1.0", "http://127.0.0.1:1", role, 2,
                "2026-03-01T09:00:00Z", heartbeatAt));
    }

    @Test
    void freshPassiveNodeAccepted() {
        assertThatCode(() -> target.requirePassive("node-b", NOW)).doesNotThrowAnyException();
    }

    @Test
    void unknownNodeRejected() {
        assertThatThrownBy(() -> target.requirePassive("nosuch", NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node nosuch cannot take over: it has no entry in")
                .hasMessageContaining("Nothing was stopped")
                .hasMessageContaining("known passive nodes: node-b;");
    }

    @Test
    void staleNodeRejected() {
        assertThatThrownBy(() -> target.requirePassive("node-c", NOW))
                .hasMessageContaining("its registry entry is stale: no heartbeat for 30000 ms")
                .hasMessageContaining("known passive nodes: node-b;");
    }

    @Test
    void startingNodeRejected() {
        assertThatThrownBy(() -> target.requirePassive("node-d", NOW)).hasMessageContaining("it is STARTING");
    }

    @Test
    void noPassiveNodeSuggestsStart() throws Exception {
        registry.remove("node-b");

        assertThatThrownBy(() -> target.requirePassive("nosuch", NOW)).hasMessageContaining("no passive node is running");
    }
}
