package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.server.service.ServiceArchive;
import io.baton.server.service.ServiceContent;
import io.baton.server.service.ServiceVersion;
import io.baton.testkit.NodeProcess;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls sent to a passive node, by a user with a password, by an API token and by the CLI with the
 * passive node's own token, are executed and audited once by the active node. Once the active node is
 * killed, and before the lease expires, the passive node rejects them with 503 and says why.
 */
class ForwardingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "operator-Secret-2718";

    private static final String SERVICE = """
            name: forwarded
            source: { path: in }
            process: [ { type: csv-to-jsonl } ]
            targets: [ { path: out, name: "{basename}.jsonl" } ]
            schedule: { every: 1h }
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void passiveNodeForwardsToActive() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Files.writeString(cluster.data.resolve("cluster.yaml"), TestCluster.LONG_LEASE_CLUSTER_YAML);
            Files.createDirectories(cluster.data.resolve("in"));
            NodeProcess a = cluster.node("node-a");
            NodeProcess b = cluster.node("node-b");
            NodeProcess.CliResult user = b.cliWithInput(PASSWORD + "\n", "user", "add", "ops", "--role", "operator", "--data",
                    cluster.data.toString(), "--password-stdin");
            assertThat(user.exitCode()).as("user add: " + user.err()).isZero();
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            String basic = "Basic " + Base64.getEncoder().encodeToString(("ops:" + PASSWORD).getBytes(StandardCharsets.UTF_8));

            // The CLI of the passive node logs in with that node's own token, which the active node does not know.
            NodeProcess.CliResult token = b.cli("token", "create", "--name", "forward-script", "--role", "operator");
            assertThat(token.exitCode()).as("token create through node-b: " + token.err()).isZero();
            String bearer = "Bearer " + token.out().trim();
            Path archive = archiveOfMegabytes(cluster, 3);
            NodeProcess.CliResult deploy = b.cli("deploy", archive.toString());
            assertThat(deploy.exitCode()).as("deploy of a 3 MB archive through node-b: " + deploy.err()).isZero();
            assertThat(a.get("/api/services/forwarded").path("name").asText()).as("service deployed on node-a").isEqualTo("forwarded");
            NodeProcess.CliResult start = b.cli("start", "forwarded");
            assertThat(start.exitCode()).as("start through node-b: " + start.err()).isZero();

            // A user with a password, then an API token, straight at node-b's API.
            awaitNoRun(a);
            HttpResponse<String> trigger = send(b, "POST", "/api/services/forwarded/trigger", basic);
            assertThat(trigger.statusCode()).as("trigger through node-b: " + trigger.body()).isEqualTo(200);
            assertThat(trigger.headers().firstValue("Baton-Forwarded-To")).as("forwarding header")
                    .hasValue("node-a " + a.base());
            assertThat(trigger.headers().firstValue("Content-Type")).as("content type of the forwarded response").hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            awaitNoRun(a);
            HttpResponse<String> runs = send(b, "GET", "/api/services/forwarded/runs?limit=5", bearer);
            assertThat(runs.statusCode()).as("runs through node-b: " + runs.body()).isEqualTo(200);
            assertThat(runs.headers().firstValue("Baton-Forwarded-To")).as("forwarding header of runs").isPresent();
            assertThat(JSON.readTree(runs.body()).size()).as("runs listed through node-b").isPositive();

            // Errors of the active node come back as they are; a wrong password is rejected by node-b itself.
            HttpResponse<String> ghost = send(b, "GET", "/api/services/ghost", bearer);
            assertThat(ghost.statusCode()).as("unknown service through node-b: " + ghost.body()).isEqualTo(404);
            assertThat(JSON.readTree(ghost.body()).path("error").asText()).as("error of the unknown service").isEqualTo("not_found");
            assertThat(ghost.headers().firstValue("Baton-Forwarded-To")).as("forwarding header of the 404").isPresent();
            String wrongPassword = "Basic " + Base64.getEncoder().encodeToString("ops:wrong".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> rejected = send(b, "POST", "/api/services/forwarded/trigger", wrongPassword);
            assertThat(rejected.statusCode()).as("wrong password at node-b").isEqualTo(401);
            assertThat(rejected.headers().firstValue("Baton-Forwarded-To")).as("forwarding header of the 401").isEmpty();

            // The cluster view stays local.
            HttpResponse<String> view = send(b, "GET", "/api/node", bearer);
            assertThat(JSON.readTree(view.body()).path("role").asText()).as("node view of node-b").isEqualTo("PASSIVE");
            assertThat(view.headers().firstValue("Baton-Forwarded-To")).as("forwarding header of the node view").isEmpty();

            // Each forwarded call is recorded once, by node-a, with the original caller.
            JsonNode audit = a.get("/api/audit?limit=100");
            JsonNode triggerRow = only(audit, "trigger");
            assertThat(triggerRow.path("actor").asText()).as("actor of the trigger").isEqualTo("ops");
            assertThat(triggerRow.path("remoteAddress").asText()).as("address of the trigger").isEqualTo("127.0.0.1 via node-b");
            assertThat(triggerRow.path("nodeId").asText()).as("node that recorded the trigger").isEqualTo("node-a");
            JsonNode deployRow = only(audit, "deploy");
            assertThat(deployRow.path("actor").asText()).as("actor of the deploy").isEqualTo("api-token of node-b");
            assertThat(deployRow.path("remoteAddress").asText()).as("address of the deploy").isEqualTo("127.0.0.1 via node-b");
            String forwardedLine = "forwarded POST /api/services/forwarded/trigger by ops";
            String logOfB = LogText.pollUntil(() -> b.output() + Files.readString(cluster.data.resolve("logs/node-node-b.log")),
                    t -> t.contains(forwardedLine));
            assertThat(logOfB).as("log of node-b").contains(forwardedLine);

            // A call that claims to come from node-b without its signature is rejected.
            HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(a.base() + "/api/services/forwarded/stop"))
                    .header("Baton-Forwarded-By", "node-b").header("Baton-Forwarded-For", "10.0.0.1").header("Baton-Forwarded-Caller", "node-token")
                    .header("Baton-Forwarded-At", Long.toString(System.currentTimeMillis())).header("Baton-Forwarded-Signature", "00")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).as("forged forwarded call: " + forged.body()).isEqualTo(401);

            // With node-a gone and its lease not yet expired, node-b says that it cannot forward.
            a.kill9();
            HttpResponse<String> orphan = send(b, "POST", "/api/services/forwarded/trigger", basic);
            String role = b.get("/api/node").path("role").asText();
            assertThat(role).as("node-b still passive, so the 503 below is not a takeover's").isEqualTo("PASSIVE");
            assertThat(orphan.statusCode()).as("trigger after node-a was killed: " + orphan.body()).isEqualTo(503);
            JsonNode error = JSON.readTree(orphan.body());
            assertThat(error.path("error").asText()).isEqualTo("passive");
            assertThat(error.path("message").asText()).contains("node-a").contains("cannot reach").contains("takes over");
        }
    }

    /** Writes a service archive with a jar of incompressible bytes, so that the deploy body is about {@code megabytes} MB. */
    private static Path archiveOfMegabytes(TestCluster cluster, int megabytes) throws Exception {
        byte[] padding = new byte[megabytes << 20];
        new Random(7).nextBytes(padding);
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(jar)) {
            out.putNextEntry(new ZipEntry("padding.bin"));
            out.write(padding);
        }
        ServiceContent content = ServiceContent.of(SERVICE, Map.of("baton-testkit.jar", Files.readAllBytes(cluster.serviceJar),
                "padding.jar", jar.toByteArray()));
        ServiceVersion version = new ServiceVersion("forwarded", 1, "2026-01-01T00:00:00Z", "test", "127.0.0.1", null,
                content.descriptorSha256(), content.jarSha256());
        Path file = cluster.root.resolve("forwarded.zip");
        Files.write(file, ServiceArchive.write(version, content, null));
        return file;
    }

    private HttpResponse<String> send(NodeProcess node, String method, String path, String authorization) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.base() + path)).header("Authorization", authorization)
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitNoRun(NodeProcess node) {
        NodeProcess.await(Duration.ofSeconds(60), "service settled with no run in progress", () -> {
            JsonNode s = node.tryGet("/api/services/forwarded");
            return !s.path("state").asText().equals("STARTING") && !s.path("runInProgress").asBoolean(true);
        });
    }

    private static JsonNode only(JsonNode rows, String action) {
        JsonNode found = null;
        for (JsonNode r : rows) {
            if (r.path("action").asText().equals(action)) {
                assertThat(found).as("second %s row: %s", action, r).isNull();
                found = r;
            }
        }
        assertThat(found).as("%s row in %s", action, rows).isNotNull();
        return found;
    }
}
