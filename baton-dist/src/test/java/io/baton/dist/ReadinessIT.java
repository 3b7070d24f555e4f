package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness: a file still being written, whose writer restores a three-day-old modification time after
 * every append, is not taken until it has been stable for the configured time as observed by the node;
 * meanwhile 'baton waiting' says why. With a done-file rule nothing happens until the done file exists.
 */
class ReadinessIT {

    static final int LINES = 40;

    @TempDir
    Path tmp;

    @Test
    void growingFileWaitsUntilStable() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path inbox = cluster.data.resolve("in");
            Files.createDirectories(inbox);
            NodeProcess node = cluster.node("ready");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, """
                    name: stable
                    schedule: { every: 200ms }
                    source: { path: in, include: "*.csv", ready: { stableFor: 2s } }
                    process: [ { type: csv-to-jsonl } ]
                    targets: [ { path: out, name: "{basename}.jsonl" } ]
                    onSuccess: { delete: true }
                    """);

            Path big = inbox.resolve("big.csv");
            FileTime threeDaysAgo = FileTime.from(Instant.now().minus(3, ChronoUnit.DAYS));
            Files.writeString(big, "id,value\n", StandardCharsets.UTF_8);
            Files.setLastModifiedTime(big, threeDaysAgo);
            boolean sawWaiting = false;
            long lastWrite = System.nanoTime();
            // The CLI starts a JVM, which takes seconds on a loaded machine. It runs on a thread of its own,
            // because a writer that stalls for stableFor makes the half-written file look stable.
            Future<NodeProcess.CliResult> cliWaiting;
            try (ExecutorService cliThread = Executors.newSingleThreadExecutor()) {
                cliWaiting = cliThread.submit(() -> node.cli("waiting", "stable"));
                for (int i = 1; i <= LINES; i++) {
                    Files.writeString(big, i + ",v" + i + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    Files.setLastModifiedTime(big, threeDaysAgo);
                    lastWrite = System.nanoTime();
                    Thread.sleep(100);
                    assertThat(Files.exists(cluster.data.resolve("out/big.jsonl"))).as("output while the file grows, line " + i).isFalse();
                    if (i % 10 == 0) {
                        sawWaiting |= waitingReasons(node.get("/api/services/stable/waiting"), "big.csv").contains("not stable yet");
                    }
                }
            }
            long writesEnded = lastWrite;
            assertThat(sawWaiting).as("the waiting list of the API said why big.csv waits").isTrue();
            assertThat(cliWaiting.get().out()).as("'baton waiting' while big.csv grows").contains("big.csv").contains("not stable yet");

            NodeProcess.await(Duration.ofSeconds(30), "the output", () -> Files.exists(cluster.data.resolve("out/big.jsonl")));
            long waitedMillis = (System.nanoTime() - writesEnded) / 1_000_000;
            assertThat(waitedMillis).as("time from the last write to the output, stableFor 2 s").isGreaterThanOrEqualTo(1_900);
            NodeProcess.await(Duration.ofSeconds(30), "the input to be deleted", () -> !Files.exists(big));
            assertThat(Files.readAllLines(cluster.data.resolve("out/big.jsonl"))).as("records").hasSize(LINES);
        }
    }

    /** Returns the reasons that a waiting list from {@code /api/services/NAME/waiting} gives for one file, joined by newlines. */
    private static String waitingReasons(JsonNode waiting, String relPath) {
        StringBuilder reasons = new StringBuilder();
        for (JsonNode file : waiting) {
            if (file.path("relPath").asText().equals(relPath)) {
                reasons.append(file.path("reason").asText()).append('\n');
            }
        }
        return reasons.toString();
    }

    @Test
    void doneFileGatesPickup() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path inbox = cluster.data.resolve("in");
            Files.createDirectories(inbox);
            NodeProcess node = cluster.node("done");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, """
                    name: gated
                    schedule: { every: 200ms }
                    source: { path: in, ready: { doneFile: "{name}.done" } }
                    process: [ { type: copy } ]
                    targets: [ { path: out } ]
                    onSuccess: { delete: true }
                    """);
            Files.writeString(inbox.resolve("orders.csv"), "complete content\n");
            Thread.sleep(2_000);
            assertThat(Files.exists(cluster.data.resolve("out/orders.csv"))).as("output without a done file").isFalse();
            assertThat(node.cli("waiting", "gated").out()).contains("orders.csv").contains("orders.csv.done");

            Files.writeString(inbox.resolve("orders.csv.done"), "");
            NodeProcess.await(Duration.ofSeconds(30), "the output", () -> Files.exists(cluster.data.resolve("out/orders.csv")));
            Thread.sleep(1_000);
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("out"))).as("outputs; the done file is no input").hasSize(1);
            assertThat(Files.exists(inbox.resolve("orders.csv.done"))).as("done file left in place").isTrue();
        }
    }
}
