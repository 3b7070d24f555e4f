package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM in the middle of a run: the daemon stops at a commit point, every worker exits, nothing is
 * left claimed or running, the lease is released, and the daemon exits 0. A restart with
 * --no-autostart starts no service; a normal restart finishes the files.
 */
class GracefulStopIT {

    @TempDir
    Path tmp;

    @Test
    void sigtermStopsAtCommitPointAndExitsZero() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path inbox = cluster.data.resolve("inbox");
            Files.createDirectories(inbox);
            for (int i = 0; i < 300; i++) {
                Files.writeString(inbox.resolve(String.format("f-%03d.txt", i)), "file " + i + "\n");
            }
            Path svc = cluster.serviceFolder("slow", """
                    name: slow
                    autoStart: true
                    schedule: { every: 300ms }
                    source: { path: inbox }
                    process:
                      - type: class
                        class: io.baton.testkit.steps.SlowCopyStep
                        settings: { delayMillis: "40" }
                    targets: [ { path: outbox } ]
                    onSuccess: { delete: true }
                    """);
            NodeProcess node = cluster.node("term");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            assertThat(node.cli("deploy", svc.toString()).exitCode()).isZero();
            node.cli("start", "slow");
            NodeProcess.await(Duration.ofSeconds(30), "a few outputs", () -> CrashConsistencyIT.filesUnder(cluster.data.resolve("outbox")).size() > 20);

            node.signal("TERM");
            assertThat(node.awaitExit(Duration.ofSeconds(60))).as("exit status after SIGTERM").isZero();

            assertThat(Signals.workersOf(cluster.data)).as("workers after SIGTERM").isEmpty();
            assertThat(cluster.query("SELECT count(*) FROM items WHERE state IN ('CLAIMED', 'COMMITTED')").get(0).get(0))
                    .as("items claimed or committed but not published").isEqualTo("0");
            assertThat(cluster.query("SELECT count(*) FROM runs WHERE state = 'RUNNING'").get(0).get(0)).as("runs left running").isEqualTo("0");
            assertThat(new ObjectMapper().readTree(Files.readString(cluster.data.resolve("state/lease"))).path("released").asBoolean())
                    .as("lease released").isTrue();
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("work"))).as("staging").isEmpty();
            int published = CrashConsistencyIT.filesUnder(cluster.data.resolve("outbox")).size();
            assertThat(published + CrashConsistencyIT.filesUnder(inbox).size()).as("outputs plus inputs left").isEqualTo(300);
            assertThat(published).as("outputs before the stop").isLessThan(300);

            node.start("--no-autostart").awaitRole("ACTIVE", Duration.ofSeconds(60));
            assertThat(node.get("/api/services/slow").path("state").asText()).as("state with --no-autostart").isEqualTo("STOPPED");
            NodeProcess.CliResult stop = node.cli("node", "stop");
            assertThat(stop.exitCode()).as("node stop").isZero();
            assertThat(node.awaitExit(Duration.ofSeconds(30))).isZero();

            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            NodeProcess.await(Duration.ofMinutes(2), "the remaining files", () -> CrashConsistencyIT.filesUnder(inbox).isEmpty());
            NodeProcess.await(Duration.ofSeconds(30), "the last run to end", () -> !node.tryGet("/api/services/slow").path("runInProgress").asBoolean(true));
            node.signal("TERM");
            assertThat(node.awaitExit(Duration.ofSeconds(60))).isZero();
            List<Path> outputs = CrashConsistencyIT.filesUnder(cluster.data.resolve("outbox"));
            assertThat(outputs).as("outputs").hasSize(300);
            for (Path out : outputs) {
                String n = out.getFileName().toString().substring(2, 5);
                assertThat(Files.readString(out)).as(out.toString()).isEqualTo("file " + Integer.parseInt(n) + "\n");
            }
        }
    }
}
