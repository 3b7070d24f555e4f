package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules on real node processes: cron slots with their offsets, the misfire policy after all nodes
 * were down and after a failover, and ticks that fall inside a running run.
 */
class ScheduleIT {

    @TempDir
    Path tmp;

    @Test
    void cronRunsInItsZoneAndShowsNextSlotsWithOffsets() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("cron");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Files.createDirectories(cluster.data.resolve("in"));
            cluster.deployAndStart(node, """
                    name: berlin
                    schedule: { cron: "*/2 * * * * *", timeZone: Europe/Berlin }
                    source: { path: in }
                    process: [ { type: copy } ]
                    targets: [ { path: out } ]
                    onSuccess: { delete: true }
                    """);
            Files.writeString(cluster.data.resolve("in/a.txt"), "a\n");
            NodeProcess.await(Duration.ofSeconds(30), "the output", () -> Files.exists(cluster.data.resolve("out/a.txt")));

            NodeProcess.CliResult status = node.cli("status", "berlin");
            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.out()).contains("cron */2 * * * * * Europe/Berlin").contains("misfire run-once").contains("next slots:");
            List<String> next = status.out().lines().filter(l -> l.startsWith("  20")).map(String::trim).toList();
            assertThat(next).hasSize(5);
            for (String slot : next) {
                OffsetDateTime t = OffsetDateTime.parse(slot);
                assertThat(t.getOffset()).isEqualTo(java.time.ZoneId.of("Europe/Berlin").getRules().getOffset(t.toInstant()));
                assertThat(t.getSecond() % 2).isZero();
            }

            List<JsonNode> fired = slots(node, "berlin", s -> s.path("outcome").asText().equals("FIRED"));
            assertThat(fired).as("fired slots").isNotEmpty();
            assertThat(fired.stream().anyMatch(s -> !s.path("runId").isNull())).as("a fired slot linked to the run that took a.txt").isTrue();

            NodeProcess.CliResult preview = node.cli("cron", "0 30 2 * * *", "--zone", "America/New_York", "--count", "3");
            assertThat(preview.exitCode()).as(preview.err()).isZero();
            assertThat(preview.out()).containsPattern("T02:30:00-0[45]:00");
            NodeProcess.CliResult bad = node.cli("cron", "0 0 25 * * *");
            assertThat(bad.exitCode()).as("exit code of an invalid expression, a usage error").isEqualTo(2);
            assertThat(bad.err()).contains("hour 25 is outside 0-23");
            NodeProcess.Response response = node.call("GET", "/api/cron?expression=0+0+25+*+*+*", null);
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.body().path("field").asText()).isEqualTo("expression");
        }
    }

    @Test
    void downtimeRunsOnceWithRunOnceAndNothingWithSkip() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("solo");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Files.createDirectories(cluster.data.resolve("in1"));
            Files.createDirectories(cluster.data.resolve("in2"));
            cluster.deployAndStart(node, every3s("catchup", "run-once", "in1"));
            cluster.deployAndStart(node, every3s("skipper", "skip", "in2"));
            NodeProcess.await(Duration.ofSeconds(30), "two fired slots each", () -> slots(node, "catchup", fired()).size() >= 2
                    && slots(node, "skipper", fired()).size() >= 2);

            node.kill9();
            Thread.sleep(12_000);
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Predicate<JsonNode> misfire = s -> s.path("detail").asText().contains("misfire");
            NodeProcess.await(Duration.ofSeconds(60), "both services applying their misfire policy",
                    () -> !slots(node, "catchup", misfire).isEmpty() && !slots(node, "skipper", misfire).isEmpty());

            List<JsonNode> catchup = slots(node, "catchup", s -> true);
            List<JsonNode> misfired = catchup.stream().filter(s -> s.path("detail").asText().contains("misfire run-once")).toList();
            assertThat(misfired.stream().filter(fired())).as("catch-up runs: " + catchup).hasSize(1);
            assertThat(catchup.stream().filter(s -> s.path("outcome").asText().equals("MISSED")).count())
                    .as("missed slots recorded: " + catchup).isGreaterThanOrEqualTo(3);
            List<JsonNode> skipper = slots(node, "skipper", s -> true);
            assertThat(skipper.stream().filter(s -> s.path("detail").asText().contains("misfire")).map(s -> s.path("outcome").asText()))
                    .as("slots of the skipped catch-up: " + skipper).allMatch("MISSED"::equals).hasSizeGreaterThanOrEqualTo(4);

            // No burst: the catch-up run and the regular runs after it keep the interval's spacing.
            List<OffsetDateTime> firedTimes = slots(node, "catchup", fired()).stream()
                    .map(x -> OffsetDateTime.parse(x.path("slot").asText())).sorted().toList();
            for (int i = 1; i < firedTimes.size(); i++) {
                assertThat(Duration.between(firedTimes.get(i - 1), firedTimes.get(i))).as("spacing of fired slots " + firedTimes)
                        .isGreaterThanOrEqualTo(Duration.ofMillis(2_900));
            }

            // Both go on with their regular slots.
            int firedBefore = slots(node, "skipper", fired()).size();
            NodeProcess.await(Duration.ofSeconds(15), "the next regular slot of skipper", () -> slots(node, "skipper", fired()).size() > firedBefore);
        }
    }

    @Test
    void failoverAppliesMisfireOnceAndNeverReplaysOldSlots() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Files.createDirectories(cluster.data.resolve("in"));
            Path svc = cluster.serviceFolder("ticker", """
                    name: ticker
                    autoStart: true
                    schedule: { every: 1s, misfire: run-once }
                    source: { path: in }
                    process: [ { type: copy } ]
                    targets: [ { path: out } ]
                    onSuccess: { delete: true }
                    """);
            NodeProcess a = cluster.node("node-a");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            assertThat(a.cli("deploy", svc.toString()).exitCode()).isZero();
            assertThat(a.cli("start", "ticker").exitCode()).isZero();
            NodeProcess b = cluster.node("node-b");
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            NodeProcess.await(Duration.ofSeconds(30), "three slots on node-a", () -> slots(a, "ticker", fired()).size() >= 3);

            a.kill9();
            b.awaitRole("ACTIVE", Duration.ofSeconds(30));
            NodeProcess.await(Duration.ofSeconds(15), "three slots on node-b",
                    () -> slots(b, "ticker", s -> s.path("nodeId").asText().equals("node-b") && fired().test(s)).size() >= 3);

            List<JsonNode> all = slots(b, "ticker", s -> true);
            List<JsonNode> ofA = all.stream().filter(s -> s.path("nodeId").asText().equals("node-a")).toList();
            List<JsonNode> ofB = all.stream().filter(s -> s.path("nodeId").asText().equals("node-b")).toList();
            OffsetDateTime lastOfA = ofA.stream().map(s -> OffsetDateTime.parse(s.path("slot").asText())).max(OffsetDateTime::compareTo).orElseThrow();
            OffsetDateTime firstOfB = ofB.stream().map(s -> OffsetDateTime.parse(s.path("slot").asText())).min(OffsetDateTime::compareTo).orElseThrow();
            assertThat(firstOfB).as("node-b starts after node-a's last slot: " + all).isAfter(lastOfA);
            // The lease takes seconds to expire: several slots pass, and exactly one catch-up run covers them.
            assertThat(ofB.stream().filter(s -> s.path("detail").asText().contains("misfire run-once") && fired().test(s)).count())
                    .as("catch-up runs on node-b: " + ofB).isEqualTo(1);
            assertThat(ofB.stream().filter(s -> s.path("outcome").asText().equals("MISSED")).count()).as("missed on node-b").isPositive();
        }
    }

    @Test
    void tickDuringRunIsSkippedAndRecorded() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("busy");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Files.createDirectories(cluster.data.resolve("in"));
            Files.writeString(cluster.data.resolve("in/slow.txt"), "slow\n");
            cluster.deployAndStart(node, """
                    name: slowpoke
                    schedule: { every: 500ms }
                    source: { path: in }
                    process:
                      - type: class
                        class: io.baton.testkit.steps.SlowCopyStep
                        settings: { delayMillis: "4000" }
                    targets: [ { path: out } ]
                    onSuccess: { delete: true }
                    """);
            NodeProcess.await(Duration.ofSeconds(30), "the slow output", () -> Files.exists(cluster.data.resolve("out/slow.txt")));

            List<JsonNode> skipped = slots(node, "slowpoke", s -> s.path("outcome").asText().equals("SKIPPED_BUSY"));
            assertThat(skipped.size()).as("slots skipped during the 4 s item").isGreaterThanOrEqualTo(4);
            assertThat(skipped.get(0).path("detail").asText()).contains("in progress");
            assertThat(node.cli("schedule", "slowpoke").out()).contains("SKIPPED_BUSY");
        }
    }

    private static String every3s(String name, String misfire, String inbox) {
        return """
                name: %s
                autoStart: true
                schedule: { every: 3s, misfire: %s }
                source: { path: %s }
                process: [ { type: copy } ]
                targets: [ { path: out-%s } ]
                onSuccess: { delete: true }
                """.formatted(name, misfire, inbox, name);
    }

    private static Predicate<JsonNode> fired() {
        return s -> s.path("outcome").asText().equals("FIRED");
    }

    private static List<JsonNode> slots(NodeProcess node, String service, Predicate<JsonNode> filter) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode body = node.tryGet("/api/services/" + service + "/slots?limit=1000");
        if (body == null || !body.isArray()) {
            return out;
        }
        for (JsonNode s : body) {
            if (filter.test(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
