package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator actions on work items through the CLI of a real node: retry of quarantined inputs after the
 * cause is fixed, one by id and several by filter; reprocess of an archived input; release of an item
 * whose output was blocked; refusals with their status and exit code; and one audit row per action.
 */
class OperatorActionsIT {

    /** Two records, the second with a byte that is invalid in UTF-8 but valid in ISO-8859-1. */
    private static final byte[] LATIN1_CSV = {'i', 'd', ',', 'c', 'i', 't', 'y', '\n', '1', ',', 'K', (byte) 0xF6, 'l', 'n', '\n'};

    private static final String RATES = """
            name: rates
            source: { path: in }
            process: [ { type: csv-to-jsonl%s } ]
            targets: [ { path: out, name: "{basename}.{run}.jsonl" } ]
            onSuccess: { archive: "archive/{yyyy}/{MM}/{dd}" }
            """;

    @TempDir
    Path tmp;

    @Test
    void retryAndReprocessByIdAndFilter() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("ops");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = Files.createDirectories(cluster.data.resolve("in"));
            Path out = cluster.data.resolve("out");
            Path quarantine = cluster.data.resolve("quarantine/rates");
            Files.writeString(in.resolve("good.csv"), "id,city\n1,Oslo\n");
            for (String name : List.of("bad1.csv", "bad2.csv", "bad3.csv")) {
                Files.write(in.resolve(name), LATIN1_CSV);
            }
            Files.createDirectories(cluster.data.resolve("other-in"));
            Files.write(cluster.data.resolve("other-in/bad.csv"), LATIN1_CSV);
            cluster.deployAndStart(node, RATES.formatted(""));
            cluster.deployAndStart(node, """
                    name: other
                    source: { path: other-in }
                    process: [ { type: csv-to-jsonl } ]
                    targets: [ { path: other-out, name: "{basename}.jsonl" } ]
                    """);
            Map<String, Long> ids = itemIds(node, FolderPickupIT.runOnce(node, "rates"));
            long otherBad = itemIds(node, FolderPickupIT.runOnce(node, "other")).get("bad.csv");
            assertThat(node.get("/api/runs/" + node.get("/api/services/rates").path("lastRun").path("runId").asLong()).path("items"))
                    .extracting(i -> i.path("state").asText()).containsExactlyInAnyOrder("DISPOSED", "QUARANTINED", "QUARANTINED", "QUARANTINED");

            NodeProcess.CliResult wrongState = node.cli("reprocess", Long.toString(ids.get("bad1.csv")));
            assertThat(wrongState.exitCode()).as("reprocess of a quarantined item").isEqualTo(1);
            assertThat(wrongState.err()).contains("is QUARANTINED").contains("DISPOSED or KEPT").contains("use baton retry");
            NodeProcess.CliResult unknown = node.cli("retry", "999999");
            assertThat(unknown.exitCode()).as("retry of an unknown item").isEqualTo(1);
            assertThat(unknown.err()).contains("work item 999999 is not in the journal");
            assertThat(node.call("POST", "/api/items/" + ids.get("bad1.csv") + "/reprocess", null).status()).as("status of a wrong state")
                    .isEqualTo(409);
            assertThat(node.call("POST", "/api/items/999999/retry", null).status()).as("status of an unknown item").isEqualTo(404);
            NodeProcess.Response noService = node.call("POST", "/api/items/retry", Map.of("state", "QUARANTINED"));
            assertThat(noService.status()).as("status of a filter without a service").isEqualTo(400);
            assertThat(noService.body().path("field").asText()).isEqualTo("service");
            NodeProcess.Response badState = node.call("POST", "/api/items/retry", Map.of("service", "rates", "state", "DISPOSED"));
            assertThat(badState.status()).as("status of a state retry does not apply to").isEqualTo(400);
            assertThat(badState.body().path("field").asText()).isEqualTo("state");
            NodeProcess.Response badSince = node.call("POST", "/api/items/retry", Map.of("service", "rates", "since", "yesterday"));
            assertThat(badSince.body().path("field").asText()).as("field of an invalid time").isEqualTo("since");
            NodeProcess.CliResult tooBroad = node.cli("retry", "--state", "QUARANTINED");
            assertThat(tooBroad.exitCode()).as("filter without --service or --all").isEqualTo(2);
            assertThat(tooBroad.err()).contains("--all");

            NodeProcess.CliResult dryRun = node.cli("retry", "--service", "rates", "--state", "QUARANTINED", "--dry-run");
            assertThat(dryRun.exitCode()).as("dry run: " + dryRun.err()).isZero();
            assertThat(dryRun.out()).contains("matches 3 work item(s)").contains("bad1.csv").contains("bad2.csv").contains("bad3.csv")
                    .doesNotContain("good.csv");
            assertThat(CrashConsistencyIT.filesUnder(in)).as("source folder after a dry run").isEmpty();

            // The cause: the files are ISO-8859-1. Fix the descriptor, then retry one item by id.
            assertThat(node.cli("deploy", cluster.serviceFolder("rates", RATES.formatted(", settings: { charset: ISO-8859-1 }"))
                    .toString()).exitCode()).as("redeploy with the right charset").isZero();
            NodeProcess.CliResult retry = node.cli("retry", Long.toString(ids.get("bad1.csv")));
            assertThat(retry.exitCode()).as("retry: " + retry.err()).isZero();
            assertThat(retry.out()).contains("QUARANTINED -> RELEASED").contains("moved back from");
            assertThat(in.resolve("bad1.csv")).as("retried input back in the source folder").exists();
            assertThat(CrashConsistencyIT.filesUnder(quarantine)).as("quarantine after the retry of bad1")
                    .extracting(p -> p.getFileName().toString()).noneMatch(n -> n.startsWith("bad1."));

            NodeProcess.CliResult byFilter = node.cli("retry", "--service", "rates", "--state", "QUARANTINED");
            assertThat(byFilter.exitCode()).as("retry by filter: " + byFilter.err()).isZero();
            assertThat(byFilter.out()).contains("2 matched").contains("2 done").contains("0 refused");
            assertThat(CrashConsistencyIT.filesUnder(quarantine)).as("quarantine of rates after the retries").isEmpty();
            assertThat(itemState(node, otherBad)).as("quarantined item of another service").isEqualTo("QUARANTINED");

            FolderPickupIT.runOnce(node, "rates");
            for (String name : List.of("bad1", "bad2", "bad3")) {
                assertThat(itemState(node, ids.get(name + ".csv"))).as("state of retried " + name).isEqualTo("DISPOSED");
                assertThat(outputsOf(out, name)).as("outputs of " + name).hasSize(1);
                assertThat(Files.readString(outputsOf(out, name).get(0))).contains("Köln");
            }

            NodeProcess.CliResult reprocess = node.cli("reprocess", Long.toString(ids.get("good.csv")));
            assertThat(reprocess.exitCode()).as("reprocess: " + reprocess.err()).isZero();
            assertThat(node.cli("reprocess", Long.toString(ids.get("good.csv"))).exitCode()).as("second reprocess before the run")
                    .isEqualTo(1);
            Map<String, Long> again = itemIds(node, FolderPickupIT.runOnce(node, "rates"));
            assertThat(again).as("items of the run after the reprocess").containsOnlyKeys("good.csv");
            assertThat(again.get("good.csv")).as("reprocessed input is a new work item").isNotEqualTo(ids.get("good.csv"));
            assertThat(itemState(node, again.get("good.csv"))).isEqualTo("DISPOSED");
            assertThat(itemState(node, ids.get("good.csv"))).as("the first item of good.csv").isEqualTo("DISPOSED");
            assertThat(outputsOf(out, "good")).as("outputs of good.csv").hasSize(2);

            JsonNode actions = node.get("/api/actions?service=rates&limit=100");
            assertThat(actions).as("recorded actions on rates").hasSize(7);
            Map<String, Integer> rows = new HashMap<>();
            for (JsonNode a : actions) {
                rows.merge(a.path("action").asText() + " " + a.path("itemId").asText() + " " + a.path("outcome").asText(), 1, Integer::sum);
                assertThat(a.path("actor").asText()).isEqualTo("api-token");
                assertThat(a.path("remoteAddress").asText()).isNotBlank();
            }
            assertThat(rows).containsOnly(
                    Map.entry("reprocess " + ids.get("bad1.csv") + " refused", 2),
                    Map.entry("retry " + ids.get("bad1.csv") + " done", 1),
                    Map.entry("retry " + ids.get("bad2.csv") + " done", 1),
                    Map.entry("retry " + ids.get("bad3.csv") + " done", 1),
                    Map.entry("reprocess " + ids.get("good.csv") + " done", 1),
                    Map.entry("reprocess " + ids.get("good.csv") + " refused", 1));
            assertThat(actions).filteredOn(a -> a.path("itemId").asLong() == ids.get("bad2.csv")).extracting(a -> a.path("filter").asText())
                    .containsExactly("--service rates --state QUARANTINED");
            JsonNode unknownRow = node.get("/api/actions?limit=100");
            assertThat(unknownRow).as("refusal of the unknown item").anyMatch(a -> a.path("itemId").asLong() == 999999
                    && a.path("outcome").asText().equals("refused"));
            assertThat(node.cli("actions", "--service", "rates").out()).contains("retry").contains("reprocess").contains("api-token@");
        }
    }

    @Test
    void releasedBlockedItemTakenByNextScheduledRun() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("release");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = Files.createDirectories(cluster.data.resolve("clash-in"));
            Path out = Files.createDirectories(cluster.data.resolve("clash-out"));
            Files.writeString(out.resolve("x.txt"), "yesterday's output\n");
            Files.writeString(in.resolve("x.txt"), "today\n");
            cluster.deployAndStart(node, """
                    name: clash
                    schedule: { every: 500ms }
                    source: { path: clash-in }
                    process: [ { type: copy } ]
                    targets: [ { path: clash-out, name: "{name}" } ]
                    onSuccess: { delete: true }
                    """);
            NodeProcess.await(Duration.ofSeconds(30), "a run of clash", () -> node.tryGet("/api/services/clash").path("lastRun").has("runId"));
            assertThat(node.cli("pause", "clash").exitCode()).isZero();
            NodeProcess.await(Duration.ofSeconds(30), "the run to end", () -> !node.tryGet("/api/services/clash").path("runInProgress").asBoolean(true));
            long blocked = itemIds(node, node.get("/api/services/clash").path("lastRun")).get("x.txt");
            assertThat(itemState(node, blocked)).isEqualTo("PUBLISH_BLOCKED");

            NodeProcess.CliResult retry = node.cli("retry", Long.toString(blocked));
            assertThat(retry.exitCode()).as("retry of a blocked item: " + retry.err()).isZero();
            assertThat(retry.out()).contains("publish actions are retried");
            assertThat(itemState(node, blocked)).as("state after the retry").isEqualTo("PUBLISH_BLOCKED");
            NodeProcess.CliResult release = node.cli("release", Long.toString(blocked));
            assertThat(release.exitCode()).as("release: " + release.err()).isZero();
            assertThat(release.out()).contains("PUBLISH_BLOCKED -> RETURNED").contains("staged outputs are discarded");
            assertThat(itemState(node, blocked)).isEqualTo("RETURNED");
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("work"))).as("staging after the release").isEmpty();
            assertThat(Files.readString(in.resolve("x.txt"))).as("released input").isEqualTo("today\n");
            assertThat(node.cli("release", Long.toString(blocked)).exitCode()).as("second release").isEqualTo(1);

            Files.delete(out.resolve("x.txt"));
            assertThat(node.cli("resume", "clash").exitCode()).isZero();
            NodeProcess.await(Duration.ofSeconds(30), "the released input to be processed", () -> !Files.exists(in.resolve("x.txt")));
            assertThat(Files.readString(out.resolve("x.txt"))).as("output of the released input").isEqualTo("today\n");
            JsonNode runs = node.get("/api/services/clash/runs?limit=100");
            assertThat(runs.get(0).path("trigger").asText()).as("trigger of the run that took it").startsWith("schedule");
            long taken = itemIds(node, runs.get(0).path("id").asLong()).get("x.txt");
            assertThat(taken).as("the released input is a new work item").isNotEqualTo(blocked);
            assertThat(itemState(node, taken)).isEqualTo("DISPOSED");
            assertThat(node.get("/api/actions?service=clash").findValuesAsText("outcome")).as("recorded actions")
                    .containsExactlyInAnyOrder("done", "done", "refused");
        }
    }

    @Test
    void quarantinedFileFixedInPlace() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("fixed");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = Files.createDirectories(cluster.data.resolve("in"));
            Path quarantine = cluster.data.resolve("quarantine/rates");
            Files.write(in.resolve("bad.csv"), LATIN1_CSV);
            cluster.deployAndStart(node, RATES.formatted(""));
            long bad = itemIds(node, FolderPickupIT.runOnce(node, "rates")).get("bad.csv");
            assertThat(itemState(node, bad)).isEqualTo("QUARANTINED");
            List<Path> quarantined = CrashConsistencyIT.filesUnder(quarantine);
            assertThat(quarantined).as("quarantine folder").hasSize(2);
            Path file = quarantined.stream().filter(p -> !p.toString().endsWith(".reason.txt")).findFirst().orElseThrow();

            // The operator converts the file to UTF-8 in place, as `iconv ... > tmp; cp tmp FILE` does: same inode, new size.
            Files.writeString(file, "id,city\n1,Köln\n");
            NodeProcess.CliResult retry = node.cli("retry", Long.toString(bad));

            assertThat(retry.exitCode()).as("retry of a changed quarantined file").isEqualTo(1);
            assertThat(retry.err()).contains("changed after work item " + bad + " was quarantined").contains("nothing was moved")
                    .contains("baton release " + bad);
            assertThat(CrashConsistencyIT.filesUnder(quarantine)).as("quarantine after the rejected retry").hasSize(2);
            assertThat(CrashConsistencyIT.filesUnder(in)).as("source folder after the rejected retry").isEmpty();
            assertThat(itemState(node, bad)).as("state after the rejected retry").isEqualTo("QUARANTINED");

            NodeProcess.CliResult release = node.cli("release", Long.toString(bad));
            assertThat(release.exitCode()).as("release: " + release.err()).isZero();
            assertThat(release.out()).contains("QUARANTINED -> RETURNED").contains("moved back from");
            assertThat(CrashConsistencyIT.filesUnder(quarantine)).as("quarantine after the release").isEmpty();
            long again = itemIds(node, FolderPickupIT.runOnce(node, "rates")).get("bad.csv");
            assertThat(again).as("the fixed file is a new work item").isNotEqualTo(bad);
            assertThat(itemState(node, again)).isEqualTo("DISPOSED");
            assertThat(Files.readString(outputsOf(cluster.data.resolve("out"), "bad").get(0))).contains("Köln");
            assertThat(node.get("/api/actions?service=rates").findValuesAsText("outcome")).as("recorded actions")
                    .containsExactlyInAnyOrder("done", "refused");
        }
    }

    @Test
    void actionDuringRunRefused() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("busy");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = Files.createDirectories(cluster.data.resolve("slow-in"));
            Files.writeString(in.resolve("a.txt"), "a\n");
            // The run holds a.txt until the gate file is deleted, however long the checks below take.
            Path gate = Files.writeString(tmp.resolve("gate"), "hold the run while this file exists\n");
            cluster.deployAndStart(node, """
                    name: slow
                    source: { path: slow-in }
                    process:
                      - type: class
                        class: io.baton.testkit.steps.GatedCopyStep
                        settings: { gate: "%s" }
                    targets: [ { path: slow-out } ]
                    onSuccess: { delete: true }
                    """.formatted(gate));
            assertThat(node.cli("trigger", "slow").exitCode()).isZero();
            NodeProcess.await(Duration.ofSeconds(30), "the run to claim a.txt", () -> {
                JsonNode runs = node.tryGet("/api/services/slow/runs");
                return runs.isArray() && !runs.isEmpty() && itemIds(node, runs.get(0).path("id").asLong()).containsKey("a.txt");
            });
            long item = itemIds(node, node.get("/api/services/slow/runs").get(0).path("id").asLong()).get("a.txt");

            NodeProcess.CliResult retry = node.cli("retry", Long.toString(item));

            assertThat(retry.exitCode()).as("retry during a run").isEqualTo(1);
            assertThat(retry.err()).contains("a run of service slow is in progress");
            assertThat(node.call("POST", "/api/items/" + item + "/retry", null).status()).as("status during a run").isEqualTo(409);

            Files.delete(gate);
            NodeProcess.await(Duration.ofSeconds(60), "the held run to end", () -> !node.tryGet("/api/services/slow").path("runInProgress").asBoolean(true));
            assertThat(itemState(node, item)).as("state of the item once the gate opened").isEqualTo("DISPOSED");
        }
    }

    /** Returns the item ids of a run by file name, from the run's outcome or its id. */
    private static Map<String, Long> itemIds(NodeProcess node, JsonNode lastRun) {
        return itemIds(node, lastRun.path("runId").asLong());
    }

    private static Map<String, Long> itemIds(NodeProcess node, long runId) {
        Map<String, Long> ids = new HashMap<>();
        for (JsonNode i : node.get("/api/runs/" + runId).path("items")) {
            ids.put(i.path("relPath").asText(), i.path("id").asLong());
        }
        return ids;
    }

    private static String itemState(NodeProcess node, long itemId) {
        return node.get("/api/items/" + itemId).path("state").asText();
    }

    private static List<Path> outputsOf(Path out, String baseName) {
        return CrashConsistencyIT.filesUnder(out).stream().filter(p -> p.getFileName().toString().startsWith(baseName + ".")).toList();
    }
}
