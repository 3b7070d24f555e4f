package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services whose code runs out of memory, calls System.exit, or hangs and ignores a stop, beside a
 * healthy service on the same node: the healthy one keeps running, the hung worker is killed after
 * its grace period, and every event is logged with the service and the reason.
 */
class IsolationIT {

    @TempDir
    Path tmp;

    @Test
    void misbehavingServicesLeaveOthersRunning() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("iso");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));

            deploy(cluster, node, "healthy", "type: copy", "");
            deploy(cluster, node, "greedy", "type: class\n    class: io.baton.testkit.steps.OutOfMemoryStep", "jvm: { heap: 32m }\n");
            deploy(cluster, node, "quitter", "type: class\n    class: io.baton.testkit.steps.ExitStep", "");
            deploy(cluster, node, "stuck", "type: class\n    class: io.baton.testkit.steps.HangStep", "stopGracePeriod: 1s\n");
            for (String s : new String[] {"healthy", "greedy", "quitter", "stuck"}) {
                Files.writeString(cluster.data.resolve("in-" + s).resolve("first.txt"), "first\n");
                assertThat(node.cli("start", s).exitCode()).as("start " + s).isZero();
            }

            NodeProcess.await(Duration.ofSeconds(60), "greedy to fail", () -> "FAILED".equals(state(node, "greedy")));
            NodeProcess.await(Duration.ofSeconds(60), "quitter to fail", () -> "FAILED".equals(state(node, "quitter")));
            assertThat(node.get("/api/services/greedy").path("reason").asText()).as("greedy's reason").contains("OutOfMemoryError");
            assertThat(node.get("/api/services/quitter").path("reason").asText()).as("quitter's reason").contains("status 42");

            NodeProcess.await(Duration.ofSeconds(30), "stuck to be in a run", () -> node.tryGet("/api/services/stuck").path("runInProgress").asBoolean());
            long before = System.nanoTime();
            NodeProcess.CliResult stop = node.cli("stop", "stuck");
            long stopMillis = (System.nanoTime() - before) / 1_000_000;
            assertThat(stop.exitCode()).as("stop stuck").isZero();
            assertThat(state(node, "stuck")).isEqualTo("STOPPED");
            assertThat(stopMillis).as("stop of a hung service, grace period 1 s").isLessThan(15_000);

            Files.writeString(cluster.data.resolve("in-healthy").resolve("second.txt"), "second\n");
            NodeProcess.await(Duration.ofSeconds(30), "healthy to process a file after the others failed",
                    () -> Files.exists(cluster.data.resolve("out-healthy").resolve("second.txt")));
            assertThat(state(node, "healthy")).isEqualTo("RUNNING");
            assertThat(Files.exists(cluster.data.resolve("in-greedy").resolve("first.txt"))).as("greedy's input kept").isTrue();
            assertThat(Files.exists(cluster.data.resolve("in-quitter").resolve("first.txt"))).as("quitter's input kept").isTrue();

            String greedyLog = LogText.pollUntil(() -> Files.readString(cluster.data.resolve("logs/service-greedy.log")),
                    t -> t.contains("OutOfMemoryError") && t.contains("service=greedy"));
            String quitterLog = LogText.pollUntil(() -> Files.readString(cluster.data.resolve("logs/service-quitter.log")),
                    t -> t.contains("status 42") && t.contains("service=quitter"));
            String stuckLog = LogText.pollUntil(() -> Files.readString(cluster.data.resolve("logs/service-stuck.log")),
                    t -> t.contains("killing its worker"));
            assertThat(greedyLog).as("greedy's log").contains("OutOfMemoryError").contains("service=greedy");
            assertThat(quitterLog).as("quitter's log").contains("status 42").contains("service=quitter");
            assertThat(stuckLog).as("stuck's log").contains("killing its worker");

            node.signal("TERM");
            assertThat(node.awaitExit(Duration.ofSeconds(60))).as("exit status after SIGTERM").isZero();
        }
    }

    private static String state(NodeProcess node, String service) {
        return node.tryGet("/api/services/" + service).path("state").asText();
    }

    private static void deploy(TestCluster cluster, NodeProcess node, String name, String step, String extra) throws Exception {
        Files.createDirectories(cluster.data.resolve("in-" + name));
        Path folder = cluster.serviceFolder(name, """
                name: %s
                restart: { automatic: true, minimumUptime: 30s }
                schedule: { every: 300ms }
                source: { path: in-%s }
                process:
                  - %s
                targets: [ { path: out-%s } ]
                onSuccess: { delete: true }
                %s""".formatted(name, name, step, name, extra));
        NodeProcess.CliResult r = node.cli("deploy", folder.toString());
        assertThat(r.exitCode()).as("deploy " + name + ": " + r.err()).isZero();
    }
}
