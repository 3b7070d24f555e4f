package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.Signals;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings, variables and secrets on a real node: set through the CLI and the API, seen by the worker at its
 * start, reported as pending after a change, exported masked, and never shown anywhere an operator can read.
 */
class SettingsIT {

    private static final String VARIABLE_SECRET = "var-secret-Q7x9Lm2p";
    private static final String SETTING_SECRET = "setting-secret-Z3k8Wn5r";
    private static final String PENDING = "settings changed; they take effect at the next start";

    private static final String ECHO = """
            name: echo
            source: { path: in }
            process:
              - type: class
                class: io.baton.testkit.steps.PropertyEchoStep
                settings: { echo: "greeting,apiKey,region,password,literal" }
            targets: [ { path: out, name: "{name}" } ]
            onSuccess: { delete: true }
            properties:
              greeting: hello ${GREETING_TARGET}
              apiKey: ${API_KEY}
              region: eu
              literal: $${HOME}
            """;

    @TempDir
    Path tmp;

    @Test
    void workerSeesSettingsAndSecretsNeverLeak() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp.resolve("first"))) {
            NodeProcess node = cluster.node("settings");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = Files.createDirectories(cluster.data.resolve("in"));
            Path out = cluster.data.resolve("out");
            NodeProcess.CliResult deploy = node.cli("deploy", cluster.serviceFolder("echo", ECHO).toString());
            assertThat(deploy.exitCode()).as("deploy: " + deploy.err()).isZero();

            storeValues(node);
            checkListings(node);
            checkRejections(node);

            assertThat(node.cli("start", "echo").exitCode()).as("start").isZero();
            Files.writeString(in.resolve("a.txt"), "x");
            JsonNode firstRun = TestCluster.runOnce(node, "echo");
            assertThat(Files.readAllLines(out.resolve("a.txt"))).as("properties the first worker saw").containsExactly(
                    "greeting=hello world", "apiKey=" + VARIABLE_SECRET, "region=us", "password=" + SETTING_SECRET, "literal=${HOME}");
            assertThat(node.get("/api/services/echo").path("settingsChanged").asBoolean()).as("changed before any change").isFalse();

            checkPendingChange(node);

            assertThat(node.cli("stop", "echo").exitCode()).as("stop").isZero();
            assertThat(node.cli("start", "echo").exitCode()).as("start again").isZero();
            assertThat(node.get("/api/services/echo").path("settingsChanged").asBoolean()).as("changed after the restart").isFalse();
            Files.writeString(in.resolve("b.txt"), "x");
            TestCluster.runOnce(node, "echo");
            assertThat(Files.readAllLines(out.resolve("b.txt"))).as("properties after the restart")
                    .contains("greeting=hello there", "region=ap", "password=" + SETTING_SECRET);

            checkUnknownVariable(node);
            checkFlags(node);

            Path archive = tmp.resolve("echo.zip");
            NodeProcess.CliResult export = node.cli("export", "echo", "--output", archive.toString());
            assertThat(export.exitCode()).as("export: " + export.err()).isZero();
            String exportedSettings = entry(Files.readAllBytes(archive), "settings.json");
            assertThat(exportedSettings).as("settings.json of the archive").contains("********").contains("\"region\"")
                    .contains("GREETING_TARGET").contains("API_KEY");

            SecretLeakCheck leaks = new SecretLeakCheck(cluster, List.of(VARIABLE_SECRET, SETTING_SECRET));
            long item = TestCluster.itemsOf(node, firstRun).get(0).path("id").asLong();
            String runId = firstRun.path("runId").asText();
            leaks.scanApiGets(node, Map.of("name", "echo", "id", runId), Map.of(
                    "/api/variables/{name}", List.of("/api/variables/API_KEY", "/api/variables/GREETING_TARGET"),
                    "/api/items/{id}", List.of("/api/items/" + item),
                    "/api/items/{id}/lineage", List.of("/api/items/" + item + "/lineage"),
                    "/api/cron", List.of("/api/cron?expression=0+*+*+*+*")));
            for (List<String> command : List.of(List.of("services"), List.of("status"), List.of("status", "echo"), List.of("status", "echo", "--json"),
                    List.of("settings", "echo"), List.of("settings", "echo", "--json"), List.of("variables"), List.of("variables", "--json"),
                    List.of("versions", "echo"), List.of("runs", "echo"), List.of("run", runId), List.of("waiting", "echo"),
                    List.of("schedule", "echo"), List.of("audit"), List.of("actions"), List.of("cluster"), List.of("user", "list"),
                    List.of("token", "list"), List.of("lineage", "--service", "echo"))) {
                leaks.scanCli(node, command.toArray(String[]::new));
            }
            leaks.scanBytes("exported archive " + archive.getFileName(), Files.readAllBytes(archive));

            checkDeployElsewhere(archive);

            node.signal("TERM");
            node.awaitExit(Duration.ofSeconds(60));
            leaks.scanNodeLogs().scanAuditRows().assertNoLeaks();
            assertThat(leaks.scanned()).as("places scanned").anyMatch(p -> p.startsWith("log file logs/"))
                    .anyMatch(p -> p.startsWith("audit row")).anyMatch(p -> p.contains("entry settings.json"));
        }
    }

    /** Stores a plain variable and a plain setting through the CLI, a secret variable through the API and a secret setting through the CLI. */
    private static void storeValues(NodeProcess node) throws Exception {
        NodeProcess.CliResult variable = node.cli("variables", "--set", "GREETING_TARGET=world");
        assertThat(variable.exitCode()).as("variables --set: " + variable.err()).isZero();
        assertThat(variable.out()).as("variables --set output").contains("Variable GREETING_TARGET stored").contains("next start");

        NodeProcess.Response secretVariable = node.call("PUT", "/api/variables/API_KEY", Map.of("value", VARIABLE_SECRET, "secret", true));
        assertThat(secretVariable.status()).as("PUT secret variable: " + secretVariable.body()).isEqualTo(200);
        assertThat(secretVariable.body().has("value")).as("value in the PUT response").isFalse();

        NodeProcess.CliResult setting = node.cli("settings", "echo", "--set", "region=us");
        assertThat(setting.exitCode()).as("settings --set: " + setting.err()).isZero();
        assertThat(setting.out()).as("settings --set output").contains("Setting region of service echo stored");

        NodeProcess.CliResult secret = node.cliWithInput(SETTING_SECRET + "\n", "settings", "echo", "--secret", "password", "--secret-stdin");
        assertThat(secret.exitCode()).as("settings --secret: " + secret.err()).isZero();

        // A secret takes no value from the command line, where other users could read it in the process list.
        NodeProcess.CliResult plainForSecret = node.cli("variables", "--set", "API_KEY=typed-on-the-command-line");
        assertThat(plainForSecret.exitCode()).as("variables --set of a secret").isNotZero();
        assertThat(plainForSecret.err()).as("message of variables --set of a secret").contains("is a secret and stays one")
                .contains("--secret API_KEY");
        assertThat(node.get("/api/variables/API_KEY").toString()).as("the secret after the rejected --set").doesNotContain("typed-on");
    }

    private static void checkListings(NodeProcess node) throws Exception {
        JsonNode settings = node.get("/api/services/echo/settings");
        assertThat(settings.path("properties").path("region").path("value").asText()).as("region").isEqualTo("us");
        assertThat(settings.path("properties").path("region").path("source").asText()).as("region source").isEqualTo("settings");
        assertThat(settings.path("properties").path("apiKey").path("value").asText()).as("apiKey, not expanded").isEqualTo("${API_KEY}");
        JsonNode password = settings.path("properties").path("password");
        assertThat(password.path("secret").asBoolean()).as("password is secret").isTrue();
        assertThat(password.path("set").asBoolean()).as("password is set").isTrue();
        assertThat(password.has("value")).as("password value shown").isFalse();

        JsonNode variable = node.get("/api/variables/API_KEY");
        assertThat(variable.path("secret").asBoolean()).as("API_KEY is secret").isTrue();
        assertThat(variable.has("value")).as("API_KEY value shown").isFalse();

        NodeProcess.CliResult list = node.cli("settings", "echo");
        assertThat(list.out()).as("settings listing").contains("(secret, set)").contains("us").contains("autoStart:   off (descriptor)");
    }

    private static void checkRejections(NodeProcess node) {
        NodeProcess.Response badName = node.call("PUT", "/api/variables/1bad", Map.of("value", "x"));
        assertThat(badName.status()).as("status of a bad variable name").isEqualTo(400);
        assertThat(badName.body().path("field").asText()).as("field of a bad variable name").isEqualTo("name");

        NodeProcess.Response badValue = node.call("PUT", "/api/services/echo/settings/region", Map.of("value", 5));
        assertThat(badValue.status()).as("status of a number value").isEqualTo(400);
        assertThat(badValue.body().path("field").asText()).as("field of a number value").isEqualTo("value");

        NodeProcess.Response unsecret = node.call("PUT", "/api/services/echo/settings/password", Map.of("value", "plain", "secret", false));
        assertThat(unsecret.status()).as("status of turning a secret plain").isEqualTo(400);

        NodeProcess.Response unknown = node.call("PUT", "/api/services/nosuch/settings/region", Map.of("value", "x"));
        assertThat(unknown.status()).as("status for an unknown service").isEqualTo(404);

        NodeProcess.Response badFlag = node.call("PUT", "/api/services/echo/flags", Map.of("autoStart", "maybe"));
        assertThat(badFlag.status()).as("status of a bad flag").isEqualTo(400);
        assertThat(badFlag.body().path("field").asText()).as("field of a bad flag").isEqualTo("autoStart");
    }

    private static void checkPendingChange(NodeProcess node) throws Exception {
        NodeProcess.Response change = node.call("PUT", "/api/services/echo/settings/region", Map.of("value", "ap"));
        assertThat(change.status()).as("PUT region: " + change.body()).isEqualTo(200);
        assertThat(change.body().path("message").asText()).as("PUT message").contains("next start");
        assertThat(node.cli("variables", "--set", "GREETING_TARGET=there").exitCode()).as("variables --set again").isZero();

        JsonNode view = node.get("/api/services/echo");
        assertThat(view.path("settingsChanged").asBoolean()).as("settingsChanged after a change").isTrue();
        assertThat(view.path("note").asText()).as("note after a change").isEqualTo(PENDING);
        assertThat(node.cli("status", "echo").out()).as("baton status after a change").contains(PENDING);
        assertThat(node.cli("settings", "echo").out()).as("baton settings after a change").contains(PENDING);

        JsonNode audit = node.get("/api/audit?action=set-setting&limit=1");
        assertThat(audit.get(0).path("service").asText()).as("service of the audit row").isEqualTo("echo");
        assertThat(audit.get(0).path("target").asText()).as("target of the audit row").isEqualTo("region");
        assertThat(audit.get(0).path("outcome").asText()).as("outcome of the audit row").isEqualTo("done");
    }

    private static void checkUnknownVariable(NodeProcess node) throws Exception {
        assertThat(node.cli("settings", "echo", "--set", "broken=${NOPE}").exitCode()).as("set a broken reference").isZero();
        assertThat(node.cli("stop", "echo").exitCode()).as("stop").isZero();
        NodeProcess.CliResult start = node.cli("start", "echo");
        assertThat(start.exitCode()).as("start with an unknown variable").isNotZero();
        assertThat(start.err()).as("start error").contains("service echo").contains("property broken").contains("${NOPE}")
                .contains("baton variables");
        assertThat(node.get("/api/services/echo").path("state").asText()).as("state after the failed start").isEqualTo("FAILED");

        assertThat(node.cli("settings", "echo", "--unset", "broken").exitCode()).as("unset the broken reference").isZero();
        assertThat(node.cli("start", "echo").exitCode()).as("start after the fix").isZero();
    }

    /** The restart flag takes effect at the next worker death, the start flag at the next takeover. */
    private static void checkFlags(NodeProcess node) throws Exception {
        NodeProcess.CliResult restart = node.cli("autorestart", "echo", "off");
        assertThat(restart.exitCode()).as("autorestart off: " + restart.err()).isZero();
        assertThat(restart.out()).as("autorestart output").contains("autoRestart: off (settings)");
        long pid = node.get("/api/services/echo").path("workerPid").asLong();
        Signals.send("KILL", pid);
        NodeProcess.await(Duration.ofSeconds(60), "service echo to fail", () -> "FAILED".equals(node.tryGet("/api/services/echo").path("state").asText()));
        assertThat(node.get("/api/services/echo").path("reason").asText()).as("reason").contains("automatic restart is off");

        assertThat(node.cli("autostart", "echo", "on").exitCode()).as("autostart on").isZero();
        assertThat(node.get("/api/services/echo").path("autoStart").asBoolean()).as("autoStart in the service view").isTrue();
        node.signal("TERM");
        node.awaitExit(Duration.ofSeconds(60));
        node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
        NodeProcess.await(Duration.ofSeconds(60), "service echo to start by itself",
                () -> "RUNNING".equals(node.tryGet("/api/services/echo").path("state").asText()));
    }

    /** A deploy of the export on another cluster names the secrets to set, and the service cannot start before. */
    private void checkDeployElsewhere(Path archive) throws Exception {
        try (TestCluster other = new TestCluster(tmp.resolve("second"))) {
            NodeProcess node = other.node("elsewhere");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            NodeProcess.CliResult deploy = node.cli("deploy", archive.toString());
            assertThat(deploy.exitCode()).as("deploy of the archive: " + deploy.err()).isZero();
            assertThat(deploy.out()).as("deploy output").contains("baton settings echo --secret password")
                    .contains("baton variables --secret API_KEY");

            NodeProcess.CliResult start = node.cli("start", "echo");
            assertThat(start.exitCode()).as("start before the secrets are set").isNotZero();
            assertThat(start.err()).as("start error").contains("setting password is a secret that is not set")
                    .contains("baton variables --secret API_KEY");
            JsonNode settings = node.get("/api/services/echo/settings");
            assertThat(settings.path("properties").path("region").path("value").asText()).as("plain setting imported").isEqualTo("ap");
            assertThat(settings.path("properties").path("password").path("set").asBoolean()).as("secret imported as set").isFalse();
            assertThat(node.get("/api/variables/GREETING_TARGET").path("value").asText()).as("plain variable imported").isEqualTo("there");
        }
    }

    private static String entry(byte[] zip, String name) throws Exception {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals(name)) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("the archive has no entry " + name);
    }
}
