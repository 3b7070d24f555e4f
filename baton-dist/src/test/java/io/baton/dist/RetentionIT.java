package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with retention settings of seconds prunes its journal, expires its archive and collects
 * staging while a scheduled service keeps taking files, and every file is processed exactly once.
 */
class RetentionIT {

    private static final int WAVES = 4;
    private static final int FILES_PER_WAVE = 8;

    @TempDir
    Path tmp;

    @Test
    void shortRetentionKeepsExactlyOnce() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Files.writeString(cluster.data.resolve("cluster.yaml"), TestCluster.TEST_CLUSTER_YAML + """
                    retention:
                      journal: { keep: 2s, every: 1s, batchSize: 10 }
                      compaction: { every: 3s }
                      staging: { every: 1s }
                      expiry: { every: 1s }
                    """);
            NodeProcess node = cluster.node("keeper");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = Files.createDirectories(cluster.data.resolve("in"));
            Path out = cluster.data.resolve("out");
            Path archive = cluster.data.resolve("archive/rates");
            cluster.deployAndStart(node, """
                    name: rates
                    schedule: { every: 300ms }
                    source: { path: in, include: "*.csv" }
                    process: [ { type: copy } ]
                    targets: [ { path: out, name: "{name}" } ]
                    onSuccess: { archive: "archive/rates/{yyyy}/{MM}/{dd}", keepFor: 2s }
                    """);

            for (int wave = 0; wave < WAVES; wave++) {
                for (int i = 0; i < FILES_PER_WAVE; i++) {
                    String name = "w" + wave + "-" + i + ".csv";
                    Files.writeString(in.resolve(name + ".part"), "wave " + wave + " file " + i + "\n");
                    Files.move(in.resolve(name + ".part"), in.resolve(name));
                }
                int expected = (wave + 1) * FILES_PER_WAVE;
                NodeProcess.await(Duration.ofSeconds(30), expected + " outputs", () -> CrashConsistencyIT.filesUnder(out).size() >= expected);
                // Lets pruning and expiry run between two deliveries, so they overlap with the service's runs.
                Thread.sleep(2500);
            }

            NodeProcess.await(Duration.ofSeconds(30), "archive expired", () -> CrashConsistencyIT.filesUnder(archive).isEmpty());
            Path log = cluster.data.resolve("logs/node-keeper.log");
            NodeProcess.await(Duration.ofSeconds(30), "journal pruned of work items", () -> logContains(log, "Journal pruned")
                    && !logContains(log, "Housekeeping job") && prunedSomeItems(log));
            assertThat(Files.readString(log)).as("compaction logged").containsPattern("Journal .* compacted|Journal compaction of .* skipped");
            assertThat(Files.readString(log)).as("archive expiry logged").contains("Expired the archive folder");
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("work"))).as("staging left").isEmpty();
            node.cli("stop", "rates");
            assertThat(node.cli("node", "stop").exitCode()).isZero();

            List<Path> outputs = CrashConsistencyIT.filesUnder(out);
            assertThat(outputs).as("one output per delivered file").hasSize(WAVES * FILES_PER_WAVE);
            for (Path output : outputs) {
                String name = output.getFileName().toString();
                String[] parts = name.replace(".csv", "").substring(1).split("-");
                assertThat(Files.readString(output)).as(name).isEqualTo("wave " + parts[0] + " file " + parts[1] + "\n");
            }
            assertThat(CrashConsistencyIT.filesUnder(in)).as("inputs left in the inbox").isEmpty();
            assertThat(cluster.query("SELECT count(*) FROM items WHERE state <> 'DISPOSED'").get(0).get(0))
                    .as("items not disposed").isEqualTo("0");
            long left = Long.parseLong(cluster.query("SELECT count(*) FROM items").get(0).get(0));
            assertThat(left).as("work items left in the journal of " + WAVES * FILES_PER_WAVE).isLessThan(WAVES * FILES_PER_WAVE);
        }
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static boolean prunedSomeItems(Path log) {
        try {
            return Files.readString(log).lines().anyMatch(l -> l.matches(".*Journal pruned of records finished before \\S+: [1-9]\\d* work item.*"));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
