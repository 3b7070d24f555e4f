package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.Signals;
import io.baton.testkit.WebhookReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code bin/baton monitor} process watches two real nodes with the 4 s test lease, and a stub on
 * loopback that acts as a third node. A failover inside the grace period raises nothing; both nodes paused for
 * longer than the grace raise {@code no-active-node}, resolved once a node takes over; the stub claiming to be
 * active beside the real active node raises {@code two-active-nodes} at once.
 */
class MonitorIT {

    /**
     * Five times the 4 s test lease. A failover takes one lease to expire plus the time node-b needs to
     * open the journal, which on a loaded machine can take several seconds more.
     */
    private static final Duration GRACE = Duration.ofSeconds(20);

    /** Bound on the time until a two-active-nodes notice, which the monitor raises at the first poll that sees it. */
    private static final Duration TWO_ACTIVE_NOTICE_BOUND = Duration.ofSeconds(8);

    @TempDir
    Path tmp;

    @Test
    void monitorAlertsOnNoneAndTwoActive() throws Exception {
        AtomicBoolean stubActive = new AtomicBoolean();
        HttpServer stub = stubNode(stubActive);
        Process monitor = null;
        try (WebhookReceiver webhook = WebhookReceiver.start(0, "X-Baton-Secret");
             TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess a = cluster.node("node-a");
            NodeProcess b = cluster.node("node-b");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            String stubUrl = "http://127.0.0.1:" + stub.getAddress().getPort();
            List<String> nodes = List.of(a.base(), b.base(), stubUrl);

            // Healthy: one active node, no notice.
            Path monitorLog = tmp.resolve("monitor.out");
            monitor = startMonitor(cluster, monitorLog, nodes, webhook.url());
            awaitLine(monitorLog, "active now: node node-a");
            NodeProcess.CliResult healthy = a.cli(monitorArgs(nodes, "--once").toArray(String[]::new));
            assertThat(healthy.exitCode()).as("exit code of --once on a healthy cluster: " + healthy.out() + healthy.err()).isZero();

            // A failover takes one lease, well inside the grace: nothing is sent.
            Signals.send("STOP", a.pid());
            try {
                b.awaitRole("ACTIVE", Duration.ofSeconds(30));
                awaitLine(monitorLog, "active now: node node-b");
            } finally {
                Signals.send("CONT", a.pid());
            }
            a.awaitRole("PASSIVE", Duration.ofSeconds(30));
            assertThat(webhook.bodies()).as("notices after a failover inside the grace").isEmpty();

            // Both nodes paused: no node is active for longer than the grace.
            long paused = System.nanoTime();
            Signals.send("STOP", b.pid());
            Signals.send("STOP", a.pid());
            try {
                NodeProcess.await(Duration.ofSeconds(60), "a no-active-node notice", () -> notice(webhook, "firing", "no-active-node") != null);
                long waitedMillis = (System.nanoTime() - paused) / 1_000_000;
                assertThat(waitedMillis).as("time from the pause to the no-active-node notice").isGreaterThanOrEqualTo(GRACE.toMillis());
            } finally {
                Signals.send("CONT", a.pid());
            }
            JsonNode noActive = notice(webhook, "firing", "no-active-node");
            assertThat(noActive.path("node").asText()).as("node field of the monitor's notice").isEqualTo("monitor-it");
            assertThat(noActive.path("message").asText()).contains("no node has been active for").contains(a.base()).contains(stubUrl);
            // node-a takes over from the paused node-b once its lease expires.
            NodeProcess.await(Duration.ofSeconds(60), "a resolved no-active-node notice", () -> notice(webhook, "resolved", "no-active-node") != null);
            assertThat(notice(webhook, "resolved", "no-active-node").path("message").asText()).contains("node node-a");
            Signals.send("CONT", b.pid());
            b.awaitRole("PASSIVE", Duration.ofSeconds(30));

            // Two active nodes. A second real node cannot become active, because the epoch guard in the journal
            // fences every writer but the lease holder, so a stub with another node id claims to be active.
            long claimed = System.nanoTime();
            stubActive.set(true);
            NodeProcess.await(Duration.ofSeconds(30), "a two-active-nodes notice", () -> notice(webhook, "firing", "two-active-nodes") != null);
            long claimedMillis = (System.nanoTime() - claimed) / 1_000_000;
            assertThat(claimedMillis).as("time from the claim to the two-active-nodes notice").isLessThan(TWO_ACTIVE_NOTICE_BOUND.toMillis());
            assertThat(notice(webhook, "firing", "two-active-nodes").path("message").asText()).contains("node node-a").contains("node node-x");
            NodeProcess.CliResult twoActive = a.cli(monitorArgs(nodes, "--once").toArray(String[]::new));
            assertThat(twoActive.exitCode()).as("exit code of --once with two active nodes: " + twoActive.out() + twoActive.err()).isEqualTo(1);
            stubActive.set(false);
            NodeProcess.await(Duration.ofSeconds(30), "a resolved two-active-nodes notice", () -> notice(webhook, "resolved", "two-active-nodes") != null);

            NodeProcess.CliResult badUrl = a.cli("monitor", "--once", "--cluster", "ftp://node-a:8491");
            assertThat(badUrl.exitCode()).as("exit code for an invalid URL").isEqualTo(2);
            assertThat(badUrl.err()).contains("invalid --cluster URL 'ftp://node-a:8491'").contains("http://HOST:PORT");
            assertThat(Files.readString(monitorLog)).as("monitor output").contains("is down; polling goes on")
                    .contains("ALERT no-active-node").contains("RESOLVED two-active-nodes");
        } finally {
            stub.stop(0);
            if (monitor != null) {
                monitor.destroyForcibly();
                monitor.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> monitorArgs(List<String> nodes, String... extra) {
        List<String> args = new ArrayList<>(List.of("monitor", "--interval", "500ms", "--grace", GRACE.toSeconds() + "s", "--timeout", "1s",
                "--name", "monitor-it"));
        args.add("--cluster");
        args.addAll(nodes);
        args.addAll(List.of(extra));
        return args;
    }

    private static Process startMonitor(TestCluster cluster, Path output, List<String> nodes, String webhookUrl) throws IOException {
        List<String> argv = new ArrayList<>(List.of(cluster.distHome.resolve("bin/baton").toString()));
        argv.addAll(monitorArgs(nodes, "--webhook", webhookUrl));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("BATON_JAVA_OPTS", NodeProcess.FAST_JVM);
        return pb.start();
    }

    private static void awaitLine(Path log, String text) {
        NodeProcess.await(Duration.ofSeconds(30), "'" + text + "' in the monitor's output", () -> {
            try {
                return Files.exists(log) && Files.readString(log).contains(text);
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** A node stand-in: passive until {@code active} is set, then active, under the id node-x. */
    private static HttpServer stubNode(AtomicBoolean active) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health/active", exchange -> {
            byte[] body = (active.get() ? "active" : "passive").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Baton-Node", "node-x");
            exchange.sendResponseHeaders(active.get() ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/health/live", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** Returns the first notice with this status and kind, or null when none has arrived. */
    private static JsonNode notice(WebhookReceiver webhook, String status, String kind) {
        return HungDaemonIT.notices(webhook).stream()
                .filter(n -> n.path("status").asText().equals(status) && n.path("kind").asText().equals(kind)).findFirst().orElse(null);
    }
}
