package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Switch-overs between two real node processes while files keep arriving, one to a node that is down, and
 * one that leaves a service started without autoStart stopped on the new active node.
 */
class SwitchOverIT {

    private static final int SWITCHOVERS = 20;

    /** Lease duration of {@link TestCluster#TEST_CLUSTER_YAML}. */
    private static final long LEASE_MILLIS = 4_000;

    private static final String MOVER = """
            name: mover
            autoStart: true
            schedule: { every: 200ms }
            source: { path: inbox, include: "*.txt" }
            process:
              - type: class
                class: io.baton.testkit.steps.SlowCopyStep
                settings: { delayMillis: "20" }
            targets: [ { path: outbox } ]
            onSuccess: { delete: true }
            """;

    @TempDir
    Path tmp;

    @Test
    void switchOverBackAndForthUnderLoad() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path inbox = Files.createDirectories(cluster.data.resolve("inbox"));
            NodeProcess a = cluster.node("node-a");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            assertThat(a.cli("deploy", cluster.serviceFolder("mover", MOVER).toString()).exitCode()).as("deploy").isZero();
            assertThat(a.cli("start", "mover").exitCode()).as("start mover").isZero();
            NodeProcess b = cluster.node("node-b");
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));

            // The passive node forwards the switch-over to node-a, which rejects itself as the target.
            NodeProcess.CliResult onPassive = b.cli("switchover", "--to", "node-a");
            assertThat(onPassive.exitCode()).as("switchover on the passive node").isEqualTo(1);
            assertThat(onPassive.err()).as("message on the passive node").contains("node node-a is already the active node");

            AtomicInteger written = new AtomicInteger();
            Thread writer = Thread.ofPlatform().name("writer").start(() -> writeFiles(inbox, written));
            List<Long> epochs = new ArrayList<>();
            ActiveSampler sampler = new ActiveSampler(List.of(a.home(), b.home()));
            try {
                NodeProcess from = a;
                NodeProcess to = b;
                for (int i = 0; i < SWITCHOVERS; i++) {
                    NodeProcess.CliResult r = from.cli("switchover", "--to", to.nodeId(), "--timeout", "20s");
                    assertThat(r.exitCode()).as("switch-over " + (i + 1) + " from " + from.nodeId() + ": " + r.err()).isZero();
                    assertThat(r.out()).as("output of switch-over " + (i + 1)).contains("Switched over to node " + to.nodeId());
                    // TODO: once in one run the old node still reported HANDING_OVER when the command returned; the cause is not found yet.
                    from.awaitRole("PASSIVE", Duration.ofSeconds(15));
                    to.awaitRole("ACTIVE", Duration.ofSeconds(30));
                    epochs.add(to.get("/api/role-changes?limit=1").path(0).path("epoch").asLong());
                    NodeProcess swap = from;
                    from = to;
                    to = swap;
                }
            } finally {
                writer.interrupt();
                writer.join(10_000);
                sampler.close();
            }

            NodeProcess last = SWITCHOVERS % 2 == 0 ? a : b;
            NodeProcess.await(Duration.ofMinutes(2), "the last node to finish the files", () -> listTxt(inbox).isEmpty());
            assertThat(epochs).as("epochs after each switch-over").containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(2, SWITCHOVERS + 1).boxed().toList());
            assertThat(sampler.twoActive()).as("samples with two active nodes, of " + sampler.rounds()).isZero();
            // A switch-over hands the epoch over without waiting for the lease to expire, so it must leave the
            // cluster without an active node for less than a lease. The sampler measures that time only from
            // rounds in which both nodes responded, so a slow response on a loaded machine does not count as a gap.
            assertThat(sampler.longestNoneMillis()).as("longest time with no active node (ms)").isLessThan(LEASE_MILLIS);

            Set<String> outputs = new TreeSet<>();
            for (Path out : CrashConsistencyIT.filesUnder(cluster.data.resolve("outbox"))) {
                outputs.add(out.getFileName().toString());
                assertThat(Files.readString(out)).as(out.toString()).isEqualTo(contentOf(out.getFileName().toString()));
            }
            assertThat(outputs).as("outputs").hasSize(written.get()).isEqualTo(namesUpTo(written.get()));

            long workerPid = last.get("/api/services/mover").path("workerPid").asLong();
            assertThat(last.cli("node", "stop").exitCode()).as("node stop of the active node").isZero();
            assertThat(ProcessHandle.of(workerPid).map(ProcessHandle::isAlive).orElse(false))
                    .as("worker " + workerPid + " of the stopped node alive once node stop returned").isFalse();
            assertThat((last == a ? b : a).cli("node", "stop").exitCode()).as("node stop of the passive node").isZero();
            assertThat(cluster.query("SELECT count(*) FROM items").get(0).get(0)).as("journal items").isEqualTo(Integer.toString(written.get()));
            assertThat(cluster.query("SELECT state, count(*) FROM items GROUP BY state"))
                    .as("item states").containsExactly(List.of("DISPOSED", Integer.toString(written.get())));
            assertThat(cluster.query("SELECT cause, count(*) FROM role_changes GROUP BY cause ORDER BY cause"))
                    .as("role changes, the last one when the active node stopped").containsExactly(List.of("first-start", "1"),
                            List.of("release", "1"), List.of("switch-over", Integer.toString(SWITCHOVERS)));

            // Each switch-over is in the audit trail once, written by the node that took the epoch, with the
            // caller and address of the node that handed it over.
            List<List<String>> audited = cluster.query("SELECT node_id, target, actor, remote_address, outcome, status FROM operator_actions"
                    + " WHERE action = 'switch-over' ORDER BY id");
            // The first one, sent to the passive node, was forwarded to node-a and refused there.
            List<List<String>> expected = new ArrayList<>();
            expected.add(List.of("node-a", "node-a", "api-token of node-b", "127.0.0.1 via node-b", "refused", "400"));
            for (int i = 0; i < SWITCHOVERS; i++) {
                String from = i % 2 == 0 ? "node-a" : "node-b";
                String to = i % 2 == 0 ? "node-b" : "node-a";
                expected.add(List.of(from, to, "api-token", "127.0.0.1", "done", "200"));
            }
            assertThat(audited).as("switch-overs in the audit trail").containsExactlyElementsOf(expected);
        }
    }

    @Test
    void switchOverToDownNodeKeepsActive() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess a = cluster.node("node-a");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            assertThat(a.cli("deploy", cluster.serviceFolder("mover", MOVER).toString()).exitCode()).as("deploy").isZero();
            assertThat(a.cli("start", "mover").exitCode()).as("start mover").isZero();

            // A target that is not a running passive node is rejected before any service stops.
            NodeProcess.CliResult unknown = a.cli("switchover", "--to", "node-b", "--timeout", "2s");
            assertThat(unknown.exitCode()).as("exit code of a switch-over to a node that is down").isEqualTo(1);
            assertThat(unknown.err()).as("message").contains("node node-b cannot take over: it has no entry in")
                    .contains("Nothing was stopped").contains("no passive node is running");
            assertThat(a.get("/api/services/mover").path("state").asText()).as("state of mover after the rejection").isEqualTo("RUNNING");

            NodeProcess.CliResult r = a.cli("switchover", "--timeout", "2s");

            assertThat(r.exitCode()).as("exit code of a switch-over without a passive node").isEqualTo(1);
            assertThat(r.err()).as("message").contains("any passive node did not take epoch 2 within 2000 ms")
                    .contains("node node-a stays active with epoch 1").contains("started 1 service(s) again");
            assertThat(a.get("/api/node").path("role").asText()).as("role of node-a").isEqualTo("ACTIVE");
            assertThat(a.get("/api/services/mover").path("state").asText()).as("state of mover").isEqualTo("RUNNING");

            // The withdrawn offer must not let a node that starts later take epoch 2 by it.
            NodeProcess b = cluster.node("node-b");
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            Thread.sleep(2_000);
            assertThat(b.get("/api/node").path("role").asText()).as("role of node-b after it started").isEqualTo("PASSIVE");

            NodeProcess.CliResult invalid = a.cli("switchover", "--timeout", "soon");
            assertThat(invalid.exitCode()).as("exit code of an invalid timeout").isEqualTo(2);
            assertThat(invalid.err()).contains("invalid duration 'soon'");
        }
    }

    @Test
    void handStartedServiceStaysStopped() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Files.createDirectories(cluster.data.resolve("inbox"));
            Files.createDirectories(cluster.data.resolve("manual-in"));
            NodeProcess a = cluster.node("node-a");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            assertThat(a.cli("deploy", cluster.serviceFolder("mover", MOVER).toString()).exitCode()).as("deploy mover").isZero();
            assertThat(a.cli("start", "mover").exitCode()).as("start mover").isZero();
            cluster.deployAndStart(a, """
                    name: manual
                    source: { path: manual-in }
                    process: [ { type: copy } ]
                    targets: [ { path: manual-out } ]
                    """);
            NodeProcess b = cluster.node("node-b");
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            // A switch-over to a named node needs its registry entry to show it passive, which lags its API by a write interval.
            Path registry = cluster.data.resolve("state/nodes/node-b");
            NodeProcess.await(Duration.ofSeconds(30), "node-b's registry entry to say PASSIVE",
                    () -> readOrEmpty(registry).contains("\"role\":\"PASSIVE\""));

            NodeProcess.CliResult r = a.cli("switchover", "--to", "node-b", "--timeout", "20s");

            assertThat(r.exitCode()).as("exit code of the switch-over: " + r.err()).isZero();
            assertThat(r.out()).as("output of the switch-over").contains("1 service(s) started without autoStart stay stopped on node node-b: manual.");
            b.awaitRole("ACTIVE", Duration.ofSeconds(30));
            NodeProcess.await(Duration.ofSeconds(30), "mover to run on node-b",
                    () -> "RUNNING".equals(b.tryGet("/api/services/mover").path("state").asText()));
            assertThat(b.get("/api/services/manual").path("state").asText()).as("state of manual on node-b").isEqualTo("STOPPED");
        }
    }

    /** Returns a file's text, or "" while it is missing or cannot be read. */
    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** Drops a numbered file every 30 ms until interrupted; each appears under its final name at once. */
    private static void writeFiles(Path inbox, AtomicInteger written) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                String name = nameOf(written.get() + 1);
                Path part = inbox.resolve(name + ".part");
                Files.writeString(part, contentOf(name));
                Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                written.incrementAndGet();
                Thread.sleep(30);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String nameOf(int n) {
        return String.format("f-%05d.txt", n);
    }

    private static String contentOf(String name) {
        return "content of " + name + "\n";
    }

    private static Set<String> namesUpTo(int count) {
        Set<String> names = new TreeSet<>();
        for (int i = 1; i <= count; i++) {
            names.add(nameOf(i));
        }
        return names;
    }

    private static List<Path> listTxt(Path inbox) {
        try (var s = Files.list(inbox)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".txt")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
