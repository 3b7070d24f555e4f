package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One input followed through two real nodes: its first attempt fails, the active node is killed with
 * {@code kill -9}, the other node takes over and processes it, an operator reprocesses it, and
 * {@code baton lineage} shows all of it in order, as text, JSON Lines and CSV.
 */
class LineageIT {

    /** The gate setting is missing at first, so the step fails with an I/O error: a failure that is retried. */
    private static final String SERVICE = """
            name: orders
            autoStart: true
            source: { path: in }
            process:
              - type: class
                class: io.baton.testkit.steps.GatedCopyStep
            %s
            targets: [ { path: out } ]
            onFailure: { retries: 3, backoff: 0s }
            onSuccess: { archive: "archive" }
            """;

    @TempDir
    Path tmp;

    @Test
    void retryFailoverAndReprocessInOrder() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess a = cluster.node("node-a");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            NodeProcess b = cluster.node("node-b");
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            Path in = Files.createDirectories(cluster.data.resolve("in"));
            Files.writeString(in.resolve("a.csv"), "id\n1\n");
            cluster.deployAndStart(a, SERVICE.formatted(""));

            JsonNode firstRun = TestCluster.runOnce(a, "orders");
            JsonNode item = TestCluster.itemsOf(a, firstRun).get(0);
            long itemId = item.path("id").asLong();
            assertThat(item.path("state").asText()).as("item after the failed attempt").isEqualTo("FAILED");

            FailoverKillIT.killNodeAndWorkers(a, cluster.data);
            b.awaitRole("ACTIVE", Duration.ofSeconds(40));
            Path gate = cluster.root.resolve("no-gate");
            assertThat(b.cli("deploy", cluster.serviceFolder("orders", SERVICE.formatted("    settings: { gate: \"" + gate + "\" }"))
                    .toString()).exitCode()).as("redeploy with the gate setting").isZero();
            b.cli("start", "orders");
            TestCluster.runOnce(b, "orders");
            assertThat(b.get("/api/items/" + itemId).path("state").asText()).as("item after the retry").isEqualTo("DISPOSED");

            NodeProcess.CliResult reprocess = b.cli("reprocess", Long.toString(itemId));
            assertThat(reprocess.exitCode()).as("reprocess: " + reprocess.err()).isZero();
            JsonNode thirdRun = TestCluster.runOnce(b, "orders");
            long newItem = TestCluster.itemsOf(b, thirdRun).get(0).path("id").asLong();
            assertThat(newItem).as("item of the reprocessed input").isNotEqualTo(itemId);

            JsonNode history = b.get("/api/items/" + itemId + "/lineage");
            List<String> kinds = new ArrayList<>();
            history.path("events").forEach(e -> kinds.add(e.path("kind").asText()));
            assertThat(kinds).as("events of the first item").containsSubsequence("claimed", "attempt-ended", "role-change", "claimed",
                    "attempt-ended", "output", "disposition", "state", "operator-action", "later-item");
            JsonNode attempts = history.path("attempts");
            assertThat(attempts).as("attempts").hasSize(2);
            assertThat(attempts.get(0).path("nodeId").asText()).isEqualTo("node-a");
            assertThat(attempts.get(0).path("outcome").asText()).isEqualTo("failed");
            assertThat(attempts.get(1).path("nodeId").asText()).isEqualTo("node-b");
            assertThat(attempts.get(1).path("outcome").asText()).isEqualTo("committed");
            assertThat(attempts.get(1).path("epoch").asLong()).as("epoch of the retry").isGreaterThan(attempts.get(0).path("epoch").asLong());
            // sha256sum of the input "id\n1\n".
            assertThat(history.path("sha256").asText()).isEqualTo("7cde7fb64fd82bd152710cf238e017b9ab46c0592483edc067ba4f6c75fac108");
            assertThat(history.path("laterItems")).extracting(JsonNode::asLong).containsExactly(newItem);

            NodeProcess.CliResult text = b.cli("lineage", "--name", "a.csv");
            assertThat(text.exitCode()).as("lineage: " + text.err()).isZero();
            assertThat(text.out()).contains("2 work item(s) match").contains("node node-a").contains("node node-b")
                    .contains("role-change").contains("reprocess by api-token");
            assertThat(text.out().indexOf("Work item " + itemId)).isLessThan(text.out().indexOf("Work item " + newItem));

            Path jsonl = tmp.resolve("lineage.jsonl");
            assertThat(b.cli("lineage", "--name", "a.csv", "--export", "jsonl", "--output", jsonl.toString()).exitCode()).isZero();
            List<String> lines = Files.readAllLines(jsonl);
            assertThat(lines).as("JSON lines").hasSize(2);
            ObjectMapper json = new ObjectMapper();
            assertThat(json.readTree(lines.get(0)).path("item").path("id").asLong()).isEqualTo(itemId);
            assertThat(json.readTree(lines.get(1)).path("item").path("id").asLong()).isEqualTo(newItem);

            Path csv = tmp.resolve("lineage.csv");
            assertThat(b.cli("lineage", "--name", "a.csv", "--export", "csv", "--output", csv.toString()).exitCode()).isZero();
            List<String> rows = Files.readAllLines(csv);
            assertThat(rows.get(0)).isEqualTo("item_id,service,rel_path,sha256,at,event,run_id,node_id,epoch,outcome,detail");
            assertThat(rows).as("CSV rows of the first item").filteredOn(r -> r.startsWith(itemId + ",")).hasSize(kinds.size());
            assertThat(rows).filteredOn(r -> r.contains(",role-change,")).isNotEmpty();

            NodeProcess.Response bad = b.call("GET", "/api/lineage?name=a.csv&glob=*", null);
            assertThat(bad.status()).as("name and glob together").isEqualTo(400);
        }
    }
}
