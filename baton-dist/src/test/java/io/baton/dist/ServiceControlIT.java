package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Day-to-day control of services on one node: pausing a schedule without stopping the worker, a
 * descriptor that became invalid while the node was down, and empty or header-only inputs.
 */
class ServiceControlIT {

    @TempDir
    Path tmp;

    @Test
    void pauseStopsScheduleNotWorker() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("pause");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Files.createDirectories(cluster.data.resolve("in"));
            cluster.deployAndStart(node, """
                    name: ticker
                    schedule: { every: 200ms }
                    source: { path: in }
                    process: [ { type: copy } ]
                    targets: [ { path: out } ]
                    onSuccess: { delete: true }
                    """);
            long pid = node.get("/api/services/ticker").path("workerPid").asLong();

            NodeProcess.CliResult pause = node.cli("pause", "ticker");
            assertThat(pause.exitCode()).as("pause: " + pause.err()).isZero();
            Files.writeString(cluster.data.resolve("in/a.txt"), "a\n");
            Thread.sleep(2_000);
            assertThat(Files.exists(cluster.data.resolve("out/a.txt"))).as("output while paused").isFalse();
            JsonNode paused = node.get("/api/services/ticker");
            assertThat(paused.path("paused").asBoolean()).as("paused flag").isTrue();
            assertThat(paused.path("state").asText()).as("state while paused").isEqualTo("RUNNING");
            assertThat(paused.path("workerPid").asLong()).as("worker while paused").isEqualTo(pid);
            assertThat(node.cli("services").out()).contains("schedule paused");

            NodeProcess.CliResult resume = node.cli("resume", "ticker");
            assertThat(resume.exitCode()).as("resume: " + resume.err()).isZero();
            NodeProcess.await(Duration.ofSeconds(30), "the output after resume", () -> Files.exists(cluster.data.resolve("out/a.txt")));
            assertThat(node.cli("resume", "ticker").exitCode()).as("resume of a schedule that is not paused").isEqualTo(1);
        }
    }

    @Test
    void descriptorBrokenWhileDownIsShownInvalid() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path broken = cluster.data.resolve("services/broken");
            Files.createDirectories(broken);
            Files.writeString(broken.resolve("service.yaml"), """
                    name: broken
                    autoStart: true
                    schedule: { every: 0s }
                    source: { path: in }
                    process: [ { type: copy } ]
                    targets: [ { path: out } ]
                    """);
            NodeProcess node = cluster.node("invalid");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));

            JsonNode s = node.get("/api/services/broken");
            assertThat(s.path("state").asText()).as("state of a service with an invalid descriptor").isEqualTo("INVALID");
            assertThat(s.path("reason").asText()).contains("service.yaml").contains("schedule.every").contains("at least");
            assertThat(node.cli("services").out()).contains("INVALID").contains("schedule.every");
            NodeProcess.CliResult start = node.cli("start", "broken");
            assertThat(start.exitCode()).as("start of an invalid service").isEqualTo(1);
            assertThat(start.err()).contains("invalid descriptor");
        }
    }

    @Test
    void oddNamesKeptByteExact() throws Exception {
        List<String> names = List.of("Überweisung März.csv", "订单_2024.csv", "-rf.csv", "a  b.csv", "résumé (1).csv",
                "n".repeat(196) + ".csv");
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("names");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = cluster.data.resolve("in");
            Files.createDirectories(in);
            for (String name : names) {
                Files.writeString(in.resolve(name), "id\n" + name.length() + "\n");
            }
            cluster.deployAndStart(node, """
                    name: names
                    source: { path: in }
                    process: [ { type: csv-to-jsonl } ]
                    targets: [ { path: out, name: "{basename}.jsonl" } ]
                    onSuccess: { archive: "archive" }
                    """);
            assertThat(node.cli("trigger", "names").exitCode()).isZero();
            NodeProcess.await(Duration.ofSeconds(30), "the inbox to empty", () -> CrashConsistencyIT.filesUnder(in).isEmpty());
            NodeProcess.await(Duration.ofSeconds(30), "the run to end", () -> !node.tryGet("/api/services/names").path("runInProgress").asBoolean(true));

            long runId = node.get("/api/services/names").path("lastRun").path("runId").asLong();
            String shown = node.cli("run", Long.toString(runId)).out();
            for (String name : names) {
                String base = name.substring(0, name.lastIndexOf('.'));
                assertThat(Files.readString(cluster.data.resolve("out").resolve(base + ".jsonl")))
                        .as("output of " + name).isEqualTo("{\"id\":\"" + name.length() + "\"}\n");
                assertThat(Files.exists(cluster.data.resolve("archive").resolve(base + ".run-" + runId + ".csv")))
                        .as("archived " + name).isTrue();
                assertThat(shown).as("'baton run' lists " + name).contains(name);
            }
            assertThat(Files.readString(cluster.data.resolve("logs/service-names.log"))).as("run summary in the service log")
                    .contains("6 committed");
        }
    }

    @Test
    void emptyAndHeaderOnlyFilesLeaveTraces() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("empty");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = cluster.data.resolve("in");
            Files.createDirectories(in);
            Files.writeString(in.resolve("empty.csv"), "");
            Files.writeString(in.resolve("header.csv"), "id,name\n");
            Files.writeString(in.resolve("one.csv"), "id,name\n1,x\n");
            cluster.deployAndStart(node, """
                    name: csv
                    source: { path: in }
                    process: [ { type: csv-to-jsonl } ]
                    targets: [ { path: out, name: "{basename}.jsonl" } ]
                    onSuccess: { delete: true }
                    """);
            assertThat(node.cli("trigger", "csv").exitCode()).isZero();
            NodeProcess.await(Duration.ofSeconds(30), "the inbox to empty", () -> CrashConsistencyIT.filesUnder(in).isEmpty());
            NodeProcess.await(Duration.ofSeconds(30), "the run to end", () -> !node.tryGet("/api/services/csv").path("runInProgress").asBoolean(true));

            JsonNode items = node.get("/api/runs/" + node.get("/api/services/csv").path("lastRun").path("runId").asLong()).path("items");
            assertThat(items).as("journal entries, one per file").hasSize(3);
            for (JsonNode item : items) {
                switch (item.path("relPath").asText()) {
                    case "empty.csv" -> {
                        assertThat(item.path("state").asText()).as("empty.csv").isEqualTo("QUARANTINED");
                        assertThat(item.path("error").asText()).contains("empty file");
                    }
                    case "header.csv" -> {
                        assertThat(item.path("state").asText()).as("header.csv").isEqualTo("DISPOSED");
                        assertThat(item.path("records").asLong()).as("records of header.csv").isZero();
                    }
                    default -> assertThat(item.path("records").asLong()).as("records of one.csv").isEqualTo(1);
                }
            }
            Path quarantine = cluster.data.resolve("quarantine/csv");
            assertThat(CrashConsistencyIT.filesUnder(quarantine)).as("quarantined empty file and its reason")
                    .extracting(p -> p.getFileName().toString()).anyMatch(n -> n.startsWith("empty.item-") && n.endsWith(".csv"))
                    .anyMatch(n -> n.endsWith(".reason.txt"));
            assertThat(Files.readString(cluster.data.resolve("out/one.jsonl"))).isEqualTo("{\"id\":\"1\",\"name\":\"x\"}\n");
        }
    }
}
