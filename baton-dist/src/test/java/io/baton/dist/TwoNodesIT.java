package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second node on the same data directory stays passive and writes nothing but its own log and registry entry. */
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
            assertThat(services.status()).as("services through a passive node, forwarded to node-a").isEqualTo(200);

            Map<String, String> after = snapshot(cluster.data);
            after.remove("logs/node-node-b.log");
            after.remove("state/nodes/node-b");
            assertThat(after).as("data directory after node-b started (files that node-a rewrites excluded)").isEqualTo(before);
            assertThat(Files.exists(cluster.data.resolve("state/epochs/2"))).as("a second epoch").isFalse();
            // The snapshot leaves state/alerts.json out, because node-a rewrites it; it must still be node-a's.
            assertThat(Files.readString(cluster.data.resolve("state/alerts.json"))).as("state/alerts.json")
                    .containsPattern("\"epoch\"\\s*:\\s*1\\b").containsPattern("\"node\"\\s*:\\s*\"node-a\"");

            b.signal("TERM");
            assertThat(b.awaitExit(Duration.ofSeconds(30))).as("passive node's exit status").isZero();
            a.signal("TERM");
            assertThat(a.awaitExit(Duration.ofSeconds(30))).as("active node's exit status").isZero();
        }
    }

    @Test
    void passiveNodeTakesOverAfterKill() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path inbox = cluster.data.resolve("inbox");
            Files.createDirectories(inbox);
            for (int i = 0; i < 200; i++) {
                Files.writeString(inbox.resolve(String.format("f-%03d.txt", i)), "file " + i + "\n");
            }
            Path svc = cluster.serviceFolder("mover", """
                    name: mover
                    autoStart: true
                    schedule: { every: 300ms }
                    source: { path: inbox }
                    process:
                      - type: class
                        class: io.baton.testkit.steps.SlowCopyStep
                        settings: { delayMillis: "30" }
                    targets: [ { path: outbox } ]
                    onSuccess: { delete: true }
                    """);
            NodeProcess a = cluster.node("node-a");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            assertThat(a.cli("deploy", svc.toString()).exitCode()).isZero();
            a.cli("start", "mover");
            NodeProcess b = cluster.node("node-b");
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            NodeProcess.await(Duration.ofSeconds(30), "some outputs", () -> CrashConsistencyIT.filesUnder(cluster.data.resolve("outbox")).size() > 20);

            a.kill9();
            long killed = System.nanoTime();
            b.awaitRole("ACTIVE", Duration.ofSeconds(30));
            long takeoverMillis = (System.nanoTime() - killed) / 1_000_000;
            // Lease of 4 s, measured from node-b's last sight of a heartbeat, plus polling and JVM scheduling.
            assertThat(takeoverMillis).as("takeover time after kill -9, lease 4 s").isLessThan(15_000);
            assertThat(b.get("/api/node").path("epoch").asLong()).as("epoch of node-b").isEqualTo(2);

            NodeProcess.await(Duration.ofMinutes(2), "node-b to finish the files", () -> CrashConsistencyIT.filesUnder(inbox).isEmpty());
            List<Path> outputs = CrashConsistencyIT.filesUnder(cluster.data.resolve("outbox"));
            assertThat(outputs).as("outputs").hasSize(200);
            for (Path out : outputs) {
                int n = Integer.parseInt(out.getFileName().toString().substring(2, 5));
                assertThat(Files.readString(out)).as(out.toString()).isEqualTo("file " + n + "\n");
            }

            a.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            assertThat(b.get("/api/node").path("role").asText()).as("node-b after node-a restarted").isEqualTo("ACTIVE");
            b.signal("TERM");
            assertThat(b.awaitExit(Duration.ofSeconds(60))).isZero();
            a.awaitRole("ACTIVE", Duration.ofSeconds(30));
            a.signal("TERM");
            assertThat(a.awaitExit(Duration.ofSeconds(60))).isZero();
        }
    }

    /**
     * Every file with its size and modification time, except those that node-a rewrites while active: the lease,
     * node-a's log and registry entry, and state/alerts.json, which node-a's alert writer updates whenever its own
     * node alerts change, such as lease-renewal-slow under disk load. Temporary files (ending in .tmp) of atomic
     * writes are left out too, and so are files that vanish during the walk.
     */
    private static Map<String, String> snapshot(Path data) throws IOException {
        Map<String, String> files = new TreeMap<>();
        Files.walkFileTree(data, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                add(dir, attrs);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                add(file, attrs);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }

            private void add(Path p, BasicFileAttributes attrs) {
                String rel = data.relativize(p).toString();
                if (rel.isEmpty() || rel.startsWith("state/lease") || rel.equals("logs/node-node-a.log") || rel.startsWith("state/nodes/node-a")
                        || rel.startsWith("state/nodes/.node-a") || rel.equals("state/alerts.json") || rel.endsWith(".tmp")) {
                    return;
                }
                files.put(rel, attrs.isDirectory() ? "dir" : attrs.size() + "@" + attrs.lastModifiedTime().toMillis());
            }
        });
        return files;
    }
}
