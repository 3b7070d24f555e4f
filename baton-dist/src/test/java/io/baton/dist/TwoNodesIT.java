package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second node on the same data directory stays passive and writes nothing but its own log. */
class TwoNodesIT {

    @TempDir
    Path tmp;

    @Test
    void secondNodeStaysPassiveAndWritesNothing() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess a = cluster.node("node-a");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Map<String, String> before = snapshot(cluster.data);

            NodeProcess b = cluster.node("node-b");
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            // Three lease lengths: long enough for b to take over if it wrongly thought the lease free.
            Thread.sleep(12_000);

            assertThat(b.get("/api/node").path("role").asText()).as("role of node-b").isEqualTo("PASSIVE");
            assertThat(b.get("/api/node").path("activeNode").asText()).as("active node seen by node-b").isEqualTo("node-a");
            assertThat(a.get("/api/node").path("role").asText()).as("role of node-a").isEqualTo("ACTIVE");
            NodeProcess.Response services = b.call("GET", "/api/services", null);
            assertThat(services.status()).as("services on a passive node").isEqualTo(503);
            assertThat(services.body().path("message").asText()).contains("node-a");

            Map<String, String> after = snapshot(cluster.data);
            after.remove("logs/node-node-b.log");
            assertThat(after).as("data directory after node-b started (lease and node-a's log excluded)").isEqualTo(before);
            assertThat(Files.exists(cluster.data.resolve("state/epochs/2"))).as("a second epoch").isFalse();

            b.signal("TERM");
            assertThat(b.awaitExit(Duration.ofSeconds(30))).as("passive node's exit status").isZero();
            a.signal("TERM");
            assertThat(a.awaitExit(Duration.ofSeconds(30))).as("active node's exit status").isZero();
        }
    }

    /** Every file with its size and modification time, except the lease and node-a's log, which node-a rewrites. */
    private static Map<String, String> snapshot(Path data) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(data)) {
            for (Path p : s.toList()) {
                String rel = data.relativize(p).toString();
                if (rel.startsWith("state/lease") || rel.equals("logs/node-node-a.log")) {
                    continue;
                }
                files.put(rel, Files.isDirectory(p) ? "dir" : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return files;
    }
}
