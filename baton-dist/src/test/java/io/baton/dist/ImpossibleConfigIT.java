package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration that can never work is refused through the API with the field at fault, and a
 * descriptor that became invalid while the node was down is shown as such, even with automatic startup.
 */
class ImpossibleConfigIT {

    private static final String BASE = """
            name: %s
            autoStart: true
            source: { path: in-%1$s }
            process: [ { type: copy } ]
            targets: [ { path: out-%1$s } ]
            """;

    @TempDir
    Path tmp;

    @Test
    void apiRefusesEachWithFieldAndReason() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("config");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            assertThat(deploy(node, BASE.formatted("first")).status()).as("a valid service").isEqualTo(201);

            Map<String, String[]> cases = Map.of(
                    BASE.formatted("hour25") + "schedule: { cron: \"0 0 25 * * *\", timeZone: Europe/Berlin }\n",
                    new String[] {"schedule.cron", "hour 25 is outside 0-23"},
                    BASE.formatted("zero") + "schedule: { every: 0s }\n",
                    new String[] {"schedule.every", "at least 100ms"},
                    BASE.formatted("feb30") + "schedule: { cron: \"0 0 0 30 2 *\" }\n",
                    new String[] {"schedule.cron", "never matches"},
                    BASE.formatted("loop") + "onSuccess: { archive: in-loop }\n",
                    new String[] {"onSuccess.archive", "in-loop"},
                    """
                    name: clash
                    source: { path: in-clash }
                    process: [ { type: copy } ]
                    targets: [ { path: out-first } ]
                    """,
                    new String[] {"targets", "first"},
                    BASE.formatted("short") + "stopGracePeriod: 10s\nlimits: { maxRunDuration: 5s }\n",
                    new String[] {"limits.maxRunDuration", "10s"},
                    """
                    name: sharer
                    source: { path: in-first }
                    process: [ { type: copy } ]
                    targets: [ { path: out-sharer } ]
                    """,
                    new String[] {"source.path", "also read by service first"},
                    BASE.formatted("internal").replace("path: out-internal", "path: state/out"),
                    new String[] {"targets[0].path", "own folder"});

            for (Map.Entry<String, String[]> c : cases.entrySet()) {
                NodeProcess.Response r = deploy(node, c.getKey());

                String what = c.getKey().lines().findFirst().orElseThrow();
                assertThat(r.status()).as("status for %s: %s", what, r.body()).isEqualTo(400);
                assertThat(r.body().path("field").asText()).as("field for %s", what).isEqualTo(c.getValue()[0]);
                assertThat(r.body().path("message").asText()).as("message for %s", what).contains(c.getValue()[1]);
            }
            JsonNode services = node.get("/api/services");
            assertThat(services).as("services after the refusals").hasSize(1);
        }
    }

    @Test
    void brokenWhileDownShownInvalidAndNeverRuns() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path folder = Files.createDirectories(cluster.data.resolve("services/nightly"));
            Files.writeString(folder.resolve("service.yaml"), BASE.formatted("nightly")
                    + "schedule: { cron: \"0 30 2 * * *\", timeZone: Europe/Atlantis }\n");
            Path mismatch = Files.createDirectories(cluster.data.resolve("services/mismatch"));
            Files.writeString(mismatch.resolve("service.yaml"), BASE.formatted("other"));
            Files.createDirectories(cluster.data.resolve("in-nightly"));
            Files.writeString(cluster.data.resolve("in-nightly/a.txt"), "a\n");
            NodeProcess node = cluster.node("down");

            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));

            JsonNode s = node.get("/api/services/nightly");
            assertThat(s.path("state").asText()).isEqualTo("INVALID");
            assertThat(s.path("reason").asText()).contains("service.yaml").contains("schedule.timeZone").contains("Europe/Atlantis");
            NodeProcess.CliResult status = node.cli("status", "nightly");
            assertThat(status.out()).contains("INVALID").contains("schedule.timeZone");
            assertThat(node.cli("trigger", "nightly").exitCode()).as("trigger of an invalid service").isEqualTo(1);
            JsonNode other = node.get("/api/services/mismatch");
            assertThat(other.path("state").asText()).as("a descriptor named unlike its folder").isEqualTo("INVALID");
            assertThat(other.path("reason").asText()).contains("field 'name' is 'other'");
            Thread.sleep(1_000);
            assertThat(cluster.data.resolve("in-nightly/a.txt")).as("the input, untouched").exists();
        }
    }

    private static NodeProcess.Response deploy(NodeProcess node, String yaml) {
        return node.call("POST", "/api/services", Map.of("fileName", "service.yaml", "descriptor", yaml));
    }
}
