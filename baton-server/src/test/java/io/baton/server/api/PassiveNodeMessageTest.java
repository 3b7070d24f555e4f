package io.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.cluster.NodeRegistration;
import io.baton.server.node.NodeRole;
import org.junit.jupiter.api.Test;

class PassiveNodeMessageTest {

    @Test
    void namesProgramDirectoryOfActiveNode() {
        NodeRegistration active = new NodeRegistration("node-a", "vm-a", 4242, "/opt/baton-a", "0.1.0", "http://vm-a:7070", "ACTIVE", 3,
                "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z");

        String text = PassiveNodeMessage.text("node-b", NodeRole.PASSIVE, "node-a", active);

        assertThat(text).isEqualTo("node node-b is PASSIVE; the active node is node-a; run the command on host vm-a with --home "
                + "/opt/baton-a (or set BATON_HOME to that directory)");
    }

    @Test
    void unregisteredActiveNodeKeepsGeneralHint() {
        String text = PassiveNodeMessage.text("node-b", NodeRole.PASSIVE, "node-a", null);

        assertThat(text).contains("the active node is node-a").contains("set BATON_HOME or --home to its program directory");
    }

    @Test
    void noLeaseSaysNoNodeIsActive() {
        String text = PassiveNodeMessage.text("node-b", NodeRole.STARTING, "", null);

        assertThat(text).contains("node node-b is STARTING").contains("no node holds the lease");
    }
}
