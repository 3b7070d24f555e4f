package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names that collide: a second delivery of a name the archive already holds, a file that Baton did not
 * put at the exact archive name, the same name in two folders of a recursive source, and re-deliveries.
 */
class DispositionIT {

    @TempDir
    Path tmp;

    @Test
    void dailyFileArchivedUnderUniqueNames() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("daily");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = cluster.data.resolve("in");
            Files.createDirectories(in);
            cluster.deployAndStart(node, """
                    name: daily
                    source: { path: in }
                    process: [ { type: csv-to-jsonl } ]
                    targets: [ { path: out, name: "{basename}.{run}.jsonl" } ]
                    onSuccess: { archive: "archive/{yyyy}/{MM}/{dd}" }
                    """);
            LocalDate today = LocalDate.now();
            Path archive = cluster.data.resolve(String.format("archive/%04d/%02d/%02d", today.getYear(), today.getMonthValue(), today.getDayOfMonth()));

            Files.writeString(in.resolve("daily.csv"), "id\n1\n2\n3\n");
            JsonNode day1 = TestCluster.runOnce(node, "daily");
            assertThat(day1.path("committed").asInt()).as("day 1 items").isEqualTo(1);
            assertThat(Files.exists(archive.resolve("daily.run-" + day1.path("runId").asLong() + ".csv"))).as("day 1 archived").isTrue();

            // Day 2: the next run's exact archive name is already taken by a file Baton did not write.
            long nextRun = day1.path("runId").asLong() + 1;
            Path squatter = archive.resolve("daily.run-" + nextRun + ".csv");
            Files.writeString(squatter, "not Baton's\n");
            Files.writeString(in.resolve("daily.csv"), "id\n4\n5\n6\n7\n");
            JsonNode day2 = TestCluster.runOnce(node, "daily");
            assertThat(day2.path("runId").asLong()).as("day 2 run id").isEqualTo(nextRun);
            JsonNode item = TestCluster.itemsOf(node, day2).get(0);
            assertThat(item.path("state").asText()).as("day 2 item: " + item).isEqualTo("DISPOSED");
            assertThat(item.path("records").asLong()).as("day 2 records").isEqualTo(4);
            assertThat(Files.readString(squatter)).as("file at the exact archive name").isEqualTo("not Baton's\n");
            assertThat(Files.readString(archive.resolve("daily.run-" + nextRun + ".item-" + item.path("id").asLong() + ".csv")))
                    .as("day 2 archived beside it").isEqualTo("id\n4\n5\n6\n7\n");

            TestCluster.runOnce(node, "daily");
            TestCluster.runOnce(node, "daily");
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("out"))).as("outputs after two more runs").hasSize(2);
        }
    }

    @Test
    void sameNameInTwoFolders() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("sites");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = cluster.data.resolve("in");
            Files.createDirectories(in.resolve("siteA"));
            Files.createDirectories(in.resolve("siteB"));
            cluster.deployAndStart(node, """
                    name: sites
                    source: { path: in, recursive: true }
                    process: [ { type: csv-to-jsonl } ]
                    targets: [ { path: out, name: "{basename}.{run}.jsonl" } ]
                    onSuccess: { archive: archive }
                    """);
            Files.writeString(in.resolve("siteA/orders.csv"), "site\nA\n");
            Files.writeString(in.resolve("siteB/orders.csv"), "site\nB\n");

            JsonNode first = TestCluster.runOnce(node, "sites");
            List<String> paths = new ArrayList<>();
            TestCluster.itemsOf(node, first).forEach(i -> paths.add(i.path("relPath").asText()));
            assertThat(paths).as("journal identities").containsExactly("siteA/orders.csv", "siteB/orders.csv");
            long run = first.path("runId").asLong();
            assertThat(Files.readString(cluster.data.resolve("out/siteA/orders." + run + ".jsonl"))).isEqualTo("{\"site\":\"A\"}\n");
            assertThat(Files.readString(cluster.data.resolve("out/siteB/orders." + run + ".jsonl"))).isEqualTo("{\"site\":\"B\"}\n");

            // A changed file and a byte-identical re-delivery are both new deliveries.
            Files.writeString(in.resolve("siteA/orders.csv"), "site\nA2\n");
            Files.writeString(in.resolve("siteB/orders.csv"), "site\nB\n");
            JsonNode second = TestCluster.runOnce(node, "sites");
            assertThat(second.path("committed").asInt()).as("re-delivered items").isEqualTo(2);
            long run2 = second.path("runId").asLong();
            assertThat(Files.readString(cluster.data.resolve("out/siteA/orders." + run2 + ".jsonl"))).isEqualTo("{\"site\":\"A2\"}\n");
            assertThat(Files.readString(cluster.data.resolve("out/siteB/orders." + run2 + ".jsonl"))).isEqualTo("{\"site\":\"B\"}\n");
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("out"))).as("outputs").hasSize(4);
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("archive"))).as("archived inputs").hasSize(4);
        }
    }
}
