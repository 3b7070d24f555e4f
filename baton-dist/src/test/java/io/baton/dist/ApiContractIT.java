package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every response documented in the node's OpenAPI document, provoked on real nodes and checked against its
 * schema: success, 400 naming the field, 401 without a login, 403 for a viewer, 404, 409, and 503 on a
 * passive node. The test fails when a documented status was never provoked.
 */
class ApiContractIT {

    /** A service with a schedule, for pause and resume, whose start begins with a scheduled run. */
    private static final String SERVICE = """
            name: svc
            schedule: { every: 1h }
            source: { path: inbox/svc }
            process: [ { type: copy } ]
            targets: [ { path: outbox/svc } ]
            """;

    /** A service without a schedule, so that only a trigger starts a run and its work item is archived. */
    private static final String PLAIN_SERVICE = """
            name: plain
            source: { path: inbox/plain }
            process: [ { type: copy } ]
            targets: [ { path: outbox/plain } ]
            onSuccess: { archive: archive/plain }
            """;

    /** A worker JVM that exits at once, because of an option that no JVM knows. */
    private static final String BROKEN_SERVICE = """
            name: broken
            jvm: { options: ["-XX:+NoSuchOptionForBaton"] }
            source: { path: inbox/broken }
            process: [ { type: copy } ]
            targets: [ { path: outbox/broken } ]
            """;

    /** Request bodies that get past body parsing, for the calls that check the login or the role. */
    private static final Map<String, String> SAMPLE_BODIES = Map.of(
            "POST /api/services", json(Map.of("descriptor", "name: x")),
            "POST /api/items/{action}", json(Map.of("service", "x")),
            "POST /api/takeover", json(Map.of("confirmFenced", "x")),
            "POST /api/users", json(Map.of("name", "x", "role", "viewer", "password", "x")),
            "POST /api/tokens", json(Map.of("name", "x", "role", "viewer")),
            "PUT /api/users/{name}/password", json(Map.of("password", "x")));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void everyDocumentedResponseMatchesNode() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess a = cluster.node("node-a");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Caller operator = new Caller(a, "Bearer " + token(a));
            ApiContract contract = new ApiContract(operator.send("GET", "/api/openapi.yaml", null).body());
            operator.check(contract, "GET /api/openapi.yaml", "/api/openapi.yaml", null, 200);

            // Before a second node runs, a switch-over finds no passive node to take over.
            operator.check(contract, "POST /api/switchover", "/api/switchover", json(Map.of("timeout", "1s")), 409);
            operator.checkField(contract, "POST /api/switchover", "/api/switchover", json(Map.of("timeout", "soon")), "timeout");
            NodeProcess b = cluster.node("node-b");
            b.start();

            String viewerSecret = a.cli("token", "create", "--name", "viewer-script", "--role", "viewer").out().trim();
            Caller viewer = new Caller(a, "Bearer " + viewerSecret);
            Caller anonymous = new Caller(a, null);
            for (String operation : contract.operationsWith(401)) {
                anonymous.check(contract, operation, concrete(operation), SAMPLE_BODIES.get(operation), 401);
            }
            for (String operation : contract.operationsWith(403)) {
                viewer.check(contract, operation, concrete(operation), SAMPLE_BODIES.get(operation), 403);
            }

            checkNode(contract, operator, anonymous);
            checkAccounts(contract, operator);
            checkServices(contract, operator, cluster);
            checkItems(contract, operator, cluster);
            checkQueries(contract, operator);

            b.awaitRole("PASSIVE", Duration.ofSeconds(60));
            Caller passive = new Caller(b, "Bearer " + token(b));
            for (String operation : contract.operationsWith(503)) {
                if (!operation.startsWith("GET /health/")) {
                    passive.check(contract, operation, concrete(operation), SAMPLE_BODIES.get(operation), 503);
                }
            }
            new Caller(b, null).check(contract, "GET /health/active", "/health/active", null, 503);
            passive.check(contract, "POST /api/takeover", "/api/takeover", json(Map.of("confirmFenced", "node-a")), 409);
            passive.check(contract, "POST /api/takeover", "/api/takeover", "{\"confirmFenced\": ", 400);

            operator.check(contract, "POST /api/switchover", "/api/switchover", json(Map.of("to", "node-b", "timeout", "30s")), 200);
            a.awaitRole("PASSIVE", Duration.ofSeconds(30));
            forceTakeover(contract, a, b);
            new Caller(a, "Bearer " + token(a)).check(contract, "POST /api/node/stop", "/api/node/stop", null, 200);
            assertThat(a.awaitExit(Duration.ofSeconds(60))).as("exit code of the stopped node").isZero();

            Set<String> missing = new TreeSet<>(contract.documentedResponses());
            missing.removeAll(contract.checkedResponses());
            assertThat(missing).as("documented responses that no call provoked").isEmpty();
        }
    }

    private void checkNode(ApiContract contract, Caller operator, Caller anonymous) throws Exception {
        anonymous.check(contract, "GET /health/live", "/health/live", null, 200);
        anonymous.check(contract, "GET /health/active", "/health/active", null, 200);
        operator.check(contract, "GET /api/node", "/api/node", null, 200);
        operator.check(contract, "GET /api/routes", "/api/routes", null, 200);
        operator.check(contract, "GET /api/cluster", "/api/cluster", null, 200);
        operator.check(contract, "GET /api/role-changes", "/api/role-changes", null, 200);
        operator.checkField(contract, "GET /api/role-changes", "/api/role-changes?limit=0", null, "limit");
        operator.check(contract, "GET /api/cron", "/api/cron?expression=0+30+2+*+*+*&timeZone=Europe/Berlin", null, 200);
        operator.checkField(contract, "GET /api/cron", "/api/cron?expression=0+30+25+*+*+*", null, "expression");
    }

    private void checkAccounts(ApiContract contract, Caller operator) throws Exception {
        String carol = json(Map.of("name", "carol", "role", "viewer", "password", "carol-Secret-99"));
        operator.check(contract, "GET /api/users", "/api/users", null, 200);
        operator.check(contract, "POST /api/users", "/api/users", carol, 201);
        operator.check(contract, "POST /api/users", "/api/users", carol, 409);
        operator.checkField(contract, "POST /api/users", "/api/users", json(Map.of("name", "dave", "role", "viewer", "password", "short")), "password");
        operator.check(contract, "PUT /api/users/{name}/password", "/api/users/carol/password", json(Map.of("password", "carol-Secret-100")), 200);
        operator.checkField(contract, "PUT /api/users/{name}/password", "/api/users/carol/password", json(Map.of("password", "short")), "password");
        operator.check(contract, "PUT /api/users/{name}/password", "/api/users/nobody/password", json(Map.of("password", "nobody-Secret-1")), 404);
        operator.check(contract, "DELETE /api/users/{name}", "/api/users/carol", null, 200);
        operator.check(contract, "DELETE /api/users/{name}", "/api/users/carol", null, 404);

        String report = json(Map.of("name", "report", "role", "viewer", "expires", "30d"));
        operator.check(contract, "GET /api/tokens", "/api/tokens", null, 200);
        operator.check(contract, "POST /api/tokens", "/api/tokens", report, 201);
        operator.check(contract, "POST /api/tokens", "/api/tokens", report, 409);
        operator.checkField(contract, "POST /api/tokens", "/api/tokens", json(Map.of("name", "later", "role", "viewer", "expires", "soon")), "expires");
        operator.check(contract, "DELETE /api/tokens/{name}", "/api/tokens/report", null, 200);
        operator.check(contract, "DELETE /api/tokens/{name}", "/api/tokens/report", null, 404);
    }

    private void checkServices(ApiContract contract, Caller operator, TestCluster cluster) throws Exception {
        Files.createDirectories(cluster.data.resolve("inbox/plain"));
        Files.writeString(cluster.data.resolve("inbox/plain/first.txt"), "first\n");
        operator.check(contract, "POST /api/services", "/api/services", json(Map.of("descriptor", SERVICE)), 201);
        operator.check(contract, "POST /api/services", "/api/services", json(Map.of("descriptor", SERVICE.replace("every: 1h", "every: 2h"))), 201);
        operator.check(contract, "POST /api/services", "/api/services", json(Map.of("descriptor", PLAIN_SERVICE)), 201);
        operator.check(contract, "POST /api/services", "/api/services", json(Map.of("descriptor", BROKEN_SERVICE)), 201);
        operator.checkField(contract, "POST /api/services", "/api/services", json(Map.of("descriptor", "name: bad\nsource: { path: inbox/bad }\n")), null);
        operator.check(contract, "GET /api/services", "/api/services", null, 200);
        String oversized = PLAIN_SERVICE + "# " + "x".repeat(2_000_000) + "\n";
        HttpResponse<String> tooLarge = operator.send("POST", "/api/services", json(Map.of("descriptor", oversized)));
        contract.check("POST /api/services", tooLarge, 413);
        assertThat(ApiContract.bodyOf(tooLarge).path("error").asText()).as("error of an oversized deploy").isEqualTo("request_too_large");

        for (String action : new String[] {"start", "stop", "kill", "pause", "resume", "trigger"}) {
            operator.check(contract, "POST /api/services/{name}/" + action, "/api/services/no-such-service/" + action, null, 404);
        }
        operator.check(contract, "POST /api/services/{name}/trigger", "/api/services/plain/trigger", null, 409);
        operator.check(contract, "POST /api/services/{name}/pause", "/api/services/plain/pause", null, 409);
        operator.check(contract, "POST /api/services/{name}/start", "/api/services/broken/start", null, 409);
        operator.check(contract, "POST /api/services/{name}/start", "/api/services/plain/start", null, 200);
        operator.check(contract, "POST /api/services/{name}/trigger", "/api/services/plain/trigger", null, 200);
        awaitIdle(operator, "plain");

        operator.check(contract, "POST /api/services/{name}/start", "/api/services/svc/start", null, 200);
        operator.check(contract, "POST /api/services/{name}/resume", "/api/services/svc/resume", null, 409);
        operator.check(contract, "POST /api/services/{name}/pause", "/api/services/svc/pause", null, 200);
        operator.check(contract, "POST /api/services/{name}/resume", "/api/services/svc/resume", null, 200);
        awaitIdle(operator, "svc");

        operator.check(contract, "GET /api/services/{name}", "/api/services/svc", null, 200);
        operator.check(contract, "GET /api/services/{name}", "/api/services/no-such-service", null, 404);
        for (String query : new String[] {"waiting", "slots", "runs", "versions"}) {
            operator.check(contract, "GET /api/services/{name}/" + query, "/api/services/svc/" + query, null, 200);
            operator.check(contract, "GET /api/services/{name}/" + query, "/api/services/no-such-service/" + query, null, 404);
        }
        operator.checkField(contract, "GET /api/services/{name}/slots", "/api/services/svc/slots?limit=0", null, "limit");
        operator.checkField(contract, "GET /api/services/{name}/runs", "/api/services/svc/runs?limit=many", null, "limit");

        operator.check(contract, "POST /api/services/{name}/rollback", "/api/services/svc/rollback", null, 200);
        operator.checkField(contract, "POST /api/services/{name}/rollback", "/api/services/svc/rollback", json(Map.of("version", 0)), "version");
        operator.check(contract, "POST /api/services/{name}/rollback", "/api/services/no-such-service/rollback", null, 404);
        operator.check(contract, "GET /api/services/{name}/export", "/api/services/svc/export?version=1", null, 200);
        operator.checkField(contract, "GET /api/services/{name}/export", "/api/services/svc/export?version=0", null, "version");
        operator.check(contract, "GET /api/services/{name}/export", "/api/services/svc/export?version=99", null, 404);

        awaitIdle(operator, "svc");
        operator.check(contract, "POST /api/services/{name}/stop", "/api/services/svc/stop", null, 200);
        operator.check(contract, "POST /api/services/{name}/kill", "/api/services/svc/kill", null, 200);
        operator.check(contract, "DELETE /api/services/{name}", "/api/services/broken", null, 200);
        operator.check(contract, "DELETE /api/services/{name}", "/api/services/broken", null, 404);
    }

    private void checkItems(ApiContract contract, Caller operator, TestCluster cluster) throws Exception {
        long runId = 0;
        for (JsonNode run : ApiContract.bodyOf(operator.send("GET", "/api/services/plain/runs?limit=50", null))) {
            if (run.path("itemsCommitted").asLong() > 0) {
                runId = run.path("id").asLong();
            }
        }
        long itemId = ApiContract.bodyOf(operator.send("GET", "/api/runs/" + runId, null)).path("items").path(0).path("id").asLong();
        assertThat(itemId).as("work item of run " + runId).isPositive();

        operator.check(contract, "GET /api/runs/{id}", "/api/runs/" + runId, null, 200);
        operator.checkField(contract, "GET /api/runs/{id}", "/api/runs/first", null, "id");
        operator.check(contract, "GET /api/runs/{id}", "/api/runs/999999", null, 404);
        operator.check(contract, "GET /api/items/{id}", "/api/items/" + itemId, null, 200);
        operator.checkField(contract, "GET /api/items/{id}", "/api/items/first", null, "item");
        operator.check(contract, "GET /api/items/{id}", "/api/items/999999", null, 404);
        operator.check(contract, "GET /api/items/{id}/lineage", "/api/items/" + itemId + "/lineage", null, 200);
        operator.checkField(contract, "GET /api/items/{id}/lineage", "/api/items/first/lineage", null, "item");
        operator.check(contract, "GET /api/items/{id}/lineage", "/api/items/999999/lineage", null, 404);

        // The item was archived (DISPOSED): retry does not apply to it, reprocess links the archived copy back.
        operator.check(contract, "POST /api/items/{id}/{action}", "/api/items/" + itemId + "/retry", null, 409);
        operator.check(contract, "POST /api/items/{id}/{action}", "/api/items/" + itemId + "/reprocess", null, 200);
        assertThat(cluster.data.resolve("inbox/plain/first.txt")).as("input linked back by reprocess").exists();
        operator.checkField(contract, "POST /api/items/{id}/{action}", "/api/items/first/retry", null, "item");
        operator.check(contract, "POST /api/items/{id}/{action}", "/api/items/999999/retry", null, 404);

        operator.check(contract, "POST /api/items/{action}", "/api/items/retry", json(Map.of("service", "plain", "dryRun", true)), 200);
        operator.checkField(contract, "POST /api/items/{action}", "/api/items/retry", json(Map.of("dryRun", true)), "service");
        operator.check(contract, "POST /api/items/{action}", "/api/items/retry", json(Map.of("service", "no-such-service")), 404);
    }

    private void checkQueries(ApiContract contract, Caller operator) throws Exception {
        operator.check(contract, "GET /api/actions", "/api/actions?service=plain", null, 200);
        operator.checkField(contract, "GET /api/actions", "/api/actions?limit=0", null, "limit");
        operator.check(contract, "GET /api/audit", "/api/audit?limit=100", null, 200);
        operator.checkField(contract, "GET /api/audit", "/api/audit?outcome=maybe", null, "outcome");
        operator.check(contract, "GET /api/lineage", "/api/lineage?service=plain", null, 200);
        operator.checkField(contract, "GET /api/lineage", "/api/lineage?sha256=xyz", null, "sha256");
        operator.check(contract, "GET /api/lineage/export", "/api/lineage/export?service=plain", null, 200);
        operator.check(contract, "GET /api/lineage/export", "/api/lineage/export?service=plain&format=csv", null, 200);
        operator.checkField(contract, "GET /api/lineage/export", "/api/lineage/export?format=xml", null, "format");
    }

    /**
     * Forces node-a to take over from node-b, SIGSTOPped as the fence. The takeover is rejected until the
     * stop is visible in the process state and node-b's lease stays silent, so it is tried again until
     * then; a holder stopped inside a journal transaction keeps SQLite's lock and is killed instead.
     */
    private void forceTakeover(ApiContract contract, NodeProcess a, NodeProcess b) throws Exception {
        b.signal("STOP");
        Caller operator = new Caller(a, "Bearer " + token(a));
        String request = json(Map.of("confirmFenced", "node-b"));
        List<HttpResponse<String>> last = new ArrayList<>(List.of(operator.send("POST", "/api/takeover", request)));
        NodeProcess.await(Duration.ofSeconds(30), "a forced takeover of the stopped node-b", () -> {
            HttpResponse<String> response = last.get(0);
            if (response.statusCode() == 200) {
                return true;
            }
            try {
                if (response.body().contains("still locked")) {
                    b.kill9();
                }
                last.set(0, operator.send("POST", "/api/takeover", request));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("forced takeover call failed: " + e, e);
            }
            return last.get(0).statusCode() == 200;
        });
        contract.check("POST /api/takeover", last.get(0), 200);
        a.awaitRole("ACTIVE", Duration.ofSeconds(30));
    }

    private static void awaitIdle(Caller operator, String service) {
        NodeProcess.await(Duration.ofSeconds(60), "service " + service + " to end its run", () -> {
            try {
                return !ApiContract.bodyOf(operator.send("GET", "/api/services/" + service, null)).path("runInProgress").asBoolean(true);
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
    }

    /** Fills the path parameters with values that name nothing, so that no call acts on real state. */
    private static String concrete(String operation) {
        return operation.split(" ", 2)[1].replace("{id}", "999999").replace("{action}", "retry").replaceAll("\\{[^}]+}", "no-such-name");
    }

    private static String token(NodeProcess node) throws IOException {
        return Files.readString(node.home().resolve("run/api.token")).trim();
    }

    private static String json(Map<String, ?> body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Calls on one node with one login (none when {@code authorization} is null). */
    private final class Caller {
        private final NodeProcess node;
        private final String authorization;

        Caller(NodeProcess node, String authorization) {
            this.node = node;
            this.authorization = authorization;
        }

        HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
            String base = "http://127.0.0.1:" + Files.readString(node.home().resolve("run/api.port")).trim();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }

        void check(ApiContract contract, String operation, String path, String body, int status) throws IOException, InterruptedException {
            contract.check(operation, send(operation.split(" ", 2)[0], path, body), status);
        }

        /** Checks a 400 that names the field at fault; {@code field} null accepts any field, as for a descriptor error. */
        void checkField(ApiContract contract, String operation, String path, String body, String field) throws IOException, InterruptedException {
            HttpResponse<String> response = send(operation.split(" ", 2)[0], path, body);
            contract.check(operation, response, 400);
            String named = ApiContract.bodyOf(response).path("field").asText(null);
            if (field == null) {
                assertThat(named).as("field named by " + operation + ": " + response.body()).isNotBlank();
            } else {
                assertThat(named).as("field named by " + operation + ": " + response.body()).isEqualTo(field);
            }
        }
    }
}
