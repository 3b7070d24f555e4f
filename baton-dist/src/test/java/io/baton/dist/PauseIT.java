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
 * a lease of 4 s. The pause lasts 10 s. After {@code SIGCONT} the woken node publishes nothing from
 * its unfinished work and is passive, and the file is processed exactly once.
 */
class PauseIT {

    static final Duration PAUSE = Duration.ofSeconds(10);

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

            pauseUntilTakeover(n, List.of());

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
            assertThat(n.b.role()).as("role of node-b while only a worker of node-a is paused").isEqualTo("PASSIVE");
            Signals.sendToGroup("CONT", workers.get(0).pid());

            // The daemon kept its lease, so node-a finishes the file: either this worker goes on, or it
            // halts after its silent pause and a new worker retries the item.
            NodeProcess.await(Duration.ofSeconds(60), "node-a to publish the file", () -> Files.exists(cluster.data.resolve("outbox/slow.txt")));
            assertThat(n.a.role()).as("role of node-a").isEqualTo("ACTIVE");
            assertThat(n.b.role()).as("role of node-b").isEqualTo("PASSIVE");
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

            pauseUntilTakeover(n, workers);

            assertWokenNodeStepsDown(cluster, n);
        }
    }

    /**
     * Pauses node-a's daemon and the given worker process groups for {@link #PAUSE}, and checks that
     * node-b takes over meanwhile.
     */
    private static void pauseUntilTakeover(Nodes n, List<ProcessHandle> workers) throws Exception {
        long paused = System.nanoTime();
        for (ProcessHandle worker : workers) {
            Signals.sendToGroup("STOP", worker.pid());
        }
        Signals.send("STOP", n.a.pid());

        n.b.awaitRole("ACTIVE", Duration.ofSeconds(30));
        long left = PAUSE.toMillis() - (System.nanoTime() - paused) / 1_000_000;
        assertThat(left).as("pause left after node-b took over").isPositive();
        Thread.sleep(left);

        for (ProcessHandle worker : workers) {
            Signals.sendToGroup("CONT", worker.pid());
        }
        Signals.send("CONT", n.a.pid());
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
        assertThat(n.b.role()).as("role of node-b").isEqualTo("ACTIVE");
        assertThat(n.a.role()).as("role of node-a after it woke").isEqualTo("PASSIVE");
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
