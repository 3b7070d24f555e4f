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
 * Folder pickup on one node with manual triggers: globs, order and the per-run limit; a kept input is
 * never processed twice; a re-delivery under the same name is processed again; an output name that
 * already exists is never replaced.
 */
class FolderPickupIT {

    @TempDir
    Path tmp;

    @Test
    void pickupFollowsIdentityAndNeverReplaces() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("pickup");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = cluster.data.resolve("in");
            Path out = cluster.data.resolve("out");
            Files.createDirectories(in);

            cluster.deployAndStart(node, """
                    name: limited
                    source: { path: in, include: "*.txt", exclude: ["*.part.txt"], maxFilesPerRun: 2 }
                    process: [ { type: copy } ]
                    targets: [ { path: out, name: "{basename}.{run}.txt" } ]
                    onSuccess: { archive: "archive/{yyyy}/{MM}/{dd}" }
                    """);
            for (String name : List.of("c.txt", "a.txt", "b.txt", "skip.part.txt", "other.csv")) {
                Files.writeString(in.resolve(name), "v1 " + name + "\n");
            }
            JsonNode first = runOnce(node, "limited");
            JsonNode firstItems = node.get("/api/runs/" + first.path("runId").asLong()).path("items");
            assertThat(firstItems).as("items of the first run").hasSize(2);
            assertThat(firstItems.get(0).path("relPath").asText()).isEqualTo("a.txt");
            assertThat(firstItems.get(1).path("relPath").asText()).isEqualTo("b.txt");
            runOnce(node, "limited");
            assertThat(Files.exists(in.resolve("c.txt"))).as("c.txt picked up by the second run").isFalse();
            assertThat(Files.exists(in.resolve("skip.part.txt"))).as("excluded file left alone").isTrue();
            assertThat(Files.exists(in.resolve("other.csv"))).as("file outside the include glob left alone").isTrue();

            Files.writeString(in.resolve("a.txt"), "v2 a.txt, a new delivery\n");
            JsonNode third = runOnce(node, "limited");
            assertThat(third.path("committed").asInt()).as("re-delivered a.txt processed").isEqualTo(1);
            List<String> contents = CrashConsistencyIT.filesUnder(out).stream().filter(p -> p.getFileName().toString().startsWith("a."))
                    .map(FolderPickupIT::read).sorted().toList();
            assertThat(contents).containsExactly("v1 a.txt\n", "v2 a.txt, a new delivery\n");

            Files.createDirectories(cluster.data.resolve("kept-in"));
            Files.writeString(cluster.data.resolve("kept-in/k.txt"), "keep me\n");
            cluster.deployAndStart(node, """
                    name: keeper
                    source: { path: kept-in }
                    process: [ { type: copy } ]
                    targets: [ { path: kept-out } ]
                    onSuccess: { keep: true }
                    """);
            for (int i = 0; i < 4; i++) {
                runOnce(node, "keeper");
            }
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("kept-out"))).as("outputs of a kept input").hasSize(1);
            assertThat(Files.exists(cluster.data.resolve("kept-in/k.txt"))).as("kept input").isTrue();

            Files.createDirectories(cluster.data.resolve("clash-in"));
            Files.createDirectories(cluster.data.resolve("clash-out"));
            Files.writeString(cluster.data.resolve("clash-out/x.txt"), "yesterday's output\n");
            Files.writeString(cluster.data.resolve("clash-in/x.txt"), "today\n");
            cluster.deployAndStart(node, """
                    name: clash
                    source: { path: clash-in }
                    process: [ { type: copy } ]
                    targets: [ { path: clash-out, name: "{name}" } ]
                    onSuccess: { delete: true }
                    """);
            JsonNode clash = runOnce(node, "clash");
            JsonNode item = node.get("/api/runs/" + clash.path("runId").asLong()).path("items").get(0);
            assertThat(item.path("state").asText()).as("item whose output name exists").isEqualTo("PUBLISH_BLOCKED");
            assertThat(item.path("error").asText()).contains("target file exists").contains("clash-out/x.txt");
            assertThat(Files.readString(cluster.data.resolve("clash-out/x.txt"))).as("existing output").isEqualTo("yesterday's output\n");
            assertThat(Files.readString(cluster.data.resolve("clash-in/x.txt"))).as("input of a blocked item").isEqualTo("today\n");
            runOnce(node, "clash");
            assertThat(Files.readString(cluster.data.resolve("clash-in/x.txt"))).as("blocked input is not processed again").isEqualTo("today\n");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }


    /** Triggers a run and waits for it to end; returns the service's last run. */
    static JsonNode runOnce(NodeProcess node, String service) throws Exception {
        long before = node.get("/api/services/" + service).path("lastRun").path("runId").asLong(0);
        NodeProcess.CliResult r = node.cli("trigger", service);
        assertThat(r.exitCode()).as("trigger " + service + ": " + r.err()).isZero();
        NodeProcess.await(Duration.ofSeconds(60), "run of " + service + " to end", () -> {
            JsonNode s = node.tryGet("/api/services/" + service);
            return !s.path("runInProgress").asBoolean(true) && s.path("lastRun").path("runId").asLong(0) > before;
        });
        return node.get("/api/services/" + service).path("lastRun");
    }
}
