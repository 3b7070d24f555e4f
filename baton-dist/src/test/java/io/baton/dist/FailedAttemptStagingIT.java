package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step that writes 1 MiB of output and then fails. Each failed attempt's staging folder is gone when
 * its run ends, long before the staging collection (every 10 minutes by default) would remove it, so a
 * retry on a full staging disk does not fail again on the outputs of the attempt before.
 */
class FailedAttemptStagingIT {

    @TempDir
    Path tmp;

    @Test
    void failedAttemptLeavesNoStaging() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("failed-staging");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Files.createDirectories(cluster.data.resolve("in"));
            cluster.deployAndStart(node, """
                    name: leftover
                    source: { path: in }
                    process:
                      - type: class
                        class: io.baton.testkit.steps.FailAfterWriteStep
                        settings: { bytes: "1048576" }
                    targets: [ { path: out } ]
                    onFailure: { retries: 3, backoff: 0s }
                    """);
            Files.writeString(cluster.data.resolve("in/data.txt"), "input of an item whose step fails\n");

            for (int attempt = 1; attempt <= 2; attempt++) {
                JsonNode run = TestCluster.runOnce(node, "leftover");
                JsonNode item = TestCluster.itemsOf(node, run).get(0);
                assertThat(item.path("state").asText()).as("item after attempt " + attempt + ": " + item).isEqualTo("FAILED");
                assertThat(item.path("error").asText()).as("error of attempt " + attempt).contains("failed on purpose");

                List<Path> left = stagingOf(cluster, run.path("runId").asLong());
                assertThat(left).as("staging left by attempt " + attempt).isEmpty();
            }
            String serviceLog = LogText.pollUntil(() -> Files.readString(cluster.data.resolve("logs/service-leftover.log")),
                    text -> text.contains("removed 1048576 bytes"));
            assertThat(serviceLog).as("service log").contains("removed 1048576 bytes of a failed attempt's outputs");
            node.close();
        }
    }

    /** Lists the files under the staging folders of a run, {@code work/leftover/<epoch>-<run>/}. */
    private static List<Path> stagingOf(TestCluster cluster, long runId) throws IOException {
        Path service = cluster.data.resolve("work/leftover");
        if (!Files.isDirectory(service)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(service)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> service.relativize(f).getName(0).toString().endsWith("-" + runId))
                    .toList();
        }
    }
}
