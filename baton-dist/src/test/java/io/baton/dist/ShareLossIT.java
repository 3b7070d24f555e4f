package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.FileDropper;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.RoleSampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active node loses access to the shared data directory for several lease lengths while the
 * other node keeps it. node-a runs as the unprivileged user nobody; node-b runs as root, which file
 * permissions do not stop, so taking the data directory away from nobody cuts off node-a alone.
 * node-a fences itself, node-b takes over, and once access returns node-a stays passive and writes
 * nothing. Afterwards node-a can still take over again.
 */
class ShareLossIT {

    static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    @Test
    void activeNodeCutOffFromShare() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "cutting one node off needs root: the other node runs as root, the cut-off node as nobody");
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path inbox = Files.createDirectories(cluster.data.resolve("inbox"));
            NodeProcess a = cluster.node("node-a").asUser(NOBODY, NOBODY);
            NodeProcess b = cluster.node("node-b");
            chownToNobody(tmp);
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(a, FailoverKillIT.SERVICE);
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            RoleSampler sampler = new RoleSampler(List.of(a, b), 100).start();
            FileDropper dropper = new FileDropper(inbox, 200).owner(NOBODY, NOBODY).start();
            NodeProcess.await(Duration.ofSeconds(30), "node-a to publish outputs", () -> CrashConsistencyIT.filesUnder(cluster.data.resolve("outbox")).size() > 5);

            // Cut node-a off: the data directory belongs to root and only root may enter it.
            Files.setAttribute(cluster.data, "unix:uid", 0);
            Files.setPosixFilePermissions(cluster.data, PosixFilePermissions.fromString("rwx------"));
            b.awaitRole("ACTIVE", Duration.ofSeconds(30));
            // Several lease lengths without access.
            Thread.sleep(8_000);
            assertThat(a.roleNow()).as("role of node-a while cut off").isEqualTo("PASSIVE");

            // Access returns. What node-b created meanwhile stays root's, so node-a could not write there anyway.
            FileTime restored = FileTime.fromMillis(System.currentTimeMillis());
            Files.setAttribute(cluster.data, "unix:uid", NOBODY);
            Files.setPosixFilePermissions(cluster.data, PosixFilePermissions.fromString("rwxr-xr-x"));
            Thread.sleep(8_000);
            dropper.stop();
            NodeProcess.await(Duration.ofSeconds(60), "node-b to process every file", () -> FailoverKillIT.remaining(inbox) == 0);
            NodeProcess.await(Duration.ofSeconds(30), "node-b's last run to end",
                    () -> !b.tryGet("/api/services/relay").path("runInProgress").asBoolean(true));

            assertThat(a.roleNow()).as("role of node-a after access returned").isEqualTo("PASSIVE");
            assertThat(a.get("/api/node").path("activeNode").asText()).as("active node seen by node-a").isEqualTo("node-b");
            assertThat(b.get("/api/node").path("epoch").asLong()).as("epoch of node-b").isEqualTo(2);
            assertThat(a.output()).as("node-a's log").contains("fenced itself in epoch 1").contains("stepped down from epoch 1");
            assertThat(b.output()).as("node-b's log").contains("is active with epoch 2 (expiry: the lease of node node-a (epoch 1) expired after");
            assertThat(writtenByNodeASince(cluster.data, restored)).as("files node-a wrote after access returned").isEmpty();

            // node-a's role loop survived the outage: it takes over when node-b stops.
            chownToNobody(tmp);
            b.signal("TERM");
            assertThat(b.awaitExit(Duration.ofSeconds(60))).as("exit status of node-b").isZero();
            a.awaitRole("ACTIVE", Duration.ofSeconds(30));
            NodeProcess.await(Duration.ofSeconds(30), "node-a's first run to end",
                    () -> !a.tryGet("/api/services/relay").path("runInProgress").asBoolean(true));
            sampler.close();
            a.signal("TERM");
            assertThat(a.awaitExit(Duration.ofSeconds(60))).as("exit status of node-a").isZero();

            assertThat(sampler.overlaps()).as("samples with two active nodes, of " + sampler.samples()).isEmpty();
            ExactlyOnce.check(cluster, dropper.delivered());
        }
    }

    /**
     * Files owned by nobody and modified since {@code since} in the folders that node-a would write as
     * an active node: outputs, staging and the lease. The journal is left out, because root's node-b
     * writes it in place, and so are the inbox and archive, whose files the test delivers as nobody, and
     * the node registry, which a passive node writes too.
     */
    private static List<Path> writtenByNodeASince(Path data, FileTime since) throws IOException {
        List<Path> written = new ArrayList<>();
        for (String folder : List.of("outbox", "work", "state")) {
            for (Path p : CrashConsistencyIT.filesUnder(data.resolve(folder))) {
                // Every node, passive ones too, keeps its own registry entry under state/nodes up to date.
                if (p.getFileName().toString().startsWith("journal.db") || p.getParent().endsWith("nodes")) {
                    continue;
                }
                try {
                    int uid = (Integer) Files.getAttribute(p, "unix:uid");
                    if (uid == NOBODY && Files.getLastModifiedTime(p).compareTo(since) > 0) {
                        written.add(p);
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // Removed by node-b since the listing.
                }
            }
        }
        return written;
    }

    private static void chownToNobody(Path root) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("chown", "-R", NOBODY + ":" + NOBODY, root.toString()).inheritIO().start();
        assertThat(p.waitFor()).as("chown -R of the test folder").isZero();
    }
}
