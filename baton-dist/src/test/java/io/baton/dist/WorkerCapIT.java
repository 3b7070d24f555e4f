package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with {@code maxWorkers: 1} and two services: the second waits with the reason shown by the
 * API and the CLI, starts once the first stops, and automatic startup takes the services in name
 * order.
 */
class WorkerCapIT {

    private static final String SERVICE = """
            name: %s
            autoStart: true
            schedule: { every: 300ms }
            source: { path: in-%1$s }
            process: [ { type: copy } ]
            targets: [ { path: out-%1$s } ]
            onSuccess: { delete: true }
            """;

    @TempDir
    Path tmp;

    @Test
    void secondServiceWaitsForSlot() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("cap");
            Files.writeString(node.home().resolve("conf/node.yaml"), "maxWorkers: 1\n", StandardOpenOption.APPEND);
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            for (String name : new String[] {"cap-a", "cap-b"}) {
                Files.createDirectories(cluster.data.resolve("in-" + name));
                NodeProcess.CliResult deploy = node.cli("deploy", cluster.serviceFolder(name, SERVICE.formatted(name)).toString());
                assertThat(deploy.exitCode()).as("deploy " + name + ": " + deploy.err()).isZero();
            }

            // Started by hand, the first come is served first, whatever the names.
            assertThat(node.cli("start", "cap-b").exitCode()).as("start cap-b").isZero();
            NodeProcess.CliResult waits = node.cli("start", "cap-a");
            assertThat(waits.exitCode()).as("start of a service that must wait: " + waits.err()).isZero();
            assertThat(waits.out()).contains("WAITING").contains("waiting for a worker slot: 1 of 1 in use (cap-b)");
            JsonNode a = node.get("/api/services/cap-a");
            assertThat(a.path("state").asText()).as("state of cap-a").isEqualTo("WAITING");
            assertThat(a.path("workerPid").isNull()).as("cap-a has no worker").isTrue();
            assertThat(node.cli("services").out()).contains("reason: waiting for a worker slot: 1 of 1 in use (cap-b); 1st of 1 in line");
            JsonNode slots = node.get("/api/node").path("workerSlots");
            assertThat(slots.path("max").asInt()).as("max").isEqualTo(1);
            assertThat(slots.path("inUse").toString()).as("in use").isEqualTo("[\"cap-b\"]");
            assertThat(slots.path("waiting").toString()).as("waiting").isEqualTo("[\"cap-a\"]");
            assertThat(Signals.workersOf(cluster.data)).as("workers").hasSize(1);

            NodeProcess.CliResult stop = node.cli("node", "stop");
            assertThat(stop.exitCode()).as("node stop: " + stop.err()).isZero();
            assertThat(node.awaitExit(Duration.ofSeconds(60))).as("exit status").isZero();

            // Automatic startup takes the services in name order: cap-a gets the slot, cap-b waits.
            Files.writeString(cluster.data.resolve("in-cap-b/b.txt"), "b\n");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            NodeProcess.await(Duration.ofSeconds(60), "cap-a running", () -> node.tryGet("/api/services/cap-a").path("state").asText().equals("RUNNING"));
            // Automatic startup reaches cap-b just after cap-a's worker is ready.
            NodeProcess.await(Duration.ofSeconds(30), "cap-b waiting", () -> node.tryGet("/api/services/cap-b").path("state").asText().equals("WAITING"));
            JsonNode b = node.get("/api/services/cap-b");
            assertThat(b.path("state").asText()).as("state of cap-b after automatic startup").isEqualTo("WAITING");
            assertThat(b.path("reason").asText()).isEqualTo("waiting for a worker slot: 1 of 1 in use (cap-a); 1st of 1 in line");
            Thread.sleep(1_500);
            assertThat(Files.exists(cluster.data.resolve("out-cap-b/b.txt"))).as("output of the waiting service").isFalse();

            assertThat(node.cli("stop", "cap-a").exitCode()).as("stop cap-a").isZero();
            NodeProcess.await(Duration.ofSeconds(60), "the output of cap-b", () -> Files.exists(cluster.data.resolve("out-cap-b/b.txt")));
            assertThat(node.get("/api/services/cap-b").path("state").asText()).as("state of cap-b").isEqualTo("RUNNING");
            assertThat(node.get("/api/services/cap-a").path("state").asText()).as("state of cap-a").isEqualTo("STOPPED");
            assertThat(Signals.workersOf(cluster.data)).as("workers").hasSize(1);
        }
    }
}
