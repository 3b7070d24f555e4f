package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.Signals;
import io.baton.testkit.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active daemon is paused with SIGSTOP, which stops its lease keeper too. With the 4 s test lease and with
 * the default 8 s lease, the passive node must send a hung-daemon alert to the webhook while the lease is still valid, then take over
 * once it expires and send the failover alert. After SIGCONT the old node steps down, so exactly one node
 * returns 200 from {@code /health/active}.
 */
class HungDaemonIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void pausedActiveDaemonAlertsBeforeTakeover() throws Exception {
        pauseActiveDaemon(TestCluster.TEST_CLUSTER_YAML, Duration.ofSeconds(4));
    }

    @Test
    void defaultLeaseAlertsBeforeTakeover() throws Exception {
        pauseActiveDaemon("name: test\n", Duration.ofSeconds(8));
    }

    /** Runs the scenario of the class comment on a cluster with these lease settings, whose lease lasts {@code lease}. */
    private void pauseActiveDaemon(String clusterYaml, Duration lease) throws Exception {
        try (WebhookReceiver webhook = WebhookReceiver.start(0, "X-Baton-Secret");
             TestCluster cluster = new TestCluster(tmp)) {
            Files.writeString(cluster.data.resolve("cluster.yaml"), clusterYaml + """
                    alerts:
                      webhook: { url: "%s", retries: 2, backoff: 100ms }
                    """.formatted(webhook.url()));
            NodeProcess a = cluster.node("node-a");
            NodeProcess b = cluster.node("node-b");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));

            Instant paused = Instant.now();
            Signals.send("STOP", a.pid());
            try {
                NodeProcess.await(Duration.ofSeconds(30), "a failover notice from node-b", () -> firing(webhook, "failover") != null);
            } finally {
                Signals.send("CONT", a.pid());
            }

            JsonNode hung = firing(webhook, "holder-api-silent");
            JsonNode failover = firing(webhook, "failover");
            assertThat(hung).as("holder-api-silent notice among " + webhook.bodies()).isNotNull();
            assertThat(hung.path("node").asText()).as("node that raised holder-api-silent").isEqualTo("node-b");
            // Three failed probes raise the alert, or fewer once the API has been silent for a third of the lease.
            assertThat(hung.path("message").asText()).contains("node node-a").containsPattern("has failed [123] probes? in a row")
                    .contains("no response within").contains("baton takeover --confirm-fenced node-a");
            // The webhook gets notices in the order they were raised, so the alert came before node-b was active.
            assertThat(notices(webhook).indexOf(hung)).as("position of holder-api-silent before failover in " + webhook.bodies())
                    .isLessThan(notices(webhook).indexOf(failover));
            assertThat(failover.path("node").asText()).as("node that sent the failover notice").isEqualTo("node-b");
            Duration alertAfter = Duration.between(paused, Instant.parse(hung.path("at").asText()));
            Duration takeoverAfter = Duration.between(paused, Instant.parse(failover.path("at").asText()));
            System.out.printf("lease %d ms: holder-api-silent %d ms and failover %d ms after SIGSTOP%n", lease.toMillis(), alertAfter.toMillis(),
                    takeoverAfter.toMillis());
            // The order above is what matters; this bound leaves 2 s for checks that overrun on a loaded machine.
            assertThat(alertAfter).as("alert delay after the pause, within the lease plus 2 s").isLessThan(lease.plusSeconds(2));

            // node-b is active now, so it watches no other node, and the alert about node-a resolves.
            NodeProcess.await(Duration.ofSeconds(30), "a resolved holder-api-silent notice", () -> notices(webhook).stream()
                    .anyMatch(n -> n.path("status").asText().equals("resolved") && n.path("kind").asText().equals("holder-api-silent")));

            a.awaitRole("PASSIVE", Duration.ofSeconds(30));
            String stepDown = LogText.pollUntil(a::output, t -> t.contains("lease lost") || t.contains("deposed: this node holds epoch 1"));
            assertThat(stepDown).as("node-a's log").containsAnyOf("lease lost", "deposed: this node holds epoch 1");
            assertThat(healthActive(a)).as("/health/active of node-a after SIGCONT").isEqualTo(503);
            assertThat(healthActive(b)).as("/health/active of node-b").isEqualTo(200);
        }
    }

    private static int healthActive(NodeProcess node) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.base() + "/health/active")).timeout(Duration.ofSeconds(5)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Returns the first firing notice of {@code kind}, or null when none has arrived. */
    private static JsonNode firing(WebhookReceiver webhook, String kind) {
        return notices(webhook).stream().filter(n -> n.path("status").asText().equals("firing") && n.path("kind").asText().equals(kind))
                .findFirst().orElse(null);
    }

    static List<JsonNode> notices(WebhookReceiver webhook) {
        List<JsonNode> out = new ArrayList<>();
        for (String body : webhook.bodies()) {
            try {
                out.add(JSON.readTree(body));
            } catch (IOException e) {
                throw new AssertionError("the webhook received invalid JSON: " + body, e);
            }
        }
        return out;
    }
}
