package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail of a real node: each management action once through the CLI and once through the API,
 * refused calls (unknown service, wrong state, bad request, no valid token), and a node stop, each found
 * in {@code GET /api/audit} exactly as often as it was made, with the actor, the address and the outcome.
 */
class AuditIT {

    private static final String SERVICE = """
            name: audited
            source: { path: in }
            process: [ { type: csv-to-jsonl } ]
            targets: [ { path: out, name: "{basename}.jsonl" } ]
            schedule: { every: 1h }
            """;

    @TempDir
    Path tmp;

    @Test
    void eachActionRecordedOnceWithOutcome() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("audit");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Files.createDirectories(cluster.data.resolve("in"));
            Path folder = cluster.serviceFolder("audited", SERVICE);

            // Through the CLI.
            for (String[] args : List.of(new String[] {"deploy", folder.toString()}, new String[] {"start", "audited"},
                    new String[] {"pause", "audited"}, new String[] {"resume", "audited"})) {
                NodeProcess.CliResult r = node.cli(args);
                assertThat(r.exitCode()).as("baton %s: %s", String.join(" ", args), r.err()).isZero();
                awaitNoRun(node);
            }
            int busyTriggers = triggerUntilStarted(() -> node.cli("trigger", "audited").exitCode() == 0);
            awaitNoRun(node);
            assertThat(node.cli("stop", "audited").exitCode()).as("stop").isZero();
            NodeProcess.CliResult unknownItem = node.cli("retry", "999999");
            assertThat(unknownItem.exitCode()).as("retry of an unknown item").isEqualTo(1);

            // Through the API.
            assertThat(node.call("POST", "/api/services", Map.of("descriptor", SERVICE)).status()).as("deploy").isEqualTo(201);
            NodeProcess.CliResult rolledBack = node.cli("rollback", "audited");
            assertThat(rolledBack.exitCode()).as("baton rollback: " + rolledBack.err()).isZero();
            for (String action : List.of("start", "pause", "resume", "trigger", "rollback", "stop")) {
                if (action.equals("trigger")) {
                    busyTriggers += triggerUntilStarted(() -> node.call("POST", "/api/services/audited/trigger", null).status() == 200);
                } else {
                    NodeProcess.Response r = node.call("POST", "/api/services/audited/" + action, null);
                    assertThat(r.status()).as("%s: %s", action, r.body()).isEqualTo(200);
                }
                awaitNoRun(node);
            }
            assertThat(node.call("POST", "/api/items/999999/retry", null).status()).as("retry of an unknown item").isEqualTo(404);
            assertThat(node.call("POST", "/api/items/retry", Map.of("service", "audited", "dryRun", true)).status()).as("dry run")
                    .isEqualTo(200);

            // Kill and undeploy, once each way.
            assertThat(node.cli("start", "audited").exitCode()).as("start before kill").isZero();
            assertThat(node.cli("kill", "audited").exitCode()).as("kill").isZero();
            assertThat(node.call("POST", "/api/services/audited/kill", null).status()).as("kill").isEqualTo(200);
            assertThat(node.cli("undeploy", "audited").exitCode()).as("undeploy").isZero();
            assertThat(node.call("POST", "/api/services", Map.of("descriptor", SERVICE)).status()).as("deploy again").isEqualTo(201);
            assertThat(node.call("DELETE", "/api/services/audited", null).status()).as("undeploy").isEqualTo(200);

            // Refused calls.
            assertThat(node.call("POST", "/api/services/ghost/start", null).status()).as("unknown service").isEqualTo(404);
            assertThat(node.call("POST", "/api/services", Map.of("descriptor", SERVICE)).status()).as("deploy a third time").isEqualTo(201);
            assertThat(node.call("POST", "/api/services/audited/resume", null).status()).as("resume of an unpaused schedule").isEqualTo(409);
            assertThat(node.call("POST", "/api/switchover", Map.of("timeout", "soon")).status()).as("invalid timeout").isEqualTo(400);
            // After five failed logins from one address, the login throttle answers 429 instead of 401.
            for (int i = 0; i < 15; i++) {
                assertThat(callWithoutToken(node, "/api/services/audited/stop")).as("call %d without a token", i).isEqualTo(i < 5 ? 401 : 429);
            }

            assertThat(node.cli("node", "stop").exitCode()).as("node stop").isZero();
            node.awaitExit(Duration.ofSeconds(60));
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            JsonNode rows = node.get("/api/audit?limit=1000");
            NodeProcess.CliResult listing = node.cli("audit", "--action", "deploy", "--outcome", "done");

            assertThat(count(rows, "deploy", "done", "api-token")).as("deploys").isEqualTo(4);
            for (String action : List.of("pause", "resume", "trigger", "rollback", "stop", "kill", "undeploy")) {
                assertThat(count(rows, action, "done", "api-token")).as("%s done", action).isEqualTo(2);
            }
            assertThat(count(rows, "start", "done", "api-token")).as("starts").isEqualTo(3);
            assertThat(count(rows, "trigger", "refused", "api-token")).as("triggers while a run was in progress").isEqualTo(busyTriggers);
            assertThat(count(rows, "retry", "refused", "api-token")).as("retries of an unknown item").isEqualTo(2);
            assertThat(count(rows, "retry", "done", "api-token")).as("dry run").isZero();
            assertThat(count(rows, "start", "refused", "api-token")).as("start of an unknown service").isEqualTo(1);
            assertThat(count(rows, "resume", "refused", "api-token")).as("resume in a wrong state").isEqualTo(1);
            assertThat(count(rows, "switch-over", "refused", "api-token")).as("switch-over with a bad request").isEqualTo(1);
            assertThat(count(rows, "stop", "refused", "anonymous")).as("calls without a token, bounded").isEqualTo(10);
            assertThat(count(rows, "node-stop", "done", "api-token")).as("node stop").isEqualTo(1);
            for (JsonNode row : rows) {
                assertThat(row.path("remoteAddress").asText()).as("address of row %s", row.path("id")).isIn("127.0.0.1", "[0:0:0:0:0:0:0:1]");
                assertThat(row.path("nodeId").asText()).as("node of row %s", row.path("id")).isEqualTo("audit");
            }
            JsonNode rollback = find(rows, "rollback", "audited");
            assertThat(rollback.path("version").asInt()).as("version of a rollback").isPositive();
            JsonNode ghost = find(rows, "start", "ghost");
            assertThat(ghost.path("status").asInt()).as("status of an unknown service").isEqualTo(404);
            assertThat(ghost.path("detail").asText()).contains("ghost is not deployed");
            assertThat(listing.exitCode()).as("baton audit: " + listing.err()).isZero();
            assertThat(listing.out().lines().filter(l -> l.contains(" deploy ")).count()).as("deploys listed by baton audit").isEqualTo(4);
        }
    }

    /**
     * Waits until the service is not starting and no run of it is in progress, so that the next action is
     * not rejected because of either.
     */
    private static void awaitNoRun(NodeProcess node) {
        NodeProcess.await(Duration.ofSeconds(60), "service settled with no run in progress", () -> {
            JsonNode s = node.tryGet("/api/services/audited");
            return !s.path("state").asText().equals("STARTING") && !s.path("runInProgress").asBoolean(true);
        });
    }

    /**
     * Triggers a run, again while one is in progress (a start or resume may begin one), and returns how
     * many triggers were rejected, each of which is a refused row.
     */
    private static int triggerUntilStarted(java.util.concurrent.Callable<Boolean> trigger) throws Exception {
        int rejected = 0;
        while (!trigger.call()) {
            rejected++;
            assertThat(rejected).as("triggers rejected while a run was in progress").isLessThan(20);
            Thread.sleep(500);
        }
        return rejected;
    }

    private static int callWithoutToken(NodeProcess node, String path) throws Exception {
        String port = Files.readString(node.home().resolve("run/api.port")).trim();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer wrong")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static long count(JsonNode rows, String action, String outcome, String actor) {
        List<JsonNode> matching = new ArrayList<>();
        rows.forEach(r -> {
            if (r.path("action").asText().equals(action) && r.path("outcome").asText().equals(outcome) && r.path("actor").asText().equals(actor)) {
                matching.add(r);
            }
        });
        return matching.size();
    }

    private static JsonNode find(JsonNode rows, String action, String service) {
        for (JsonNode r : rows) {
            if (r.path("action").asText().equals(action) && r.path("service").asText().equals(service)) {
                return r;
            }
        }
        throw new AssertionError("no " + action + " row of service " + service + " in " + rows);
    }
}
