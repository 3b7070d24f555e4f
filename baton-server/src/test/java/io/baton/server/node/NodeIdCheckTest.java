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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registry entries in a real folder, with this test's JVM as the live process that uses a node id. */
class NodeIdCheckTest {

    private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
    private static final String HOST = "host-a";

    @TempDir
    Path dir;

    private NodeRegistry registry() {
        return new NodeRegistry(dir.resolve("nodes"));
    }

    private NodeIdCheck check() {
        return new NodeIdCheck(registry(), new StaleRule(Duration.ofSeconds(15), HOST));
    }

    /** Builds an entry whose node started now, so that this JVM, started earlier, counts as its live process and not as a reused pid. */
    private NodeRegistration entry(String host, long pid, String programDirectory, Instant heartbeat) {
        return new NodeRegistration("n1", host, pid, programDirectory, "1.0", "http://127.0.0.1:8080", "ACTIVE", 3,
                Instant.now().toString(), heartbeat.toString());
    }

    @Test
    void liveNodeOnSameHostRejected() throws Exception {
        registry().write(entry(HOST, ProcessHandle.current().pid(), "/opt/baton-1", NOW.minusSeconds(1)));

        assertThatThrownBy(() -> check().requireUnused("n1", HOST, Path.of("/opt/baton-2"), NOW))
                .isInstanceOf(NodeIdInUseException.class)
                .hasMessageContaining("node id n1 is in use")
                .hasMessageContaining("pid " + ProcessHandle.current().pid() + " on host " + HOST)
                .hasMessageContaining("/opt/baton-1")
                .hasMessageContaining("--node-id");
    }

    @Test
    void freshEntryOfOtherHostRejected() throws Exception {
        registry().write(entry("host-b", 4242, "/opt/baton", NOW.minusSeconds(2)));

        assertThatThrownBy(() -> check().requireUnused("n1", HOST, Path.of("/opt/baton"), NOW))
                .isInstanceOf(NodeIdInUseException.class)
                .hasMessageContaining("host-b")
                .hasMessageContaining("older than 15 s");
    }

    @Test
    void staleOrEndedEntriesAccepted() throws Exception {
        registry().write(entry("host-b", 4242, "/opt/baton", NOW.minusSeconds(60)));
        assertThatCode(() -> check().requireUnused("n1", HOST, Path.of("/opt/baton-2"), NOW)).as("stale entry of another host")
                .doesNotThrowAnyException();

        registry().write(entry(HOST, Long.MAX_VALUE, "/opt/baton-1", NOW.minusSeconds(1)));
        assertThatCode(() -> check().requireUnused("n1", HOST, Path.of("/opt/baton-2"), NOW)).as("entry of an ended process")
                .doesNotThrowAnyException();

        registry().write(entry(HOST, ProcessHandle.current().pid(), "/opt/baton-1", NOW.minusSeconds(1)));
        assertThatCode(() -> check().requireUnused("n1", HOST, Path.of("/opt/baton-1"), NOW)).as("earlier daemon of this program directory")
                .doesNotThrowAnyException();
        assertThatCode(() -> check().requireUnused("n2", HOST, Path.of("/opt/baton-2"), NOW)).as("another node id")
                .doesNotThrowAnyException();
        assertThat(registry().read("n1")).as("entry left as it was").isNotNull();
    }
}
