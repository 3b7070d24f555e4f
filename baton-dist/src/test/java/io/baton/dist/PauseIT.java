package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import io.baton.testkit.RoleSampler;
import io.baton.testkit.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process pause longer than the lease ({@code SIGSTOP}, as a long garbage collection or a frozen
 * virtual machine would cause) while the active node is in the middle of a file that takes 12 s, with
 * a lease of 4 s. The pause lasts 10 s, or until node-b has taken over when that takes longer. After
 * {@code SIGCONT} the woken node publishes nothing from its unfinished work and is passive, and the file
 * is processed exactly once.
 */
class PauseIT {

    static final Duration PAUSE = Duration.ofSeconds(10);

    /** Maximum number of times node-a is stopped, each time woken again when it held the journal's lock. */
    static final int STOP_ATTEMPTS = 50;

    static final String SERVICE = """
            name: slow
            autoStart: true
            schedule: { every: 300ms }
            source: { path: inbox, exclude: ["*.part"] }
            process:
              - type: class
                class: io.baton.testkit.steps.SlowCopyStep
                settings: { delayMillis: "12000" }
            targets: [ { path: outbox, name: "{name}" } ]
            onSuccess: { archive: "archive/{yyyy}/{MM}/{dd}" }
            onFailure: { retries: 5, backoff: 0s }
            """;

    static final Map<String, String> INPUT = Map.of("slow.txt", "one file that takes twelve seconds\n");

    @TempDir
    Path tmp;

    @Test
    void daemonPausedLongerThanLease() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Nodes n = startInTheMiddleOfAFile(cluster);

            pauseUntilTakeover(cluster, n, List.of());

            assertWokenNodeStepsDown(cluster, n);
        }
    }

    @Test
    void workerPausedLongerThanLease() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Nodes n = startInTheMiddleOfAFile(cluster);
            List<ProcessHandle> workers = Signals.workersOf(cluster.data);
            assertThat(workers).as("workers of the active node").hasSize(1);

            Signals.sendToGroup("STOP", workers.get(0).pid());
            Thread.sleep(PAUSE.toMillis());
            assertThat(n.b.roleNow()).as("role of node-b while only a worker of node-a is paused").isEqualTo("PASSIVE");
            Signals.sendToGroup("CONT", workers.get(0).pid());

            // The daemon kept its lease, so node-a finishes the file: either this worker goes on, or it
            // halts after its silent pause and a new worker retries the item.
            NodeProcess.await(Duration.ofSeconds(60), "node-a to publish the file", () -> Files.exists(cluster.data.resolve("outbox/slow.txt")));
            assertThat(n.a.roleNow()).as("role of node-a").isEqualTo("ACTIVE");
            assertThat(n.b.roleNow()).as("role of node-b").isEqualTo("PASSIVE");
            assertThat(Files.exists(cluster.data.resolve("state/epochs/2"))).as("a second epoch").isFalse();
            stopAndCheck(cluster, n);
        }
    }

    @Test
    void daemonAndWorkerPausedLongerThanLease() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Nodes n = startInTheMiddleOfAFile(cluster);
            List<ProcessHandle> workers = Signals.workersOf(cluster.data);
            assertThat(workers).as("workers of the active node").hasSize(1);

            pauseUntilTakeover(cluster, n, workers);

            assertWokenNodeStepsDown(cluster, n);
        }
    }

    /**
     * Pauses node-a's daemon and the given worker process groups, and checks that node-b takes over
     * meanwhile. The pause lasts {@link #PAUSE}, or until node-b is active when that takes longer, so
     * that node-a always wakes after its lease has passed to node-b.
     */
    private static void pauseUntilTakeover(TestCluster cluster, Nodes n, List<ProcessHandle> workers) throws Exception {
        for (ProcessHandle worker : workers) {
            Signals.sendToGroup("STOP", worker.pid());
        }
        stopOutsideJournalTransaction(n.a, cluster.data.resolve("state/journal.db"));
        long paused = System.nanoTime();

        n.b.awaitRole("ACTIVE", Duration.ofSeconds(30));
        long left = PAUSE.toMillis() - (System.nanoTime() - paused) / 1_000_000;
        Thread.sleep(Math.max(left, 0));

        for (ProcessHandle worker : workers) {
            Signals.sendToGroup("CONT", worker.pid());
        }
        Signals.send("CONT", n.a.pid());
    }

    /**
     * Stops a node with {@code SIGSTOP} at a moment when it holds no lock on the journal. The schedule
     * records a skipped slot in a journal transaction every 300 ms while the file is processed. A node
     * stopped inside one keeps SQLite's lock, and no other node may write past a holder frozen in a
     * transaction, so the takeover would wait until this node wakes. Such a node is woken and stopped again.
     */
    private static void stopOutsideJournalTransaction(NodeProcess node, Path journal) throws Exception {
        long inode = (Long) Files.getAttribute(journal, "unix:ino");
        for (int attempt = 1; attempt <= STOP_ATTEMPTS; attempt++) {
            Signals.send("STOP", node.pid());
            NodeProcess.await(Duration.ofSeconds(10), "every thread of " + node.nodeId() + " to stop", () -> allThreadsStopped(node.pid()));
            if (!holdsLock(node.pid(), inode)) {
                return;
            }

            Signals.send("CONT", node.pid());
            Thread.sleep(20L * attempt);
        }
        throw new AssertionError(node.nodeId() + " held a lock on " + journal + " each of the " + STOP_ATTEMPTS + " times it was stopped");
    }

    /**
     * Tells whether no thread of the process runs: each one is stopped by a signal (state T in
     * {@code /proc/PID/task/TID/stat}) or has ended.
     */
    private static boolean allThreadsStopped(long pid) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (java.nio.file.NoSuchFileException e) {
                    continue;
                }
                // The command name in brackets may contain spaces, so the state follows the last ')'.
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state != 'T' && state != 'Z' && state != 'X') {
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Tells whether the process holds a POSIX lock on the file with this inode, as listed in
     * {@code /proc/locks} ("ID: POSIX ADVISORY WRITE PID MAJOR:MINOR:INODE START END"). Requests that
     * wait for a lock are marked {@code ->} there and are not held.
     */
    private static boolean holdsLock(long pid, long inode) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 6 || fields[1].equals("->")) {
                continue;
            }
            if (fields[4].equals(Long.toString(pid)) && fields[5].endsWith(":" + inode)) {
                return true;
            }
        }
        return false;
    }

    /** Two nodes, node-a active; one file delivered; returns once node-a's worker is inside it. */
    private static Nodes startInTheMiddleOfAFile(TestCluster cluster) throws Exception {
        NodeProcess a = cluster.node("node-a");
        NodeProcess b = cluster.node("node-b");
        a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
        cluster.deployAndStart(a, SERVICE);
        b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
        RoleSampler sampler = new RoleSampler(List.of(a, b), 100).start();

        Path inbox = Files.createDirectories(cluster.data.resolve("inbox"));
        for (var e : INPUT.entrySet()) {
            Files.writeString(inbox.resolve(e.getKey()), e.getValue());
        }
        NodeProcess.await(Duration.ofSeconds(30), "node-a to claim the file", () -> !CrashConsistencyIT.filesUnder(cluster.data.resolve("work")).isEmpty()
                || hasStagingFolder(cluster.data.resolve("work/slow")));
        // Well inside the 12 s the file takes.
        Thread.sleep(2_000);
        return new Nodes(a, b, sampler);
    }

    private static boolean hasStagingFolder(Path serviceWork) {
        try (var runs = Files.list(serviceWork)) {
            return runs.findAny().isPresent();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * After SIGCONT: node-a steps down to passive and says that it lost its lease or was deposed, node-b finishes the
     * file, and nothing was published from node-a's unfinished work.
     */
    private static void assertWokenNodeStepsDown(TestCluster cluster, Nodes n) throws Exception {
        n.a.awaitRole("PASSIVE", Duration.ofSeconds(30));
        NodeProcess.await(Duration.ofSeconds(60), "node-b to publish the file", () -> Files.exists(cluster.data.resolve("outbox/slow.txt")));
        assertThat(n.b.roleNow()).as("role of node-b").isEqualTo("ACTIVE");
        assertThat(n.a.roleNow()).as("role of node-a after it woke").isEqualTo("PASSIVE");
        // Whichever thread of node-a runs first after SIGCONT notices: the lease keeper (its last renewal is
        // too old) or a journal writer (the guard names node-b's epoch). Both must fence the node.
        assertThat(n.a.output()).as("node-a's log").containsAnyOf("lease lost", "deposed: this node holds epoch 1")
                .contains("stepped down from epoch 1");
        assertThat(cluster.query("SELECT DISTINCT node_id FROM runs WHERE state = 'SUCCEEDED' AND items_committed > 0"))
                .as("nodes whose runs committed the file").containsExactly(List.of("node-b"));
        stopAndCheck(cluster, n);
    }

    private static void stopAndCheck(TestCluster cluster, Nodes n) throws Exception {
        NodeProcess.await(Duration.ofSeconds(30), "the inbox to be empty", () -> FailoverKillIT.remaining(cluster.data.resolve("inbox")) == 0);
        n.sampler.close();
        for (NodeProcess node : new ArrayList<>(List.of(n.b, n.a))) {
            node.signal("TERM");
            assertThat(node.awaitExit(Duration.ofSeconds(60))).as("exit status of " + node.nodeId()).isZero();
        }
        assertThat(n.sampler.overlaps()).as("samples with two active nodes, of " + n.sampler.samples()).isEmpty();
        ExactlyOnce.check(cluster, INPUT);
        assertThat(Signals.workersOf(cluster.data)).as("orphan workers").isEmpty();
    }

    private record Nodes(NodeProcess a, NodeProcess b, RoleSampler sampler) {
    }
}
