package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.SmtpMailbox;
import io.baton.testkit.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts of a real node reach a webhook receiver and an SMTP server that requires STARTTLS, both on
 * loopback in the test: a failing service sends one failed-run and one quarantine notice each despite
 * repeats, a fix sends their resolved notices, and under a silence a new failure is logged but not sent.
 * Then a standby node takes over and sends a failover alert. A condition raised by a node that is then killed,
 * or that hands over by a switch-over, is resolved by the node that takes over.
 */
class AlertsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A CSV with a byte that is invalid in UTF-8, which the service quarantines. */
    private static final byte[] LATIN1_CSV = {'i', 'd', ',', 'c', 'i', 't', 'y', '\n', '1', ',', 'K', (byte) 0xF6, 'l', 'n', '\n'};

    private static final String RATES = """
            name: rates
            source: { path: in }
            process: [ { type: csv-to-jsonl } ]
            targets: [ { path: out, name: "{basename}.{run}.jsonl" } ]
            """;

    @TempDir
    Path tmp;

    @Test
    void failingServiceAlertsOnceAndResolves() throws Exception {
        Path secrets = Files.createDirectories(tmp.resolve("secrets"));
        Files.writeString(secrets.resolve("webhook.secret"), "hook-secret\n");
        Files.writeString(secrets.resolve("smtp.password"), "mail-pass\n");
        try (WebhookReceiver webhook = WebhookReceiver.start(1, "X-Baton-Secret");
             SmtpMailbox mailbox = SmtpMailbox.start(tmp.resolve("smtp"), "baton", "mail-pass");
             TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            Files.writeString(cluster.data.resolve("cluster.yaml"), TestCluster.TEST_CLUSTER_YAML + """
                    alerts:
                      repeatInterval: 1h
                      webhook: { url: "%s", retries: 2, backoff: 100ms, secretHeader: X-Baton-Secret, secretFile: "%s" }
                      email: { host: localhost, port: %d, tls: starttls, user: baton, passwordFile: "%s", trustFile: "%s",
                               from: baton@example.com, to: [ops@example.com] }
                      routes:
                        - { service: "rat*", email: [owner@example.com] }
                    """.formatted(webhook.url(), secrets.resolve("webhook.secret"), mailbox.port(), secrets.resolve("smtp.password"),
                    mailbox.trustFile()));
            NodeProcess node = cluster.node("alerts");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = Files.createDirectories(cluster.data.resolve("in"));
            cluster.deployAndStart(node, RATES);

            // Two failing runs with three quarantined files: one notice per condition, the repeats only counted.
            Files.write(in.resolve("bad1.csv"), LATIN1_CSV);
            Files.write(in.resolve("bad2.csv"), LATIN1_CSV);
            assertThat(TestCluster.runOnce(node, "rates").path("state").asText()).as("first run").isEqualTo("FAILED");
            Files.write(in.resolve("bad3.csv"), LATIN1_CSV);
            assertThat(TestCluster.runOnce(node, "rates").path("state").asText()).as("second run").isEqualTo("FAILED");
            // Node alerts such as lease-renewal-slow under disk load match no route and reach both channels too,
            // so each check counts the notices about the service alone.
            NodeProcess.await(Duration.ofSeconds(30), "two firing notices by webhook and e-mail",
                    () -> ratesNotices(webhook).size() >= 2 && ratesMails(mailbox).size() >= 2);
            JsonNode open = node.get("/api/alerts").path("open");
            assertThat(ofRates(open)).as("open alerts of rates among " + open).hasSize(2);
            assertThat(occurrences(open, "file-quarantined")).as("quarantines counted").isEqualTo(3);
            assertThat(occurrences(open, "run-failed")).as("failed runs counted").isEqualTo(2);
            assertThat(ratesNotices(webhook)).as("webhook notices about rates after the repeats").hasSize(2);
            assertThat(ratesNotices(webhook)).extracting(n -> n.path("status").asText() + " " + n.path("kind").asText())
                    .containsExactlyInAnyOrder("firing run-failed", "firing file-quarantined");
            assertThat(notices(webhook)).allMatch(n -> n.path("node").asText().equals("alerts"));
            // Polled, because a node notice may be in flight: counted as a request but not yet stored as a body.
            NodeProcess.await(Duration.ofSeconds(10), "exactly one request answered 500, the first, and retried",
                    () -> webhook.requests() - webhook.bodies().size() == 1);
            assertThat(webhook.secrets()).containsOnly("hook-secret");
            assertThat(ratesMails(mailbox)).extracting(SmtpMailbox.Mail::subject)
                    .containsExactlyInAnyOrder("[Baton] ALERT critical run-failed: service rates", "[Baton] ALERT warning file-quarantined: service rates");
            assertThat(ratesMails(mailbox)).as("routed to the service's owner").allMatch(m -> m.to().equals("owner@example.com"));

            // The fix: a run without failures resolves both conditions.
            Files.writeString(in.resolve("good.csv"), "id,city\n1,Oslo\n");
            assertThat(TestCluster.runOnce(node, "rates").path("state").asText()).as("run after the fix").isEqualTo("SUCCEEDED");
            NodeProcess.await(Duration.ofSeconds(30), "two resolved notices by webhook and e-mail",
                    () -> ratesNotices(webhook).size() >= 4 && ratesMails(mailbox).size() >= 4);
            assertThat(ratesNotices(webhook).subList(2, 4)).extracting(n -> n.path("status").asText() + " " + n.path("kind").asText())
                    .containsExactlyInAnyOrder("resolved run-failed", "resolved file-quarantined");
            assertThat(ofRates(node.get("/api/alerts").path("open"))).as("open alerts of rates after the fix").isEmpty();

            // Under a silence a new failure is logged and listed, marked silenced, but not sent.
            NodeProcess.CliResult added = node.cli("silence", "add", "--service", "rates", "--for", "10m", "--reason", "maintenance");
            assertThat(added.exitCode()).as("silence add: " + added.err()).isZero();
            String silenceId = added.out().trim();
            assertThat(node.cli("silence", "list").out()).contains(silenceId).contains("maintenance");
            Files.write(in.resolve("bad4.csv"), LATIN1_CSV);
            assertThat(TestCluster.runOnce(node, "rates").path("state").asText()).as("run under the silence").isEqualTo("FAILED");
            List<JsonNode> recent = ofRates(node.get("/api/alerts").path("recent"));
            assertThat(recent).as("notices about rates").isNotEmpty();
            assertThat(recent.get(0).path("silenced").asBoolean()).as("latest notice about rates: " + recent.get(0)).isTrue();
            assertThat(ofRates(node.get("/api/alerts").path("open"))).as("open alerts of rates under the silence")
                    .allMatch(a -> a.path("silenced").asBoolean());
            assertThat(node.cli("alerts").out()).as("baton alerts under the silence").contains("run-failed [silenced]");
            // Delivery is asynchronous: give a notice that was wrongly queued time to arrive before checking that none did.
            Thread.sleep(2_000);
            assertThat(ratesNotices(webhook)).as("webhook notices about rates under the silence").hasSize(4);
            assertThat(ratesMails(mailbox)).as("e-mails about rates under the silence").hasSize(4);
            assertThat(Files.readString(cluster.data.resolve("logs/node-alerts.log"))).contains("ALERT run-failed critical [silenced] service rates");

            NodeProcess.CliResult removed = node.cli("silence", "remove", silenceId);
            assertThat(removed.exitCode()).as("silence remove: " + removed.err()).isZero();
            assertThat(node.cli("silence", "list").out()).doesNotContain(silenceId);
            assertThat(node.get("/api/audit?action=silence-add")).as("audit rows of silence-add").hasSize(1);
            assertThat(node.get("/api/audit?action=silence-remove")).as("audit rows of silence-remove").hasSize(1);
            NodeProcess.CliResult invalid = node.cli("silence", "add", "--kind", "no-such-kind", "--for", "1h", "--reason", "x");
            assertThat(invalid.exitCode()).as("silence of an unknown kind").isEqualTo(2);
            assertThat(invalid.err()).contains("invalid alert kind 'no-such-kind'").contains("run-failed");

            // A passive node forwards a silence to the active node, which stores it. The node that takes over after
            // an orderly stop of the active node sends a switch-over alert, a warning: the change was planned.
            NodeProcess standby = cluster.node("standby");
            standby.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            NodeProcess.CliResult onPassive = standby.cli("silence", "add", "--service", "rates", "--for", "1h", "--reason", "sent to the standby");
            assertThat(onPassive.exitCode()).as("silence add on a passive node: " + onPassive.err()).isZero();
            assertThat(node.cli("silence", "list").out()).as("silences on the active node").contains("sent to the standby");
            node.signal("TERM");
            standby.awaitRole("ACTIVE", Duration.ofSeconds(60));
            NodeProcess.await(Duration.ofSeconds(30), "a switch-over notice from the standby node",
                    () -> notices(webhook).stream().anyMatch(n -> n.path("kind").asText().equals("switch-over")));
            JsonNode handover = notices(webhook).stream().filter(n -> n.path("kind").asText().equals("switch-over")).findFirst().orElseThrow();
            assertThat(handover.path("node").asText()).isEqualTo("standby");
            assertThat(handover.path("severity").asText()).isEqualTo("warning");
            assertThat(handover.path("message").asText()).contains("release");
            assertThat(handover.path("service").isNull()).as("service of a node alert").isTrue();
            assertThat(notices(webhook)).as("notices after an orderly stop").noneMatch(n -> n.path("kind").asText().equals("failover"));
        }
    }

    @Test
    void takeoverResolvesConditionOfOldNode() throws Exception {
        try (WebhookReceiver webhook = WebhookReceiver.start(0, "X-Baton-Secret");
             TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            Files.writeString(cluster.data.resolve("cluster.yaml"), TestCluster.TEST_CLUSTER_YAML + """
                    alerts:
                      repeatInterval: 1h
                      webhook: { url: "%s", retries: 2, backoff: 100ms }
                    """.formatted(webhook.url()));
            NodeProcess nodeA = cluster.node("node-a");
            nodeA.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            NodeProcess nodeB = cluster.node("node-b");
            nodeB.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            Path in = Files.createDirectories(cluster.data.resolve("in"));
            cluster.deployAndStart(nodeA, RATES);

            // node-a raises run-failed and stores it in state/alerts.json, then dies without a chance to clean up.
            Files.write(in.resolve("bad1.csv"), LATIN1_CSV);
            assertThat(TestCluster.runOnce(nodeA, "rates").path("state").asText()).as("run on node-a").isEqualTo("FAILED");
            NodeProcess.await(Duration.ofSeconds(30), "the firing run-failed notice from node-a",
                    () -> kinds(webhook).contains("firing run-failed node-a"));
            NodeProcess.await(Duration.ofSeconds(30), "run-failed stored in state/alerts.json",
                    () -> stored(cluster).contains("run-failed/rates"));
            nodeA.kill9();
            nodeB.awaitRole("ACTIVE", Duration.ofSeconds(60));
            assertThat(nodeB.get("/api/alerts").path("open")).as("open alerts loaded by node-b")
                    .anyMatch(a -> a.path("key").asText().equals("run-failed/rates") && a.path("node").asText().equals("node-a"));

            // The fix: the next run, on node-b, resolves the condition that node-a raised.
            assertThat(nodeB.cli("start", "rates").exitCode()).as("start rates on node-b").isZero();
            Files.deleteIfExists(in.resolve("bad1.csv"));
            Files.writeString(in.resolve("good.csv"), "id,city\n1,Oslo\n");
            assertThat(TestCluster.runOnce(nodeB, "rates").path("state").asText()).as("run on node-b").isEqualTo("SUCCEEDED");
            NodeProcess.await(Duration.ofSeconds(30), "the resolved run-failed notice from node-b",
                    () -> kinds(webhook).contains("resolved run-failed node-b"));
            assertThat(kinds(webhook)).as("run-failed notices").filteredOn(k -> k.contains("run-failed"))
                    .containsExactly("firing run-failed node-a", "resolved run-failed node-b");
            assertThat(nodeB.get("/api/alerts").path("open")).as("open alerts on node-b")
                    .noneMatch(a -> a.path("kind").asText().equals("run-failed"));
            NodeProcess.await(Duration.ofSeconds(30), "run-failed removed from state/alerts.json",
                    () -> !stored(cluster).contains("run-failed/rates"));

            // A switch-over back to node-a hands a condition that node-b raised over in the same way.
            Files.write(in.resolve("bad2.csv"), LATIN1_CSV);
            assertThat(TestCluster.runOnce(nodeB, "rates").path("state").asText()).as("second run on node-b").isEqualTo("FAILED");
            NodeProcess.await(Duration.ofSeconds(30), "the firing run-failed notice from node-b",
                    () -> kinds(webhook).contains("firing run-failed node-b"));
            nodeA.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            // A switch-over to a named node needs its registry entry to show it passive, which lags its API by a write interval.
            NodeProcess.await(Duration.ofSeconds(30), "node-a registered as passive", () -> {
                try {
                    return Files.readString(cluster.data.resolve("state/nodes/node-a")).contains("\"role\":\"PASSIVE\"");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            NodeProcess.CliResult switchOver = nodeB.cli("switchover", "--to", "node-a", "--timeout", "30s");
            assertThat(switchOver.exitCode()).as("switchover to node-a: " + switchOver.err()).isZero();
            nodeA.awaitRole("ACTIVE", Duration.ofSeconds(60));
            Files.deleteIfExists(in.resolve("bad2.csv"));
            Files.writeString(in.resolve("good2.csv"), "id,city\n2,Bergen\n");
            // The descriptor does not set autoStart, so the service waits stopped on the node that takes over.
            assertThat(nodeA.cli("start", "rates").exitCode()).as("start rates on node-a").isZero();
            assertThat(TestCluster.runOnce(nodeA, "rates").path("state").asText()).as("run on node-a").isEqualTo("SUCCEEDED");
            NodeProcess.await(Duration.ofSeconds(30), "the resolved run-failed notice from node-a",
                    () -> kinds(webhook).contains("resolved run-failed node-a"));
            assertThat(kinds(webhook)).as("run-failed notices").filteredOn(k -> k.contains("run-failed")).containsExactly(
                    "firing run-failed node-a", "resolved run-failed node-b", "firing run-failed node-b", "resolved run-failed node-a");
        }
    }

    private static String stored(TestCluster cluster) {
        try {
            return Files.readString(cluster.data.resolve("state/alerts.json"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Returns each webhook notice as its status, kind and node. */
    private static List<String> kinds(WebhookReceiver webhook) {
        return notices(webhook).stream().map(n -> n.path("status").asText() + " " + n.path("kind").asText() + " " + n.path("node").asText())
                .toList();
    }

    /** Returns the webhook notices about the service rates, in the order they arrived. */
    private static List<JsonNode> ratesNotices(WebhookReceiver webhook) {
        return notices(webhook).stream().filter(n -> n.path("service").asText().equals("rates")).toList();
    }

    /** Returns the e-mails about the service rates, whose subjects end with the service. */
    private static List<SmtpMailbox.Mail> ratesMails(SmtpMailbox mailbox) {
        return mailbox.messages().stream().filter(m -> m.subject().endsWith(": service rates")).toList();
    }

    /** Returns the alerts or notices of a {@code GET /api/alerts} list that are about the service rates. */
    private static List<JsonNode> ofRates(JsonNode list) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode a : list) {
            if (a.path("service").asText().equals("rates")) {
                out.add(a);
            }
        }
        return out;
    }

    private static int occurrences(JsonNode open, String kind) {
        for (JsonNode a : open) {
            if (a.path("kind").asText().equals(kind)) {
                return a.path("occurrences").asInt();
            }
        }
        return 0;
    }

    private static List<JsonNode> notices(WebhookReceiver webhook) {
        List<JsonNode> out = new ArrayList<>();
        for (String body : webhook.bodies()) {
            try {
                out.add(JSON.readTree(body));
            } catch (java.io.IOException e) {
                throw new AssertionError("the webhook received invalid JSON: " + body, e);
            }
        }
        return out;
    }
}
