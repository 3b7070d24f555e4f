package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@code kill -9} leaves behind does not block the nodes: a lease file whose holder is dead,
 * and a run left RUNNING in the journal.
 */
class LeftoverStateIT {

    @TempDir
    Path tmp;

    @Test
    void leaseLeftByKilledNode() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess a = cluster.node("node-a");
            NodeProcess b = cluster.node("node-b");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));

            FailoverKillIT.killNodeAndWorkers(a, cluster.data);
            long killed = System.nanoTime();
            assertThat(Files.readString(cluster.data.resolve("state/lease"))).as("lease file after kill -9").contains("node-a");
            b.awaitRole("ACTIVE", Duration.ofSeconds(30));
            long takeoverMillis = (System.nanoTime() - killed) / 1_000_000;
            // Lease 4 s, poll 250 ms, plus scheduling on a loaded machine.
            assertThat(takeoverMillis).as("takeover after kill -9, lease 4 s").isLessThan(15_000);
            a.start().awaitRole("PASSIVE", Duration.ofSeconds(60));

            // Both nodes down; the node that did not hold the lease last waits for it to expire.
            FailoverKillIT.killNodeAndWorkers(b, cluster.data);
            a.kill9();
            long restarted = System.nanoTime();
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            long activeAfterMillis = (System.nanoTime() - restarted) / 1_000_000;
            System.out.printf("LeftoverStateIT: takeover after kill -9 %d ms; restart of the other node to active %d ms%n",
                    takeoverMillis, activeAfterMillis);
            assertThat(activeAfterMillis).as("restart to active, node-b's lease of 4 s left behind").isGreaterThanOrEqualTo(4_000);
            assertThat(a.get("/api/node").path("epoch").asLong()).as("epoch of node-a").isEqualTo(3);
            a.signal("TERM");
            assertThat(a.awaitExit(Duration.ofSeconds(60))).as("exit status of node-a").isZero();
        }
    }

    @Test
    void runLeftRunningIsAbandoned() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path inbox = Files.createDirectories(cluster.data.resolve("inbox"));
            String csv = bigCsv(100_000);
            NodeProcess a = cluster.node("node-a");
            NodeProcess b = cluster.node("node-b");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(a, """
                    name: rows
                    autoStart: true
                    schedule: { every: 300ms }
                    source: { path: inbox, exclude: ["*.part"] }
                    process:
                      - type: class
                        class: io.baton.testkit.steps.SlowCopyStep
                        settings: { delayMillis: "3000" }
                      - type: csv-to-jsonl
                    targets: [ { path: outbox, name: "{basename}.jsonl" } ]
                    onSuccess: { archive: "archive/{yyyy}/{MM}/{dd}" }
                    """);
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));

            Files.writeString(inbox.resolve("rows.csv.part"), csv, StandardCharsets.UTF_8);
            Files.move(inbox.resolve("rows.csv.part"), inbox.resolve("rows.csv"));
            NodeProcess.await(Duration.ofSeconds(30), "node-a to start a run",
                    () -> a.tryGet("/api/services/rows").path("runInProgress").asBoolean(false));
            Thread.sleep(1_500);
            FailoverKillIT.killNodeAndWorkers(a, cluster.data);
            b.awaitRole("ACTIVE", Duration.ofSeconds(30));

            NodeProcess.await(Duration.ofSeconds(90), "node-b to publish the output", () -> Files.exists(cluster.data.resolve("outbox/rows.jsonl")));
            NodeProcess.await(Duration.ofSeconds(30), "node-b's run to end", () -> !b.tryGet("/api/services/rows").path("runInProgress").asBoolean(true));
            try (var lines = Files.lines(cluster.data.resolve("outbox/rows.jsonl"))) {
                assertThat(lines.count()).as("records in the output").isEqualTo(100_000);
            }

            JsonNode runs = b.get("/api/services/rows/runs");
            assertThat(runs.size()).as("runs shown by the API: " + runs).isEqualTo(2);
            JsonNode interrupted = runs.get(runs.size() - 1);
            JsonNode rerun = runs.get(0);
            assertThat(interrupted.path("state").asText()).as("state of the interrupted run").isEqualTo("ABANDONED");
            assertThat(interrupted.path("endedAt").asText()).as("end time of the interrupted run").isNotBlank();
            assertThat(interrupted.path("reason").asText()).as("reason of the interrupted run").contains("abandoned at takeover by node node-b");
            assertThat(rerun.path("state").asText()).as("state of the new run").isEqualTo("SUCCEEDED");
            assertThat(rerun.path("itemsCommitted").asLong()).as("items committed by the new run").isEqualTo(1);

            assertThat(b.cli("stop", "rows").exitCode()).as("stop after takeover").isZero();
            assertThat(b.cli("start", "rows").exitCode()).as("start after takeover").isZero();
            JsonNode triggered = TestCluster.runOnce(b, "rows");
            assertThat(triggered.path("state").asText()).as("state of a triggered run after takeover: " + triggered).isEqualTo("SUCCEEDED");
            b.signal("TERM");
            assertThat(b.awaitExit(Duration.ofSeconds(60))).as("exit status of node-b").isZero();
            ExactlyOnce.checkJournalItems(cluster, 1);
            assertThat(cluster.query("SELECT state FROM items")).as("work items of the file").containsExactly(List.of("DISPOSED"));
        }
    }

    private static String bigCsv(int rows) {
        StringBuilder sb = new StringBuilder("id,name,amount\n");
        for (int i = 0; i < rows; i++) {
            sb.append(i).append(",row-").append(i).append(',').append(i % 997).append('\n');
        }
        return sb.toString();
    }
}
