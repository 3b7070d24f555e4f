package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The maximum run duration on a real node: a run of slow items stops at a commit point with its
 * worker kept, a run whose step hangs has its worker killed and replaced, and in both cases a later
 * run processes the rest, every input exactly once.
 */
class RunLimitIT {

    @TempDir
    Path tmp;

    @Test
    void slowRunStopsAtCommitPoint() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            int files = 60;
            Path inbox = writeInputs(cluster, files);
            NodeProcess node = cluster.node("slow");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            // 150 ms per item and at most 8 items in flight: in-flight items drain in about 1.2 s, well
            // within the 4 s grace period, so a run ends at a commit point and its worker is kept.
            cluster.deployAndStart(node, """
                    name: slow
                    schedule: { every: 500ms }
                    stopGracePeriod: 4s
                    limits: { maxRunDuration: 5s }
                    source: { path: inbox }
                    process:
                      - type: class
                        class: io.baton.testkit.steps.SlowCopyStep
                        settings: { delayMillis: "150" }
                    targets: [ { path: outbox } ]
                    """);
            long workerPid = node.get("/api/services/slow").path("workerPid").asLong();

            NodeProcess.await(Duration.ofMinutes(2), "every input processed", () -> CrashConsistencyIT.filesUnder(inbox).isEmpty());
            NodeProcess.await(Duration.ofSeconds(30), "the last run to end", () -> !node.tryGet("/api/services/slow").path("runInProgress").asBoolean(true));

            List<JsonNode> timedOut = runsIn(node.get("/api/services/slow/runs?limit=100"), "TIMED_OUT");
            assertThat(timedOut).as("runs that reached the limit").isNotEmpty();
            JsonNode first = timedOut.get(timedOut.size() - 1);
            assertThat(first.path("reason").asText()).as("reason")
                    .contains("maximum run duration of 5s").contains("stopped at a commit point");
            assertThat(first.path("itemsCommitted").asLong()).as("items committed by the first limited run").isBetween(1L, files - 1L);
            assertThat(node.get("/api/services/slow").path("workerPid").asLong()).as("worker after the limit").isEqualTo(workerPid);
            assertThat(Files.readString(cluster.data.resolve("logs/service-slow.log")))
                    .as("service log").contains("reached its maximum run duration of 5s");

            node.signal("TERM");
            assertThat(node.awaitExit(Duration.ofSeconds(60))).as("exit status").isZero();
            assertExactlyOnce(cluster, files);
        }
    }

    @Test
    void hangingStepKilledThenRedone() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            int files = 5;
            writeInputs(cluster, files);
            Path gate = tmp.resolve("gate");
            Files.writeString(gate, "hang while this file exists\n");
            NodeProcess node = cluster.node("hang");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, """
                    name: hang
                    schedule: { every: 500ms }
                    stopGracePeriod: 1s
                    limits: { maxRunDuration: 2s }
                    source: { path: inbox }
                    process:
                      - type: class
                        class: io.baton.testkit.steps.GatedCopyStep
                        settings: { gate: "%s" }
                    targets: [ { path: outbox } ]
                    """.formatted(gate));
            long workerPid = node.get("/api/services/hang").path("workerPid").asLong();

            NodeProcess.await(Duration.ofSeconds(60), "a run killed at its limit",
                    () -> !runsIn(node.tryGet("/api/services/hang/runs?limit=100"), "TIMED_OUT").isEmpty());
            JsonNode killed = runsIn(node.get("/api/services/hang/runs?limit=100"), "TIMED_OUT").get(0);
            assertThat(killed.path("reason").asText()).as("reason")
                    .contains("maximum run duration of 2s").contains("within stopGracePeriod (1s) and was killed");
            assertThat(killed.path("itemsCommitted").asLong()).as("items committed by the killed run").isZero();
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("outbox"))).as("outputs while hanging").isEmpty();
            NodeProcess.await(Duration.ofSeconds(60), "a new worker", () -> {
                JsonNode s = node.tryGet("/api/services/hang");
                return s.path("state").asText().equals("RUNNING") && s.path("workerPid").asLong() != workerPid
                        && s.path("workerPid").asLong() != 0;
            });
            assertThat(ProcessHandle.of(workerPid).map(ProcessHandle::isAlive).orElse(false)).as("killed worker alive").isFalse();

            Files.delete(gate);
            NodeProcess.await(Duration.ofSeconds(60), "every input processed",
                    () -> CrashConsistencyIT.filesUnder(cluster.data.resolve("inbox")).isEmpty());
            NodeProcess.await(Duration.ofSeconds(30), "the last run to end", () -> !node.tryGet("/api/services/hang").path("runInProgress").asBoolean(true));
            node.signal("TERM");
            assertThat(node.awaitExit(Duration.ofSeconds(60))).as("exit status").isZero();
            assertExactlyOnce(cluster, files);
        }
    }

    private static Path writeInputs(TestCluster cluster, int files) throws java.io.IOException {
        Path inbox = cluster.data.resolve("inbox");
        Files.createDirectories(inbox);
        for (int i = 0; i < files; i++) {
            Files.writeString(inbox.resolve(String.format("f-%03d.txt", i)), "file " + i + "\n");
        }
        return inbox;
    }

    /** The runs in the given state, newest first. */
    private static List<JsonNode> runsIn(JsonNode runs, String state) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode r : runs) {
            if (r.path("state").asText().equals(state)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Checks outputs, archive and journal once the node has stopped: each input processed exactly once. */
    private static void assertExactlyOnce(TestCluster cluster, int files) throws Exception {
        List<Path> outputs = CrashConsistencyIT.filesUnder(cluster.data.resolve("outbox"));
        assertThat(outputs).as("outputs").hasSize(files);
        for (Path out : outputs) {
            int n = Integer.parseInt(out.getFileName().toString().substring(2, 5));
            assertThat(Files.readString(out)).as(out.toString()).isEqualTo("file " + n + "\n");
        }
        Map<String, Integer> archived = new HashMap<>();
        for (Path p : CrashConsistencyIT.filesUnder(cluster.data.resolve("archive"))) {
            archived.merge(p.getFileName().toString().replaceAll("\\.run-\\d+", ""), 1, Integer::sum);
        }
        assertThat(archived).as("archived inputs").hasSize(files);
        assertThat(archived.values()).as("archive copies per input").allMatch(n -> n == 1);
        List<String> items = cluster.query("SELECT count(*), sum(state = 'DISPOSED'), max(attempts) FROM items").get(0);
        assertThat(items.get(0)).as("items").isEqualTo(Integer.toString(files));
        assertThat(items.get(1)).as("items disposed").isEqualTo(Integer.toString(files));
        assertThat(items.get(2)).as("most failed attempts of an item").isEqualTo("0");
        assertThat(cluster.query("SELECT count(*) FROM runs WHERE state = 'RUNNING'").get(0).get(0)).as("runs left running").isEqualTo("0");
    }
}
