package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins and roles on a real node: every route of the API without a login, as a viewer and as an
 * operator; the throttle after wrong passwords; and no password or token in any log or response.
 */
class UsersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_PASSWORD = "admin-Secret-4711";
    private static final String VIEWER_PASSWORD = "viewer-Secret-0815";
    private static final String WRONG_PASSWORD = "wrong-Secret-1234";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Every response body of the test, searched at the end for the secrets it set. */
    private final StringBuilder responses = new StringBuilder();

    @TempDir
    Path tmp;

    private record Reply(int status, String body, HttpResponse<String> response) {
        String error() throws IOException {
            return JSON.readTree(body).path("error").asText();
        }
    }

    @Test
    void everyRouteNeedsLoginAndRole() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("auth");

            // The first user goes straight into the data directory, before any node runs.
            NodeProcess.CliResult first = node.cliWithInput(ADMIN_PASSWORD + "\n", "user", "add", "admin", "--role", "operator",
                    "--data", cluster.data.toString(), "--password-stdin");
            assertThat(first.exitCode()).as("user add --data: " + first.err()).isZero();

            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            String base = "http://127.0.0.1:" + Files.readString(node.home().resolve("run/api.port")).trim();
            String admin = basic("admin", ADMIN_PASSWORD);
            String viewer = basic("watcher", VIEWER_PASSWORD);

            NodeProcess.CliResult addViewer = node.cliWithInput(VIEWER_PASSWORD + "\n", "user", "add", "watcher", "--role", "viewer", "--password-stdin");
            assertThat(addViewer.exitCode()).as("user add through the API: " + addViewer.err()).isZero();
            NodeProcess.CliResult viewerToken = node.cli("token", "create", "--name", "report-script", "--role", "viewer", "--expires", "1d");
            assertThat(viewerToken.exitCode()).as("token create: " + viewerToken.err()).isZero();
            String viewerSecret = viewerToken.out().trim();
            assertThat(viewerSecret).as("printed token").startsWith("baton_");
            NodeProcess.CliResult operatorToken = node.cli("token", "create", "--name", "deploy-script", "--role", "operator");
            assertThat(operatorToken.exitCode()).as("operator token create: " + operatorToken.err()).isZero();
            String operatorSecret = operatorToken.out().trim();

            NodeProcess.CliResult users = node.cli("user", "list");
            assertThat(users.out()).as("user list").contains("admin").contains("watcher").contains("viewer");
            NodeProcess.CliResult tokens = node.cli("token", "list");
            assertThat(tokens.out()).as("token list").contains("report-script").contains("deploy-script").doesNotContain(viewerSecret);

            List<Map.Entry<String, String>> routes = routes(base, "Bearer " + operatorSecret);
            assertThat(routes).as("routes").hasSizeGreaterThan(20)
                    .contains(Map.entry("POST", "/api/users"), Map.entry("DELETE", "/api/tokens/{name}"), Map.entry("POST", "/api/node/stop"));

            for (Map.Entry<String, String> route : routes) {
                String method = route.getKey();
                String path = concrete(route.getValue());
                String what = method + " " + route.getValue();
                if (route.getValue().startsWith("/health/")) {
                    assertThat(call(base, method, path, null).status()).as(what + " without a login").isIn(200, 503);
                    continue;
                }
                if (what.equals("GET /")) {
                    // The redirect to the console, whose pages get their data from the API with a login.
                    assertThat(call(base, method, path, null).status()).as(what + " without a login").isEqualTo(302);
                    continue;
                }
                if (what.equals("POST /api/session")) {
                    // The console's login checks the password in its body, so it needs no login itself.
                    assertThat(call(base, method, path, null).status()).as(what + " without a body").isEqualTo(400);
                    continue;
                }
                if (what.equals("DELETE /api/session")) {
                    assertThat(call(base, method, path, null).status()).as(what + " without a login").isEqualTo(401);
                    assertThat(call(base, method, path, "Bearer " + viewerSecret).status()).as("a viewer may log out").isEqualTo(200);
                    continue;
                }

                Reply anonymous = call(base, method, path, null);
                assertThat(anonymous.status()).as(what + " without a login").isEqualTo(401);
                assertThat(anonymous.error()).as(what + " error code without a login").isEqualTo("unauthorized");
                assertThat(anonymous.response().headers().firstValue("WWW-Authenticate")).as(what + " challenge").isPresent();

                // Tokens here, because each password check takes over a second under the test's C1-only JVM options.
                Reply asViewer = call(base, method, path, "Bearer " + viewerSecret);
                if (method.equals("GET")) {
                    assertThat(asViewer.status()).as(what + " with a viewer token").isNotIn(401, 403);
                    assertThat(call(base, method, path, "Bearer " + operatorSecret).status()).as(what + " with an operator token").isNotIn(401, 403);
                } else {
                    assertThat(asViewer.status()).as(what + " with a viewer token").isEqualTo(403);
                    assertThat(asViewer.error()).as(what + " error code with a viewer token").isEqualTo("forbidden");
                }
            }

            assertThat(call(base, "GET", "/api/node", viewer).status()).as("GET /api/node as a viewer user").isEqualTo(200);
            Reply viewerStop = call(base, "POST", "/api/node/stop", viewer);
            assertThat(viewerStop.status()).as("POST /api/node/stop as a viewer user").isEqualTo(403);
            assertThat(viewerStop.error()).as("error code of a viewer user").isEqualTo("forbidden");

            Reply added = call(base, "POST", "/api/users", admin, Map.of("name", "carol", "role", "viewer", "password", "carol-Secret-99"));
            assertThat(added.status()).as("POST /api/users as the operator: " + added.body()).isEqualTo(201);
            assertThat(call(base, "DELETE", "/api/users/carol", admin).status()).as("DELETE /api/users/carol as the operator").isEqualTo(200);
            Reply trigger = call(base, "POST", "/api/services/no-such-service/trigger", "Bearer " + operatorSecret);
            assertThat(trigger.status()).as("POST trigger with an operator token").isEqualTo(404);
            Reply shortPassword = call(base, "POST", "/api/users", admin, Map.of("name", "dave", "role", "viewer", "password", "short"));
            assertThat(shortPassword.status()).as("short password").isEqualTo(400);
            assertThat(JSON.readTree(shortPassword.body()).path("field").asText()).as("field of a short password").isEqualTo("password");
            Reply noBody = call(base, "POST", "/api/users", "Bearer " + operatorSecret);
            assertThat(noBody.status()).as("POST /api/users without a body: " + noBody.body()).isEqualTo(400);

            NodeProcess.CliResult revoke = node.cli("token", "revoke", "report-script");
            assertThat(revoke.exitCode()).as("token revoke: " + revoke.err()).isZero();
            assertThat(call(base, "GET", "/api/node", "Bearer " + viewerSecret).status()).as("revoked token").isEqualTo(401);

            // The account changes are in the audit trail under their own names, with the account they named and,
            // when refused, why; never with the password.
            List<String> accountRows = new ArrayList<>();
            for (JsonNode row : node.get("/api/audit?limit=1000")) {
                if (row.path("action").asText().matches("user-.*|token-.*")) {
                    accountRows.add(String.join("|", text(row, "action"), text(row, "target"), text(row, "actor"), text(row, "outcome"),
                            text(row, "detail")));
                }
            }
            assertThat(accountRows).as("account changes in the audit trail, newest first").startsWith(
                    "token-revoke|report-script|api-token|done|",
                    "user-add||deploy-script|refused|the request body is missing or not valid JSON; expected {\"name\": NAME, \"role\": \"operator\" or \"viewer\", \"password\": PASSWORD}");
            assertThat(accountRows).as("account changes in the audit trail").anyMatch(r -> r.startsWith("user-add|dave|admin|refused|") && r.contains("password"))
                    .contains("user-remove|carol|admin|done|", "user-add|carol|admin|done|");

            // The revoked token was the first failed login from this address, so four wrong passwords make five.
            String wrong = basic("admin", WRONG_PASSWORD);
            for (int i = 1; i <= 4; i++) {
                assertThat(call(base, "GET", "/api/node", wrong).status()).as("wrong password, attempt " + i).isEqualTo(401);
            }
            Reply throttled = call(base, "GET", "/api/node", wrong);
            assertThat(throttled.status()).as("fifth wrong password").isEqualTo(429);
            assertThat(throttled.error()).as("error code when throttled").isEqualTo("too_many_logins");
            assertThat(throttled.body()).as("message when the address is throttled but the user is not")
                    .contains("too many failed logins from address 127.0.0.1, whatever the user name");
            assertThat(throttled.response().headers().firstValue("Retry-After")).as("Retry-After").isPresent();
            assertThat(call(base, "GET", "/api/node", admin).status()).as("right password while throttled").isEqualTo(429);
            assertThat(node.get("/api/node").path("role").asText()).as("the node's own token while throttled").isEqualTo("ACTIVE");
            assertThat(call(base, "GET", "/api/node", "Bearer " + operatorSecret).status()).as("a valid API token from the throttled address")
                    .isEqualTo(200);

            String logs = LogText.pollUntil(() -> node.output() + logsOf(cluster.data.resolve("logs")),
                    t -> t.contains("rejected a login from 127.0.0.1 as user admin with a wrong password") && t.contains("rejects further logins"));
            assertThat(logs).as("logs").contains("rejected a login from 127.0.0.1 as user admin with a wrong password")
                    .contains("rejects further logins");
            for (String secret : List.of(ADMIN_PASSWORD, VIEWER_PASSWORD, WRONG_PASSWORD, "carol-Secret-99", viewerSecret, operatorSecret)) {
                assertThat(logs).as("logs contain a secret").doesNotContain(secret);
                assertThat(responses.toString()).as("responses contain a secret").doesNotContain(secret);
                assertThat(Files.readString(cluster.data.resolve("settings/users.json"))).as("users file contains a secret").doesNotContain(secret);
            }
        }
    }

    /** A field of a JSON row as text, empty when it is null or missing. */
    private static String text(JsonNode row, String field) {
        return row.path(field).isValueNode() && !row.path(field).isNull() ? row.path(field).asText() : "";
    }

    private List<Map.Entry<String, String>> routes(String base, String authorization) throws IOException, InterruptedException {
        Reply reply = call(base, "GET", "/api/routes", authorization);
        assertThat(reply.status()).as("GET /api/routes: " + reply.body()).isEqualTo(200);
        List<Map.Entry<String, String>> routes = new ArrayList<>();
        for (JsonNode r : JSON.readTree(reply.body())) {
            routes.add(Map.entry(r.path("method").asText(), r.path("path").asText()));
        }
        return routes;
    }

    /** Fills the path parameters with values that name nothing, so that no call acts on real state. */
    private static String concrete(String pattern) {
        return pattern.replace("{id}", "999999").replace("{action}", "retry").replaceAll("\\{[^}]+}", "no-such-name");
    }

    private Reply call(String base, String method, String path, String authorization) throws IOException, InterruptedException {
        return call(base, method, path, authorization, null);
    }

    private Reply call(String base, String method, String path, String authorization, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        responses.append(response.body()).append('\n');
        return new Reply(response.statusCode(), response.body(), response);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String logsOf(Path folder) throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                text.append(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        return text.toString();
    }
}
