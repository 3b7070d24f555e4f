package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.FileDropper;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.RoleSampler;
import io.baton.testkit.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared data directory hangs for the active node alone: every file-system call of node-a and
 * its workers blocks, as on a network mount whose server stopped answering, while node-b still
 * reaches the share. Both nodes use the data directory through {@code pausefs}, a FUSE pass-through
 * file system built by this test (src/test/c/pausefs.c) that blocks the calls of the processes listed
 * in its pause file. node-a fences itself without touching the share, node-b takes over, and when the
 * share answers again node-a stays passive. Every input is processed exactly once.
 */
class HungShareIT {

    @TempDir
    Path tmp;

    @Test
    void shareHangsForActiveNode() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse: this kernel or container offers no FUSE");
        Path pausefs = build(tmp);
        TestCluster cluster = new TestCluster(tmp);
        Path share = Files.createDirectories(tmp.resolve("share"));
        Path pauseFile = tmp.resolve("pause");
        // Every blocked call holds one of the file system's threads: allow far more than the paused node can
        // block, so that node-b's calls are still served, as a real server serves each client on its own.
        Process fs = new ProcessBuilder(pausefs.toString(), cluster.data.toString(), pauseFile.toString(), share.toString(), "-f",
                "-o", "max_threads=256")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("pausefs.out").toFile()).start();
        try {
            NodeProcess.await(Duration.ofSeconds(10), "the FUSE mount at " + share, () -> Files.exists(share.resolve("cluster.yaml")) || !fs.isAlive());
            Assumptions.assumeTrue(fs.isAlive(), "FUSE cannot be mounted here: " + Files.readString(tmp.resolve("pausefs.out")));
            hangAndRecover(cluster, share, pauseFile);
        } finally {
            // The share must answer again before the nodes are stopped and the mount is removed.
            Files.deleteIfExists(pauseFile);
            cluster.close();
            unmount(share, fs);
        }
    }

    private static void hangAndRecover(TestCluster cluster, Path share, Path pauseFile) throws Exception {
        Path inbox = share.resolve("inbox");
        NodeProcess a = cluster.node("node-a", share);
        NodeProcess b = cluster.node("node-b", share);
        a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
        cluster.deployAndStart(a, FailoverKillIT.SERVICE);
        b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
        RoleSampler sampler = new RoleSampler(List.of(a, b), 100).start();
        FileDropper dropper = new FileDropper(cluster.data.resolve("inbox"), 200).start();
        NodeProcess.await(Duration.ofSeconds(30), "node-a to publish outputs", () -> CrashConsistencyIT.filesUnder(share.resolve("outbox")).size() > 5);
        List<ProcessHandle> workersOfA = Signals.workersOf(share);
        assertThat(workersOfA).as("workers of node-a").isNotEmpty();

        // The share hangs for node-a and its workers (children of its daemon).
        Files.writeString(pauseFile, a.pid() + "\n");
        long hung = System.nanoTime();
        NodeProcess.await(Duration.ofSeconds(10), "node-a's workers to be killed by its fencing",
                () -> workersOfA.stream().allMatch(HungShareIT::exiting));
        long fencedMillis = (System.nanoTime() - hung) / 1_000_000;
        // node-a's API may not respond while its share hangs, so the short poll's empty role passes too.
        assertThat(a.role()).as("role of node-a while its share hangs").isNotEqualTo("ACTIVE");

        // If node-a hung inside a journal transaction, it still holds SQLite's lock on the journal, and
        // no node can take the epoch guard until node-a's share answers again. node-b then logs each
        // failed attempt. Which case happened is read from node-b's role and log, not from how long it took.
        NodeProcess.await(Duration.ofSeconds(40), "node-b to take over or to report the journal locked",
                () -> "ACTIVE".equals(b.role()) || reportsJournalLocked(b));
        long takeoverMillis = (System.nanoTime() - hung) / 1_000_000;
        boolean tookOverDuringHang = "ACTIVE".equals(b.roleNow());
        if (!tookOverDuringHang) {
            assertThat(b.output()).as("node-b's log while node-a holds the journal's lock")
                    .containsAnyOf("database file is locked", "SQLITE_BUSY");
        }
        Files.delete(pauseFile);

        // After the hang, a node that took over meanwhile stays active. Otherwise both nodes are passive
        // candidates once node-a has stepped down, and either may win the next epoch.
        AtomicReference<List<String>> activeAfterHang = new AtomicReference<>(List.of());
        NodeProcess.await(Duration.ofSeconds(45), "one node to be active after the hang", () -> {
            List<String> active = sampler.activeNodes();
            activeAfterHang.set(active);
            return active.size() == 1;
        });
        NodeProcess winner = activeAfterHang.get().get(0).equals(b.nodeId()) ? b : a;
        NodeProcess other = winner == b ? a : b;
        Thread.sleep(8_000);
        dropper.stop();
        NodeProcess.await(Duration.ofSeconds(60), winner.nodeId() + " to process every file", () -> FailoverKillIT.remaining(inbox) == 0);
        NodeProcess.await(Duration.ofSeconds(30), winner.nodeId() + "'s last run to end",
                () -> !winner.tryGet("/api/services/relay").path("runInProgress").asBoolean(true));
        System.out.printf("HungShareIT: node-a's workers killed %d ms after its share hung; node-b %s (%d ms); %s active after it; lease 4 s%n",
                fencedMillis, tookOverDuringHang ? "took over during the hang" : "could not take over: node-a held the journal's lock",
                takeoverMillis, winner.nodeId());

        if (tookOverDuringHang) {
            assertThat(winner.nodeId()).as("node active after the hang, node-b having taken over during it").isEqualTo("node-b");
        }
        assertThat(winner.roleNow()).as("role of " + winner.nodeId()).isEqualTo("ACTIVE");
        assertThat(other.roleNow()).as("role of " + other.nodeId()).isEqualTo("PASSIVE");
        assertThat(a.output()).as("node-a's log").contains("fenced itself in epoch 1");
        sampler.close();
        for (NodeProcess node : List.of(b, a)) {
            node.signal("TERM");
            assertThat(node.awaitExit(Duration.ofSeconds(60))).as("exit status of " + node.nodeId()).isZero();
        }
        assertThat(sampler.overlaps()).as("samples with two active nodes, of " + sampler.samples()).isEmpty();
        ExactlyOnce.check(cluster, share, dropper.delivered());
    }

    /**
     * Tells whether a process has exited or is exiting. A killed process whose files are on a hung share
     * cannot finish exiting, because closing them waits for the share, but it runs no more code.
     */
    private static boolean exiting(ProcessHandle p) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            // After the bracketed command name, proc(5) lists the state first and the flags seventh.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long flags = Long.parseLong(fields[6]);
            final long pfExiting = 0x4;
            return fields[0].equals("Z") || fields[0].equals("X") || (flags & pfExiting) != 0;
        } catch (IOException e) {
            return !p.isAlive();
        }
    }

    /** Tells whether the node's output reports a failed attempt to take the journal's lock. */
    private static boolean reportsJournalLocked(NodeProcess node) {
        try {
            String output = node.output();
            return output.contains("database file is locked") || output.contains("SQLITE_BUSY");
        } catch (IOException e) {
            return false;
        }
    }

    /** Compiles pausefs with gcc against libfuse3; fails with the packages to install when it cannot. */
    private static Path build(Path tmp) throws IOException, InterruptedException {
        Path source = Path.of(System.getProperty("baton.repoRoot"), "baton-dist/src/test/c/pausefs.c");
        Path binary = tmp.resolve("pausefs");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "gcc -Wall -O2 -o \"$1\" \"$2\" $(pkg-config fuse3 --cflags --libs)", "sh",
                binary.toString(), source.toString()).redirectErrorStream(true);
        Process gcc = pb.start();
        String output = new String(gcc.getInputStream().readAllBytes());
        assertThat(gcc.waitFor()).as("building " + source + " failed; install gcc, pkg-config, fuse3 and libfuse3-dev"
                + " (.ci/run does): " + output).isZero();
        return binary;
    }

    /** Unmounts the share with fusermount3 (package fuse3), or with umount where that is missing. */
    private static void unmount(Path share, Process fs) throws IOException, InterruptedException {
        try {
            new ProcessBuilder("fusermount3", "-u", share.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            new ProcessBuilder("umount", share.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
        if (!fs.waitFor(10, TimeUnit.SECONDS)) {
            fs.destroyForcibly();
        }
    }
}
