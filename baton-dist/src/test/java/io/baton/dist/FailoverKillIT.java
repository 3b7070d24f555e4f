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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one data directory while files arrive continuously. The test kills the active node
 * (its workers' process groups and its daemon, with {@code kill -9}) twenty times in the middle of
 * runs; each time the passive node takes over and the killed node is restarted as passive. Afterwards
 * every input was processed exactly once, and no epoch committed after the next one began.
 */
class FailoverKillIT {

    static final int KILLS = 20;

    /** The service: outputs named like their inputs, archived inputs, retried for ever on a lost worker. */
    static final String SERVICE = """
            name: relay
            autoStart: true
            restart: { automatic: true, minimumUptime: 0s }
            jvm: { heap: 64m, options: ["-XX:TieredStopAtLevel=1"] }
            schedule: { every: 300ms }
            source: { path: inbox, exclude: ["*.part"], maxFilesPerRun: 40 }
            process:
              - type: class
                class: io.baton.testkit.steps.SlowCopyStep
                settings: { delayMillis: "20" }
            targets: [ { path: outbox, name: "{name}" } ]
            onSuccess: { archive: "archive/{yyyy}/{MM}/{dd}" }
            onFailure: { retries: 100, backoff: 0s }
            """;

    @TempDir
    Path tmp;

    @Test
    void everyInputOnceAcrossTwentyFailovers() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path inbox = cluster.data.resolve("inbox");
            NodeProcess active = cluster.node("node-a");
            NodeProcess passive = cluster.node("node-b");
            active.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(active, SERVICE);
            passive.start().awaitRole("PASSIVE", Duration.ofSeconds(60));

            Random random = new Random(20261205L);
            List<Long> takeoverMillis = new ArrayList<>();
            FileDropper dropper = new FileDropper(inbox, 100).start();
            RoleSampler sampler = new RoleSampler(List.of(active, passive), 100).start();
            for (int kill = 0; kill < KILLS; kill++) {
                // Long enough for a run to claim and send files to the worker, short enough to land inside it.
                Thread.sleep(700 + random.nextInt(1300));
                killNodeAndWorkers(active, cluster.data);
                long killed = System.nanoTime();

                passive.awaitRole("ACTIVE", Duration.ofSeconds(40));
                takeoverMillis.add((System.nanoTime() - killed) / 1_000_000);
                active.start().awaitRole("PASSIVE", Duration.ofSeconds(60));

                NodeProcess next = passive;
                passive = active;
                active = next;
            }
            dropper.stop();

            NodeProcess last = active;
            NodeProcess.await(Duration.ofMinutes(2), "every delivered file to be processed", () -> remaining(inbox) == 0);
            NodeProcess.await(Duration.ofSeconds(30), "the last run to end",
                    () -> !last.tryGet("/api/services/relay").path("runInProgress").asBoolean(true));
            sampler.close();
            passive.signal("TERM");
            assertThat(passive.awaitExit(Duration.ofSeconds(60))).as("exit status of the passive node").isZero();
            active.signal("TERM");
            assertThat(active.awaitExit(Duration.ofSeconds(60))).as("exit status of the active node").isZero();

            List<Long> sorted = new ArrayList<>(takeoverMillis);
            Collections.sort(sorted);
            System.out.printf("FailoverKillIT: %d takeovers after kill -9, lease 4 s: min %d ms, median %d ms, max %d ms; %d files%n",
                    sorted.size(), sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), dropper.delivered().size());
            assertThat(sampler.overlaps()).as("samples with two active nodes, of " + sampler.samples()).isEmpty();
            // The lease of 4 s, measured from the passive node's last sight of a heartbeat, plus polling and a loaded machine.
            assertThat(sorted.get(sorted.size() - 1)).as("slowest takeover after kill -9, lease 4 s").isLessThan(20_000);
            assertThat(Long.parseLong(cluster.query("SELECT epoch FROM guard").get(0).get(0))).as("epoch in the guard")
                    .isEqualTo(KILLS + 1);
            assertThat(cluster.query("SELECT count(*) FROM runs WHERE state = 'ABANDONED'").get(0).get(0))
                    .as("runs abandoned at takeover").isNotEqualTo("0");
            ExactlyOnce.check(cluster, dropper.delivered());
            assertThat(Signals.workersOf(cluster.data)).as("orphan workers").isEmpty();
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("work"))).as("files left in staging").isEmpty();
        }
    }

    /** {@code kill -9} of every worker process group on the data directory, then of the node's daemon. */
    static void killNodeAndWorkers(NodeProcess node, Path data) throws IOException, InterruptedException {
        for (ProcessHandle worker : Signals.workersOf(data)) {
            Signals.sendToGroup("KILL", worker.pid());
        }
        node.kill9();
    }

    static long remaining(Path inbox) {
        try (Stream<Path> s = Files.list(inbox)) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
