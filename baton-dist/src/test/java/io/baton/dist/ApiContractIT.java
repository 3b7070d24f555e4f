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
 * schema: success, 400 naming the field, 401 without a login, 403 for a viewer, 404 and 409 on the active
 * node; on a passive node, the calls it serves itself, the calls it forwards to the active node, and 503
 * passive once the active node is killed. The test fails when a documented status was never provoked.
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
    private static final Map<String, String> SAMPLE_BODIES = Map.ofEntries(
            Map.entry("POST /api/services", json(Map.of("descriptor", "name: x"))),
            Map.entry("POST /api/items/{action}", json(Map.of("service", "x"))),
            Map.entry("POST /api/takeover", json(Map.of("confirmFenced", "x"))),
            Map.entry("POST /api/users", json(Map.of("name", "x", "role", "viewer", "password", "x"))),
            Map.entry("POST /api/tokens", json(Map.of("name", "x", "role", "viewer"))),
            Map.entry("PUT /api/users/{name}/password", json(Map.of("password", "x"))),
            Map.entry("PUT /api/services/{name}/settings/{key}", json(Map.of("value", "x"))),
            Map.entry("PUT /api/services/{name}/flags", json(Map.of("autoStart", "on"))),
            Map.entry("PUT /api/variables/{name}", json(Map.of("value", "x"))),
            Map.entry("POST /api/silences", json(Map.of("service", "x", "for", "1h", "reason", "x"))),
            Map.entry("POST /api/session", json(Map.of("user", "nobody", "password", "not-the-password"))));

    /**
     * Operations that a passive node serves itself. It forwards the other /api calls to the active node, and
     * never forwards /health or /metrics.
     */
    private static final Set<String> SERVED_BY_PASSIVE = Set.of("GET /api/cluster", "GET /api/node", "GET /api/routes",
            "POST /api/node/stop", "POST /api/takeover", "POST /api/session", "GET /api/session", "DELETE /api/session");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void everyDocumentedResponseMatchesNode() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Files.writeString(cluster.data.resolve("cluster.yaml"), TestCluster.LONG_LEASE_CLUSTER_YAML);
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

            checkNode(contract, operator, anonymous, viewer);
            checkAccounts(contract, operator);
            checkServices(contract, operator, cluster);
            checkSettings(contract, operator);
            checkItems(contract, operator, cluster);
            checkQueries(contract, operator);
            checkConsole(contract, operator, anonymous);
            checkAlerts(contract, operator);

            b.awaitRole("PASSIVE", Duration.ofSeconds(60));
            checkPassiveNode(contract, b);

            operator.check(contract, "POST /api/switchover", "/api/switchover", json(Map.of("to", "node-b", "timeout", "30s")), 200);
            a.awaitRole("PASSIVE", Duration.ofSeconds(30));
            checkOrphanedPassiveNode(contract, a, b);
            forceTakeover(contract, a);
            checkStop(contract, a);

            Set<String> missing = new TreeSet<>(contract.documentedResponses());
            missing.removeAll(contract.checkedResponses());
            assertThat(missing).as("documented responses that no call provoked").isEmpty();
        }
    }

    /**
     * Checks the passive node-b while node-a is active: the calls it serves itself answer there, and every
     * other /api call comes back from node-a with the forwarding header. Path parameters name nothing and
     * writes carry no body, so that each forwarded call is rejected and changes nothing; a switch-over
     * without a body would hand over, so it is left out.
     */
    private void checkPassiveNode(ApiContract contract, NodeProcess b) throws Exception {
        Caller passive = new Caller(b, "Bearer " + token(b));
        Caller anonymous = new Caller(b, null);
        HttpResponse<String> node = passive.send("GET", "/api/node", null);
        contract.checkLocal("GET /api/node", node, 200);
        assertThat(ApiContract.bodyOf(node).path("role").asText()).as("role in the node view of node-b").isEqualTo("PASSIVE");
        contract.checkLocal("GET /api/routes", passive.send("GET", "/api/routes", null), 200);
        contract.checkLocal("GET /api/cluster", passive.send("GET", "/api/cluster", null), 200);
        contract.checkLocal("POST /api/takeover", passive.send("POST", "/api/takeover", json(Map.of("confirmFenced", "node-a"))), 409);
        contract.checkLocal("POST /api/takeover", passive.send("POST", "/api/takeover", "{\"confirmFenced\": "), 400);
        contract.checkLocal("GET /metrics", passive.send("GET", "/metrics", null), 200);
        anonymous.check(contract, "GET /health/ready", "/health/ready", null, 200);
        anonymous.check(contract, "GET /health/active", "/health/active", null, 503);

        int forwarded = 0;
        for (String operation : contract.operations()) {
            if (!operation.contains(" /api/") || SERVED_BY_PASSIVE.contains(operation) || operation.equals("POST /api/switchover")) {
                continue;
            }
            contract.checkForwarded(operation, passive.send(operation.split(" ", 2)[0], concrete(operation), null), "node-a");
            forwarded++;
        }
        assertThat(forwarded).as("operations forwarded by node-b").isGreaterThan(40);
    }

    /**
     * Kills the active node-b and checks that the passive node-a, which cannot forward now, returns 503
     * passive for every forwarded call. The long lease keeps node-a passive meanwhile, which the role
     * check after the calls confirms.
     */
    private void checkOrphanedPassiveNode(ApiContract contract, NodeProcess a, NodeProcess b) throws Exception {
        b.kill9();
        Caller passive = new Caller(a, "Bearer " + token(a));
        for (String operation : contract.operationsWith(503)) {
            if (operation.contains(" /api/")) {
                HttpResponse<String> response = passive.send(operation.split(" ", 2)[0], concrete(operation), SAMPLE_BODIES.get(operation));
                contract.check(operation, response, 503);
                assertThat(ApiContract.bodyOf(response).path("error").asText()).as("error of " + operation + " on node-a").isEqualTo("passive");
            }
        }
        new Caller(a, null).check(contract, "GET /health/active", "/health/active", null, 503);
        assertThat(ApiContract.bodyOf(passive.send("GET", "/api/node", null)).path("role").asText())
                .as("node-a still passive, so the 503s above are not those of a takeover").isEqualTo("PASSIVE");
    }

    /**
     * Stops node-a through the API and watches /health/ready, which returns 503 with the role while the
     * node stops its services and before its API closes.
     */
    private void checkStop(ApiContract contract, NodeProcess a) throws Exception {
        Caller anonymous = new Caller(a, null);
        anonymous.check(contract, "GET /health/ready", "/health/ready", null, 200);
        new Caller(a, "Bearer " + token(a)).check(contract, "POST /api/node/stop", "/api/node/stop", null, 200);
        HttpResponse<String> stopping = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        // NOTE: relies on the stop of the services taking longer than one call, because the API closes at the end of the stop.
        while (stopping == null && System.nanoTime() < deadline) {
            HttpResponse<String> response = anonymous.send("GET", "/health/ready", null);
            if (response.statusCode() != 200) {
                stopping = response;
            }
        }
        assertThat(stopping).as("a /health/ready response other than 200 within 30 s of the stop").isNotNull();
        contract.check("GET /health/ready", stopping, 503);
        assertThat(stopping.body()).as("role in /health/ready of the stopping node").isEqualTo("stopping");
        assertThat(a.awaitExit(Duration.ofSeconds(60))).as("exit code of the stopped node").isZero();
    }

    private void checkNode(ApiContract contract, Caller operator, Caller anonymous, Caller viewer) throws Exception {
        anonymous.check(contract, "GET /health/live", "/health/live", null, 200);
        anonymous.check(contract, "GET /health/active", "/health/active", null, 200);
        anonymous.check(contract, "GET /health/ready", "/health/ready", null, 200);
        viewer.check(contract, "GET /metrics", "/metrics", null, 200);
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
        operator.checkField(contract, "GET /api/services/{name}/runs", "/api/services/svc/runs?limit=-1", null, "limit");

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

    private void checkSettings(ApiContract contract, Caller operator) throws Exception {
        operator.check(contract, "PUT /api/services/{name}/settings/{key}", "/api/services/svc/settings/greeting", json(Map.of("value", "hello")), 200);
        HttpResponse<String> secret = operator.send("PUT", "/api/services/svc/settings/apiKey", json(Map.of("value", "key-Secret-77", "secret", true)));
        contract.check("PUT /api/services/{name}/settings/{key}", secret, 200);
        assertThat(secret.body()).as("response to a secret setting").doesNotContain("key-Secret-77");
        operator.checkField(contract, "PUT /api/services/{name}/settings/{key}", "/api/services/svc/settings/greeting", json(Map.of("value", 5)), "value");
        operator.check(contract, "PUT /api/services/{name}/settings/{key}", "/api/services/no-such-service/settings/greeting", json(Map.of("value", "x")), 404);
        HttpResponse<String> settings = operator.send("GET", "/api/services/svc/settings", null);
        contract.check("GET /api/services/{name}/settings", settings, 200);
        assertThat(settings.body()).as("settings with a secret").doesNotContain("key-Secret-77");
        operator.check(contract, "GET /api/services/{name}/settings", "/api/services/no-such-service/settings", null, 404);
        operator.check(contract, "DELETE /api/services/{name}/settings/{key}", "/api/services/svc/settings/greeting", null, 200);
        operator.check(contract, "DELETE /api/services/{name}/settings/{key}", "/api/services/svc/settings/greeting", null, 404);

        operator.check(contract, "PUT /api/services/{name}/flags", "/api/services/svc/flags", json(Map.of("autoRestart", "off")), 200);
        operator.checkField(contract, "PUT /api/services/{name}/flags", "/api/services/svc/flags", json(Map.of("autoStart", "maybe")), "autoStart");
        operator.check(contract, "PUT /api/services/{name}/flags", "/api/services/no-such-service/flags", json(Map.of("autoStart", "on")), 404);

        operator.check(contract, "PUT /api/variables/{name}", "/api/variables/region", json(Map.of("value", "eu-west")), 200);
        operator.check(contract, "PUT /api/variables/{name}", "/api/variables/dbPassword", json(Map.of("value", "db-Secret-42", "secret", true)), 200);
        operator.checkField(contract, "PUT /api/variables/{name}", "/api/variables/region", json(Map.of("value", "x", "secret", "yes")), "secret");
        HttpResponse<String> variables = operator.send("GET", "/api/variables", null);
        contract.check("GET /api/variables", variables, 200);
        assertThat(variables.body()).as("variables with a secret").doesNotContain("db-Secret-42");
        operator.check(contract, "GET /api/variables/{name}", "/api/variables/dbPassword", null, 200);
        operator.check(contract, "GET /api/variables/{name}", "/api/variables/nothing", null, 404);
        operator.check(contract, "DELETE /api/variables/{name}", "/api/variables/region", null, 200);
        operator.check(contract, "DELETE /api/variables/{name}", "/api/variables/region", null, 404);
    }

    private void checkAlerts(ApiContract contract, Caller operator) throws Exception {
        operator.check(contract, "GET /api/alerts", "/api/alerts", null, 200);
        HttpResponse<String> added = operator.send("POST", "/api/silences", json(Map.of("service", "svc", "for", "1h", "reason", "maintenance")));
        contract.check("POST /api/silences", added, 201);
        String id = ApiContract.bodyOf(added).path("id").asText();
        operator.checkField(contract, "POST /api/silences", "/api/silences", json(Map.of("service", "svc", "for", "forever", "reason", "x")), "for");
        HttpResponse<String> nullBody = operator.send("POST", "/api/silences", "null");
        contract.check("POST /api/silences", nullBody, 400);
        assertThat(ApiContract.bodyOf(nullBody).path("error").asText()).as("error of a silence whose body is null").isEqualTo("invalid_request");
        operator.check(contract, "GET /api/silences", "/api/silences", null, 200);
        operator.check(contract, "DELETE /api/silences/{id}", "/api/silences/" + id, null, 200);
        operator.check(contract, "DELETE /api/silences/{id}", "/api/silences/" + id, null, 404);
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

    /** The console's redirect and login, and the listings that only its pages use. */
    private void checkConsole(ApiContract contract, Caller operator, Caller anonymous) throws Exception {
        anonymous.check(contract, "GET /", "/", null, 302);
        operator.check(contract, "POST /api/users", "/api/users", json(Map.of("name", "erin", "role", "operator", "password", "erin-Secret-42")), 201);
        HttpResponse<String> login = anonymous.send("POST", "/api/session", json(Map.of("user", "erin", "password", "erin-Secret-42")));
        contract.check("POST /api/session", login, 200);
        assertThat(login.headers().firstValue("Set-Cookie").orElse("")).as("session cookie").contains("HttpOnly").contains("SameSite=Strict");
        anonymous.checkField(contract, "POST /api/session", "/api/session", json(Map.of("user", "erin")), "password");
        operator.check(contract, "GET /api/session", "/api/session", null, 200);
        operator.check(contract, "DELETE /api/session", "/api/session", null, 200);
        operator.check(contract, "GET /api/items", "/api/items?state=QUARANTINED", null, 200);
        operator.checkField(contract, "GET /api/items", "/api/items?state=LOST", null, "state");
        operator.check(contract, "GET /api/stats", "/api/stats?hours=6", null, 200);
        operator.checkField(contract, "GET /api/stats", "/api/stats?hours=0", null, "hours");
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
        HttpResponse<String> logs = operator.send("GET", "/api/logs?service=plain&limit=20", null);
        contract.check("GET /api/logs", logs, 200);
        assertThat(ApiContract.bodyOf(logs).path("entries").size()).as("log entries of service plain").isPositive();
        operator.check(contract, "GET /api/logs", "/api/logs?node=node-a&level=info&limit=5", null, 200);
        operator.checkField(contract, "GET /api/logs", "/api/logs?level=loud", null, "level");
    }

    /**
     * Forces node-a to take over from the killed node-b. The takeover is rejected until node-a has watched
     * node-b's lease stay silent, so it is tried again until then.
     */
    private void forceTakeover(ApiContract contract, NodeProcess a) throws Exception {
        Caller operator = new Caller(a, "Bearer " + token(a));
        String request = json(Map.of("confirmFenced", "node-b"));
        List<HttpResponse<String>> last = new ArrayList<>(List.of(operator.send("POST", "/api/takeover", request)));
        NodeProcess.await(Duration.ofSeconds(30), "a forced takeover of the killed node-b", () -> {
            if (last.get(0).statusCode() == 200) {
                return true;
            }
            try {
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
