package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.OpenSshServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that reads from and delivers to a real OpenSSH sshd on 127.0.0.1: names with spaces and
 * non-ASCII letters, a zero-byte file, a file still being uploaded, remote archive after commit, and
 * a second run that finds nothing new.
 */
class SftpServiceIT {

    @TempDir
    Path tmp;
    OpenSshServer sshd;

    @BeforeAll
    static void needsSshd() {
        OpenSshServer.requireSshd();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
    }

    /** Starts the test's sshd and returns a known-hosts file that pins its host key. */
    private Path startSshd() throws Exception {
        sshd = OpenSshServer.start(Files.createDirectories(tmp.resolve("sshd")));
        return sshd.writeKnownHosts(tmp.resolve("known_hosts"));
    }

    /** Returns a service descriptor whose source and target are folders on the test's sshd, with its ECDSA client key. */
    static String descriptor(String name, OpenSshServer sshd, Path knownHosts, Path outbound, Path inbound, String extraSource) {
        return descriptor(name, sshd, sshd.clientKey(), knownHosts, outbound, inbound, extraSource);
    }

    /** Returns a service descriptor whose source and target are folders on the test's sshd, logging in with keyFile. */
    static String descriptor(String name, OpenSshServer sshd, Path keyFile, Path knownHosts, Path outbound, Path inbound,
            String extraSource) {
        String remote = "credentials: { keyFile: " + keyFile + " }, knownHosts: " + knownHosts
                + ", retries: 3, retryBackoff: 500ms, idleTimeout: 10s";
        return """
                name: %s
                source: { type: sftp, uri: "sftp://root@127.0.0.1:%d%s", %s%s }
                process: [ { type: csv-to-jsonl } ]
                targets: [ { type: sftp, uri: "sftp://root@127.0.0.1:%d%s", name: "{basename}.jsonl", %s } ]
                onSuccess: { archive: "%s/done" }
                onFailure: { retries: 0 }
                """.formatted(name, sshd.port(), outbound, remote, extraSource, sshd.port(), inbound, remote, outbound);
    }

    @Test
    void downloadsProcessesUploadsAndArchivesOnce() throws Exception {
        Path knownHosts = startSshd();
        Path outbound = Files.createDirectories(tmp.resolve("remote/outbound"));
        Path inbound = tmp.resolve("remote/inbound");
        List<String> names = List.of("orders 2024.csv", "Überweisung_März.csv", "订单_2024.csv", "café ñ.csv");
        for (String n : names) {
            Files.writeString(outbound.resolve(n), "id,name\n1,a\n2,b\n", StandardCharsets.UTF_8);
        }
        Files.createFile(outbound.resolve("empty.csv"));

        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess node = cluster.node("sftp-a");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            // An ed25519 key, the default type of ssh-keygen, which the node reads through Bouncy Castle in its lib folder.
            cluster.deployAndStart(node, descriptor("remote", sshd, sshd.ed25519ClientKey(), knownHosts, outbound, inbound, ""));

            JsonNode run = TestCluster.runOnce(node, "remote");
            assertThat(run.path("committed").asInt()).as("committed items of " + run).isEqualTo(4);
            assertThat(run.path("quarantined").asInt()).as("quarantined items (the empty file) of " + run).isEqualTo(1);
            for (String n : names) {
                String base = n.substring(0, n.length() - 4);
                assertThat(inbound.resolve(base + ".jsonl")).as("delivered output of " + n)
                        .hasContent("{\"id\":\"1\",\"name\":\"a\"}\n{\"id\":\"2\",\"name\":\"b\"}");
            }
            assertThat(filesIn(inbound)).as("files in the remote target").hasSize(4);
            assertThat(filesIn(outbound.resolve("done"))).as("archived remote inputs").hasSize(4);
            // The empty file's copy is in the local quarantine; the remote file stays where it is.
            assertThat(filesIn(outbound)).as("left in the remote source").containsExactly("empty.csv");
            assertThat(filesIn(cluster.data.resolve("quarantine/remote"))).as("local quarantine")
                    .anyMatch(f -> f.startsWith("empty.item-") && f.endsWith(".csv"));

            JsonNode again = TestCluster.runOnce(node, "remote");
            assertThat(again.path("committed").asInt()).as("second run of " + again).isZero();
            assertThat(filesIn(inbound)).as("files in the remote target after a second run").hasSize(4);

            // The status names each remote endpoint, and an opt-in to old algorithms shows as a weakened connection.
            assertThat(node.cli("status", "remote").out()).contains("remote:     source sftp://root@127.0.0.1:" + sshd.port())
                    .doesNotContain("WEAKENED");
            cluster.deployAndStart(node, descriptor("legacy", sshd, knownHosts, Files.createDirectories(tmp.resolve("remote/legacy")),
                    tmp.resolve("remote/legacy-in"), ", algorithms: allow-legacy"));
            assertThat(node.cli("status", "legacy").out()).contains("WEAKENED: algorithms: allow-legacy");
        }
    }

    @Test
    void fileStillBeingUploadedWaitsUntilComplete() throws Exception {
        Path knownHosts = startSshd();
        Path outbound = Files.createDirectories(tmp.resolve("remote/outbound"));
        Path inbound = tmp.resolve("remote/inbound");
        Path growing = outbound.resolve("growing.csv");
        Files.writeString(growing, "id,name\n");

        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess node = cluster.node("sftp-b");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, descriptor("growing", sshd, knownHosts, outbound, inbound, ", ready: { stableFor: 3s }"));

            // The upload goes on for about 6 s, a line every 300 ms, across several runs.
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 1; i <= 20; i++) {
                        Files.writeString(growing, i + ",row" + i + "\n", java.nio.file.StandardOpenOption.APPEND);
                        Thread.sleep(300);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            while (!writer.isDone()) {
                JsonNode run = TestCluster.runOnce(node, "growing");
                assertThat(run.path("committed").asInt()).as("a run while the file grows: " + run).isZero();
            }
            writer.join();

            for (int i = 0; i < 10 && !Files.exists(inbound.resolve("growing.jsonl")); i++) {
                TestCluster.runOnce(node, "growing");
                Thread.sleep(1000);
            }
            assertThat(Files.readAllLines(inbound.resolve("growing.jsonl"))).as("delivered lines").hasSize(20);
            assertThat(filesIn(inbound)).as("files in the remote target").containsExactly("growing.jsonl");
        }
    }

    static List<String> filesIn(Path folder) throws java.io.IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
