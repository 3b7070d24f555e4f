package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoint and the health checks of a real active and passive node: the meters after a
 * run, a scrape with a viewer's token, no scrape without a login, and the text format checked by
 * Prometheus's own {@code promtool}.
 */
class MetricsIT {

    private static final String SERVICE = """
            name: measured
            source: { path: in }
            process: [ { type: copy } ]
            targets: [ { path: out } ]
            """;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @Test
    void metricsAndHealthOfActiveAndPassiveNodes() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess a = cluster.node("node-a");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            NodeProcess b = cluster.node("node-b");
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            Path in = Files.createDirectories(cluster.data.resolve("in"));
            Files.writeString(in.resolve("one.txt"), "first file\n");
            Files.writeString(in.resolve("two.txt"), "the second file\n");
            long bytes = Files.size(in.resolve("one.txt")) + Files.size(in.resolve("two.txt"));
            cluster.deployAndStart(a, SERVICE);
            TestCluster.runOnce(a, "measured");
            NodeProcess.CliResult token = a.cli("token", "create", "--name", "prometheus", "--role", "viewer");
            assertThat(token.exitCode()).as("token create: " + token.err()).isZero();
            String viewer = "Bearer " + token.out().trim();

            HttpResponse<String> active = get(a, "/metrics", viewer);
            HttpResponse<String> passive = get(b, "/metrics", viewer);

            assertThat(active.statusCode()).as("scrape of node-a: " + active.body()).isEqualTo(200);
            assertThat(active.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            String text = active.body();
            assertThat(value(text, "baton_runs_total", "service=\"measured\",state=\"SUCCEEDED\"")).as("runs").isEqualTo(1);
            assertThat(value(text, "baton_work_items_total", "outcome=\"committed\",service=\"measured\"")).as("committed items").isEqualTo(2);
            assertThat(value(text, "baton_work_items_total", "outcome=\"quarantined\",service=\"measured\"")).as("quarantined").isZero();
            assertThat(value(text, "baton_bytes_total", "direction=\"in\",service=\"measured\"")).as("bytes in").isEqualTo(bytes);
            assertThat(value(text, "baton_run_duration_seconds_count", "service=\"measured\"")).as("run durations").isEqualTo(1);
            assertThat(value(text, "baton_node_active", "")).as("node-a active").isEqualTo(1);
            assertThat(value(text, "baton_node_epoch", "")).as("node-a epoch").isEqualTo(1);
            assertThat(value(text, "baton_service_running", "service=\"measured\"")).as("service running").isEqualTo(1);
            assertThat(value(text, "baton_service_files_waiting", "service=\"measured\"")).as("files waiting").isZero();
            assertThat(value(text, "baton_lease_renewal_seconds_count", "")).as("lease renewals").isPositive();
            assertThat(value(text, "baton_journal_commit_seconds_count", "")).as("journal commits").isPositive();
            assertThat(text).as("node tag").contains("node=\"node-a\"");
            // promtool comes from Debian's prometheus package, which CI installs; elsewhere the check is left out when it is missing.
            if (System.getenv("CI") != null || hasPromtool()) {
                assertThat(promtool(text)).as("promtool check metrics").isEmpty();
            }

            assertThat(passive.statusCode()).as("scrape of node-b").isEqualTo(200);
            assertThat(value(passive.body(), "baton_node_active", "")).as("node-b active").isZero();
            assertThat(passive.body()).as("services on the passive node").doesNotContain("baton_service_running{");

            assertThat(get(a, "/metrics", null).statusCode()).as("scrape without a login").isEqualTo(401);
            assertThat(get(a, "/health/ready", null).statusCode()).as("node-a ready").isEqualTo(200);
            assertThat(get(b, "/health/ready", null).statusCode()).as("node-b ready").isEqualTo(200);
            assertThat(get(a, "/health/active", null).statusCode()).as("node-a active").isEqualTo(200);
            assertThat(get(b, "/health/active", null).statusCode()).as("node-b active").isEqualTo(503);
        }
    }

    /**
     * Returns the value of the one sample of {@code name} whose labels include all of {@code labels}, given
     * as {@code key="value"} pairs separated by commas.
     */
    private static double value(String text, String name, String labels) {
        java.util.Set<String> wanted = labels.isEmpty() ? java.util.Set.of() : java.util.Set.of(labels.split(","));
        Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher m = sample.matcher(text);
        java.util.List<Double> values = new java.util.ArrayList<>();
        while (m.find()) {
            if (java.util.Set.of(m.group(1).split(",")).containsAll(wanted)) {
                values.add(Double.parseDouble(m.group(2)));
            }
        }
        assertThat(values).as("samples " + name + "{" + labels + "} in\n" + text).hasSize(1);
        return values.get(0);
    }

    private static boolean hasPromtool() {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
    }

    /** Runs {@code promtool check metrics} on the text and returns what it printed about problems. */
    private String promtool(String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as("promtool exit code: " + out).isZero();
        return out.strip();
    }

    private static HttpResponse<String> get(NodeProcess node, String path, String authorization) throws IOException, InterruptedException {
        String port = Files.readString(node.home().resolve("run/api.port")).trim();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
