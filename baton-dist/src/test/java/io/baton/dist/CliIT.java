package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The baton command against a running node: exit codes, rejected descriptors, manual triggers and history. */
class CliIT {

    @TempDir
    Path tmp;

    @Test
    void commandsReportOutcomesWithExitCodes() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            // A service folder left without its descriptor, as an interrupted copy or a hand edit leaves it.
            Files.createDirectories(cluster.data.resolve("services/empty"));
            NodeProcess node = cluster.node("cli");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            NodeProcess.CliResult empty = node.cli("status", "empty");
            assertThat(empty.exitCode()).as("status of a folder without service.yaml: " + empty.err()).isZero();
            assertThat(empty.out()).contains("INVALID (service.yaml is missing in " + cluster.data.resolve("services/empty"))
                    .contains("deploy the service again or remove the folder").contains("descriptor: invalid")
                    .doesNotContain("schedule:").doesNotContain("NoSuchFileException");
            NodeProcess.CliResult nodeStatus = node.cli("status");
            assertThat(nodeStatus.out()).as("node status for people").contains("role:       ACTIVE").doesNotContain("{");
            Files.createDirectories(cluster.data.resolve("in"));
            Files.writeString(cluster.data.resolve("in/a.csv"), "id,name\n1,Zürich\n2,\"Sant Julià de Lòria\"\n");

            Path good = cluster.serviceFolder("good", """
                    name: good
                    source: { path: in, include: "*.csv" }
                    process: [ { type: csv-to-jsonl } ]
                    targets: [ { path: out, name: "{basename}.jsonl" } ]
                    """);
            assertThat(node.cli("deploy", good.toString()).exitCode()).as("deploy good").isZero();
            assertThat(node.cli("start", "good").exitCode()).as("start good").isZero();

            Path bad = cluster.serviceFolder("bad", """
                    name: bad
                    source: { path: in }
                    process: [ { type: csv-to-jsonl } ]
                    targets: [ { path: out, name: "{stem}.jsonl" } ]
                    """);
            NodeProcess.CliResult rejected = node.cli("deploy", bad.toString());
            assertThat(rejected.exitCode()).as("exit code of a rejected deploy").isEqualTo(1);
            assertThat(rejected.err()).as("message of a rejected deploy").contains("service.yaml").contains("targets[0].name").contains("{stem}");
            assertThat(node.cli("services").out()).as("services after a rejected deploy").contains("good").doesNotContain("bad ");
            assertThat(node.get("/api/services/good").path("state").asText()).as("good after a rejected deploy").isEqualTo("RUNNING");

            Path twin = cluster.serviceFolder("twin", """
                    name: twin
                    source: { path: other-in }
                    process: [ { type: copy } ]
                    targets: [ { path: out, name: "{basename}.jsonl" } ]
                    """);
            NodeProcess.CliResult clash = node.cli("deploy", twin.toString());
            assertThat(clash.exitCode()).as("exit code of a deploy whose target clashes").isEqualTo(1);
            assertThat(clash.err()).as("message of a target clash").contains("targets").contains("service good");

            NodeProcess.CliResult trigger = node.cli("trigger", "good");
            assertThat(trigger.exitCode()).as("trigger: " + trigger.err()).isZero();
            assertThat(trigger.out()).as("output of trigger").contains("run 1 of service good started; see baton run 1");
            NodeProcess.await(Duration.ofSeconds(30), "the output", () -> Files.exists(cluster.data.resolve("out/a.jsonl")));
            NodeProcess.await(Duration.ofSeconds(30), "the run to end", () -> !node.tryGet("/api/services/good").path("runInProgress").asBoolean(true));
            assertThat(Files.readString(cluster.data.resolve("out/a.jsonl")))
                    .isEqualTo("{\"id\":\"1\",\"name\":\"Zürich\"}\n{\"id\":\"2\",\"name\":\"Sant Julià de Lòria\"}\n");

            NodeProcess.CliResult badSince = node.cli("retry", "--service", "good", "--since", "yesterday");
            assertThat(badSince.exitCode()).as("exit code of a filter value the node rejects: " + badSince.err()).isEqualTo(2);
            assertThat(badSince.err()).contains("yesterday").contains("baton retry --help");

            NodeProcess.CliResult runs = node.cli("runs", "good");
            assertThat(runs.exitCode()).isZero();
            assertThat(runs.out()).as("runs").contains("SUCCEEDED");
            NodeProcess.CliResult run = node.cli("run", "1");
            assertThat(run.out()).as("run 1").contains("a.csv").contains("DISPOSED");

            // The service's log and the node logs through the API, with filters.
            NodeProcess.await(Duration.ofSeconds(10), "the run's log entries in " + node.tryGet("/api/logs?service=good&limit=5"),
                    () -> node.tryGet("/api/logs?service=good&run=1").toString().contains("Run 1 of service good"));
            NodeProcess.CliResult serviceLog = node.cli("logs", "good", "--run", "1");
            assertThat(serviceLog.exitCode()).as("logs of a service: " + serviceLog.err()).isZero();
            assertThat(serviceLog.out().lines()).as("log lines of run 1").isNotEmpty().allMatch(l -> l.contains(" service=good run=1 "));
            NodeProcess.CliResult warnings = node.cli("logs", "--level", "WARN", "--grep", "target");
            assertThat(warnings.exitCode()).as("logs at WARN: " + warnings.err()).isZero();
            assertThat(warnings.out().lines()).as("node log lines at WARN and above").allMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "));
            NodeProcess.CliResult started = node.cli("logs", "--node", "cli", "--grep", "started", "--limit", "1");
            assertThat(started.out().lines()).as("the newest node log line containing 'started'").hasSize(1);
            NodeProcess.CliResult badLevel = node.cli("logs", "--level", "LOUD");
            assertThat(badLevel.exitCode()).as("exit code of an unknown level").isEqualTo(2);
            assertThat(badLevel.err()).contains("invalid level 'LOUD'").contains("WARN");

            assertThat(node.cli("frobnicate").exitCode()).as("exit code of an unknown command").isEqualTo(2);
            assertThat(node.cli("start").exitCode()).as("exit code of a missing argument").isEqualTo(2);
            NodeProcess.CliResult missing = node.cli("start", "nope");
            assertThat(missing.exitCode()).as("exit code for an unknown service").isEqualTo(1);
            assertThat(missing.err()).contains("nope").contains("not deployed");

            NodeProcess.CliResult kill = node.cli("kill", "good");
            assertThat(kill.exitCode()).as("kill: " + kill.err()).isZero();
            assertThat(node.get("/api/services/good").path("state").asText()).as("state after kill").isEqualTo("STOPPED");
            assertThat(io.baton.testkit.Signals.workersOf(cluster.data)).as("workers after kill").isEmpty();
            NodeProcess.CliResult undeploy = node.cli("undeploy", "good");
            assertThat(undeploy.exitCode()).as("undeploy: " + undeploy.err()).isZero();
            assertThat(undeploy.out()).as("undeploy message").startsWith("Service good undeployed");
            assertThat(Files.exists(cluster.data.resolve("services/good"))).as("service folder after undeploy").isFalse();
            assertThat(node.cli("status", "good").exitCode()).as("status of an undeployed service").isEqualTo(1);
            assertThat(node.cli("runs", "good").out()).as("history after undeploy").contains("SUCCEEDED");

            assertThat(node.call("GET", "/api/services", null).status()).as("status with a token").isEqualTo(200);
            assertThat(unauthenticatedStatus(node)).as("status without a token").isEqualTo(401);

            NodeProcess.CliResult stop = node.cli("node", "stop");
            assertThat(stop.exitCode()).as("node stop: " + stop.err()).isZero();
            assertThat(node.awaitExit(Duration.ofSeconds(30))).as("daemon exit status").isZero();
            NodeProcess.CliResult unreachable = node.cli("services");
            assertThat(unreachable.exitCode()).as("exit code with no node running").isEqualTo(1);
            assertThat(unreachable.err()).contains("baton node");
        }
    }

    private static int unauthenticatedStatus(NodeProcess node) throws Exception {
        String port = Files.readString(node.home().resolve("run/api.port")).trim();
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/services")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }
}
