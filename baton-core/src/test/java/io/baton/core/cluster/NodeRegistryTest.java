package io.baton.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRegistryTest {

    @TempDir
    Path tmp;

    static NodeRegistration entry(String id, String heartbeatAt) {
        return new NodeRegistration(id, "host-1", 4242, "/opt/baton-" + id, "0.1.0", "http://127.0.0.1:8491", "PASSIVE", 3,
                "2026-03-01T10:00:00Z", heartbeatAt);
    }

    @Test
    void entryIsJsonNamedByNodeId() throws Exception {
        NodeRegistry registry = new NodeRegistry(tmp.resolve("nodes"));

        registry.write(entry("node-a", "2026-03-01T10:00:05Z"));

        JsonNode json = new ObjectMapper().readTree(tmp.resolve("nodes/node-a").toFile());
        assertThat(json.path("nodeId").asText()).isEqualTo("node-a");
        assertThat(json.path("host").asText()).isEqualTo("host-1");
        assertThat(json.path("pid").asLong()).isEqualTo(4242);
        assertThat(json.path("programDirectory").asText()).isEqualTo("/opt/baton-node-a");
        assertThat(json.path("version").asText()).isEqualTo("0.1.0");
        assertThat(json.path("apiUrl").asText()).isEqualTo("http://127.0.0.1:8491");
        assertThat(json.path("role").asText()).isEqualTo("PASSIVE");
        assertThat(json.path("epoch").asLong()).isEqualTo(3);
        assertThat(json.path("startedAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(json.path("heartbeatAt").asText()).isEqualTo("2026-03-01T10:00:05Z");
        assertThat(registry.read("node-a")).isEqualTo(entry("node-a", "2026-03-01T10:00:05Z"));
    }

    @Test
    void rewriteReplacesEntryAndLeavesNoTemporaryFile() throws Exception {
        NodeRegistry registry = new NodeRegistry(tmp);

        registry.write(entry("node-a", "2026-03-01T10:00:05Z"));
        registry.write(entry("node-a", "2026-03-01T10:00:07Z"));

        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("node-a");
        }
        assertThat(registry.read("node-a").heartbeatAt()).isEqualTo("2026-03-01T10:00:07Z");
    }

    @Test
    void readAllSkipsTemporaryForeignAndMismatchedFiles() throws Exception {
        NodeRegistry registry = new NodeRegistry(tmp);
        registry.write(entry("node-b", "2026-03-01T10:00:05Z"));
        registry.write(entry("node-a", "2026-03-01T10:00:05Z"));
        Files.writeString(tmp.resolve(".node-c.tmp"), "{\"nodeId\":\"node-c\"}");
        Files.writeString(tmp.resolve("garbage"), "not json");
        Files.copy(tmp.resolve("node-a"), tmp.resolve("node-copy"));

        List<NodeRegistration> all = registry.readAll();

        assertThat(all).extracting(NodeRegistration::nodeId).containsExactly("node-a", "node-b");
    }

    @Test
    void removeDeletesEntry() throws Exception {
        NodeRegistry registry = new NodeRegistry(tmp);
        registry.write(entry("node-a", "2026-03-01T10:00:05Z"));

        assertThat(registry.remove("node-a")).isTrue();

        assertThat(registry.read("node-a")).isNull();
        assertThat(registry.remove("node-a")).isFalse();
    }

    @Test
    void missingFolderReadsAsEmpty() throws Exception {
        assertThat(new NodeRegistry(tmp.resolve("absent")).readAll()).isEmpty();
    }

    @Test
    void intervalsFollowLeaseTimings() {
        assertThat(NodeRegistry.writeInterval(Duration.ofMillis(500))).isEqualTo(Duration.ofSeconds(1));
        assertThat(NodeRegistry.writeInterval(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(NodeRegistry.staleAfter(Duration.ofSeconds(2), Duration.ofSeconds(15))).isEqualTo(Duration.ofSeconds(15));
        assertThat(NodeRegistry.staleAfter(Duration.ofSeconds(2), Duration.ofSeconds(4))).isEqualTo(Duration.ofSeconds(6));
    }
}
