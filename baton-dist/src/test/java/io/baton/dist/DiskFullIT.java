package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full file system under the target folder or under staging: a 1 MB tmpfs for a 5 MB output. The run
 * fails with "No space left on device" and the path, nothing appears under the final name, the input
 * stays, and once the file system is enlarged the next run publishes the complete output. Mounting
 * needs root; without it the test is skipped.
 */
class DiskFullIT {

    static final int INPUT_BYTES = 5 * 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void fullTargetBlocksPublishing() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path out = cluster.data.resolve("out");
            try (Tmpfs full = Tmpfs.mount(out)) {
                NodeProcess node = cluster.node("full-target");
                node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
                byte[] content = deploy(cluster, node, "target");

                JsonNode run = TestCluster.runOnce(node, "target");
                JsonNode item = TestCluster.itemsOf(node, run).get(0);
                assertThat(run.path("state").asText()).as("run on a full target").isEqualTo("FAILED");
                assertThat(item.path("state").asText()).as("item " + item).isEqualTo("PUBLISH_BLOCKED");
                assertThat(item.path("error").asText()).contains("No space left on device").contains(out.toString());
                assertThat(Files.exists(out.resolve("big.bin"))).as("output under its final name").isFalse();
                assertThat(Files.mismatch(cluster.data.resolve("in/big.bin"), cluster.data.resolve("expected.bin"))).as("input").isEqualTo(-1);
                assertThat(node.cli("services").out()).as("baton services").contains("FAILED");

                full.resize("20m");
                // A failed publish action waits out its backoff; an operator who fixed the cause retries at once.
                NodeProcess.CliResult retry = node.cli("retry", item.path("id").asText());
                assertThat(retry.exitCode()).as("retry: " + retry.err()).isZero();
                TestCluster.runOnce(node, "target");
                assertThat(Files.readAllBytes(out.resolve("big.bin"))).as("output after space was freed").isEqualTo(content);
                assertThat(Files.exists(cluster.data.resolve("in/big.bin"))).as("input archived").isFalse();
                node.close();
            }
        }
    }

    @Test
    void fullStagingFailsTheItem() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path work = cluster.data.resolve("work");
            try (Tmpfs full = Tmpfs.mount(work)) {
                NodeProcess node = cluster.node("full-staging");
                node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
                byte[] content = deploy(cluster, node, "staging");

                JsonNode run = TestCluster.runOnce(node, "staging");
                JsonNode item = TestCluster.itemsOf(node, run).get(0);
                assertThat(item.path("state").asText()).as("item " + item).isEqualTo("FAILED");
                assertThat(item.path("error").asText()).contains("No space left on device").contains(work.toString());
                assertThat(Files.exists(cluster.data.resolve("out/big.bin"))).as("output under its final name").isFalse();
                assertThat(Files.mismatch(cluster.data.resolve("in/big.bin"), cluster.data.resolve("expected.bin"))).as("input").isEqualTo(-1);

                full.resize("20m");
                TestCluster.runOnce(node, "staging");
                assertThat(Files.readAllBytes(cluster.data.resolve("out/big.bin"))).as("output after space was freed").isEqualTo(content);
                node.close();
            }
        }
    }

    /** Deploys a copy service and delivers a 5 MB input, keeping a copy as expected.bin; returns its bytes. */
    private static byte[] deploy(TestCluster cluster, NodeProcess node, String name) throws IOException, InterruptedException {
        Files.createDirectories(cluster.data.resolve("in"));
        cluster.deployAndStart(node, "name: " + name + """

                source: { path: in }
                process: [ { type: copy } ]
                targets: [ { path: out } ]
                onSuccess: { archive: archive }
                onFailure: { retries: 3, backoff: 0s }
                """);
        byte[] content = new byte[INPUT_BYTES];
        new Random(7).nextBytes(content);
        Files.write(cluster.data.resolve("expected.bin"), content);
        Files.write(cluster.data.resolve("in/big.bin"), content);
        return content;
    }

    /** A 1 MB tmpfs mounted on a folder of the test's own, unmounted at close. */
    private static final class Tmpfs implements AutoCloseable {

        private final Path mountPoint;

        private Tmpfs(Path mountPoint) {
            this.mountPoint = mountPoint;
        }

        static Tmpfs mount(Path mountPoint) throws IOException, InterruptedException {
            Files.createDirectories(mountPoint);
            int status = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.toString());
            assumeTrue(status == 0, "mounting a tmpfs needs root (mount exited with " + status + ")");
            return new Tmpfs(mountPoint);
        }

        void resize(String size) throws IOException, InterruptedException {
            assertThat(run("mount", "-o", "remount,size=" + size, mountPoint.toString())).as("remount with size " + size).isZero();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            run("umount", "--lazy", mountPoint.toString());
        }

        private static int run(String... command) throws IOException, InterruptedException {
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        }
    }
}
