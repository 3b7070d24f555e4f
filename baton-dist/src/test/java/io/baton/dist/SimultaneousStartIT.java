package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import io.baton.testkit.RoleSampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes started at the same instant on a new data directory: exactly one becomes active. */
class SimultaneousStartIT {

    @TempDir
    Path tmp;

    @RepeatedTest(3)
    void threeNodesOneActive() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            // The default lease timings: three JVMs starting at once on a small machine stall for seconds,
            // which the short test timings would take for a dead holder; the race itself is the same.
            Files.writeString(cluster.data.resolve("cluster.yaml"), "name: test\n");
            List<NodeProcess> nodes = List.of(cluster.node("node-a"), cluster.node("node-b"), cluster.node("node-c"));
            for (NodeProcess n : nodes) {
                n.start();
            }
            for (NodeProcess n : nodes) {
                n.awaitApi(Duration.ofSeconds(60));
            }
            RoleSampler sampler = new RoleSampler(nodes, 100).start();
            NodeProcess.await(Duration.ofSeconds(30), "one node to become active", () -> sampler.activeNodes().size() == 1);

            // Two lease lengths: a loser that wrongly judged the winner's lease silent would take over meanwhile.
            Thread.sleep(16_000);
            sampler.close();

            assertThat(sampler.overlaps()).as("samples with two active nodes, of " + sampler.samples()).isEmpty();
            // Each node's role is read once with a long timeout, because three JVMs on a small machine can
            // take longer to respond than the sampler's two seconds.
            Map<String, String> roles = new TreeMap<>();
            for (NodeProcess n : nodes) {
                roles.put(n.nodeId(), n.roleNow());
            }
            List<String> active = roles.entrySet().stream().filter(e -> e.getValue().equals("ACTIVE")).map(Map.Entry::getKey).toList();
            assertThat(active).as("active nodes, of roles " + roles).hasSize(1);
            for (NodeProcess n : nodes) {
                String expected = active.contains(n.nodeId()) ? "ACTIVE" : "PASSIVE";
                assertThat(roles.get(n.nodeId())).as("role of " + n.nodeId()).isEqualTo(expected);
            }
            assertThat(new io.baton.core.lease.EpochStore(cluster.data.resolve("state/epochs")).holder(1)).as("holder of epoch 1")
                    .isEqualTo(active.get(0));
            assertThat(Files.exists(cluster.data.resolve("state/epochs/2"))).as("a second epoch").isFalse();
        }
    }
}
