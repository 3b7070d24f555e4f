package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.OpenSshServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services whose SFTP settings are wrong: at run time (unknown or changed host key, wrong key, wrong
 * password, server down), where the run fails, names the server, the folder and the fix, and leaves
 * the input on the server; and at deploy (a missing credentials or known-hosts file, an output name
 * with a slash), where the descriptor is rejected with the field named.
 */
class SftpSettingsIT {

    @TempDir
    Path tmp;

    /** One service with wrong settings: its name, its credentials and known-hosts fields, and what its run must report. */
    private record BadSetting(String service, String connection, List<String> expected) {
    }

    @Test
    void wrongSettingsFailRunsAndKeepInputs() throws Exception {
        try (OpenSshServer sshd = OpenSshServer.start(Files.createDirectories(tmp.resolve("sshd")))) {
            Path knownHosts = sshd.writeKnownHosts(tmp.resolve("known_hosts"));
            Path emptyHosts = Files.createFile(tmp.resolve("known_hosts_empty"));
            Path otherKey = tmp.resolve("other_key");
            Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", otherKey.toString())
                    .redirectErrorStream(true).start();
            assertThat(keygen.waitFor(60, TimeUnit.SECONDS) && keygen.exitValue() == 0).as("ssh-keygen of another key").isTrue();
            Path wrongPassword = Files.writeString(tmp.resolve("wrong.password"), "not the password\n");
            String server = "sftp://root@127.0.0.1:" + sshd.port();

            List<BadSetting> againstRunningServer = List.of(
                    new BadSetting("unknown-key", "credentials: { keyFile: " + sshd.clientKey() + " }, knownHosts: " + emptyHosts,
                            List.of("rejected before login", "is unknown", "ssh-keyscan -p " + sshd.port() + " 127.0.0.1")),
                    new BadSetting("wrong-key", "credentials: { keyFile: " + otherKey + " }, knownHosts: " + knownHosts,
                            List.of("login to " + server + " failed", "key in " + otherKey, "check the user in uri and the credentials")),
                    new BadSetting("wrong-password", "credentials: { passwordFile: " + wrongPassword + " }, knownHosts: " + knownHosts,
                            List.of("login to " + server + " failed", "password in " + wrongPassword, "check the user in uri")));
            BadSetting changed = new BadSetting("changed-key", "credentials: { keyFile: " + sshd.clientKey() + " }, knownHosts: "
                    + knownHosts, List.of("rejected before login", "has CHANGED", "ssh-keygen -R '[127.0.0.1]:" + sshd.port() + "'"));
            BadSetting down = new BadSetting("down", "credentials: { keyFile: " + sshd.clientKey() + " }, knownHosts: " + knownHosts
                    + ", retries: 1, retryBackoff: 200ms", List.of("cannot connect to " + server, "check that the server runs"));

            try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
                NodeProcess node = cluster.node("settings-a");
                node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
                for (BadSetting bad : List.of(againstRunningServer.get(0), againstRunningServer.get(1), againstRunningServer.get(2), changed, down)) {
                    Path outbound = Files.createDirectories(tmp.resolve("remote").resolve(bad.service()));
                    Files.writeString(outbound.resolve("in.csv"), "id\n1\n", StandardCharsets.UTF_8);
                    cluster.deployAndStart(node, """
                            name: %s
                            source: { type: sftp, uri: "%s%s", %s }
                            process: [ { type: copy } ]
                            targets: [ { path: %s } ]
                            onSuccess: { delete: true }
                            """.formatted(bad.service(), server, outbound, bad.connection(), tmp.resolve("outbox").resolve(bad.service())));
                }

                for (BadSetting bad : againstRunningServer) {
                    checkFailedRun(node, bad, server);
                }
                sshd.changeHostKey();
                checkFailedRun(node, changed, server);
                sshd.kill();
                checkFailedRun(node, down, server);
            }
        }
    }

    /** Runs a service with a wrong setting and checks that the run failed as {@code bad} expects and took nothing. */
    private void checkFailedRun(NodeProcess node, BadSetting bad, String server) throws Exception {
        Path outbound = tmp.resolve("remote").resolve(bad.service());
        JsonNode run = TestCluster.runOnce(node, bad.service());

        assertThat(run.path("state").asText()).as("state of the run of " + bad.service() + ": " + run).isEqualTo("FAILED");
        String reason = run.path("reason").asText();
        assertThat(reason).as("reason of the run of " + bad.service()).contains(server);
        assertThat(reason).as("reason of the run of " + bad.service()).contains(outbound.toString());
        for (String part : bad.expected()) {
            assertThat(reason).as("reason of the run of " + bad.service()).contains(part);
        }
        assertThat(run.path("committed").asInt()).as("committed items of " + bad.service()).isZero();
        assertThat(TestCluster.itemsOf(node, run)).as("work items of the run of " + bad.service()).isEmpty();
        assertThat(SftpServiceIT.filesIn(outbound)).as("input of " + bad.service() + " on the server").containsExactly("in.csv");
        assertThat(SftpServiceIT.filesIn(tmp.resolve("outbox").resolve(bad.service()))).as("outputs of " + bad.service()).isEmpty();
    }

    @Test
    void missingFilesRejectDeploy() throws Exception {
        Path key = Files.writeString(tmp.resolve("key"), "not checked at deploy\n");
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), "");
        Path missing = tmp.resolve("missing");
        String uri = "\"sftp://root@127.0.0.1:2222/outbound\"";
        // Each case: the source's connection fields, and the field that the rejection must name.
        List<List<String>> cases = List.of(
                List.of("credentials: { keyFile: " + missing + " }, knownHosts: " + knownHosts, "source.credentials.keyFile"),
                List.of("credentials: { passwordFile: " + missing + " }, knownHosts: " + knownHosts, "source.credentials.passwordFile"),
                List.of("credentials: { keyFile: " + key + " }, knownHosts: " + missing, "source.knownHosts"));

        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess node = cluster.node("deploy-a");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            for (int i = 0; i < cases.size(); i++) {
                String name = "missing-" + i;
                Path folder = cluster.serviceFolder(name, """
                        name: %s
                        source: { type: sftp, uri: %s, %s }
                        process: [ { type: copy } ]
                        targets: [ { path: %s } ]
                        onSuccess: { delete: true }
                        """.formatted(name, uri, cases.get(i).get(0), tmp.resolve("outbox")));
                NodeProcess.CliResult r = node.cli("deploy", folder.toString());
                String field = cases.get(i).get(1);
                assertThat(r.exitCode()).as("exit code of the deploy without " + field + ": " + r.out() + r.err()).isNotZero();
                assertThat(r.err()).as("error of the deploy without " + field).contains("'" + field + "'");
                assertThat(r.err()).as("error of the deploy without " + field).contains(missing.toString());
                assertThat(r.err()).as("error of the deploy without " + field).contains("does not exist on this node");
            }

            // Only the template can bring a slash into an output name: a remote input name never contains one.
            Path slash = cluster.serviceFolder("slash", """
                    name: slash
                    source: { type: sftp, uri: %s, credentials: { keyFile: %s }, knownHosts: %s }
                    process: [ { type: copy } ]
                    targets: [ { type: sftp, uri: "sftp://root@127.0.0.1:2222/inbound", credentials: { keyFile: %s },
                                 knownHosts: %s, name: "sub/{name}" } ]
                    onSuccess: { delete: true }
                    """.formatted(uri, key, knownHosts, key, knownHosts));
            NodeProcess.CliResult r = node.cli("deploy", slash.toString());
            assertThat(r.exitCode()).as("exit code of the deploy of an output name with a slash: " + r.out() + r.err()).isNotZero();
            assertThat(r.err()).as("error of the deploy of an output name with a slash").contains("'targets[0].name'").contains("sub/{name}");
            assertThat(node.get("/api/services").toString()).as("deployed services").doesNotContain("missing-").doesNotContain("slash");

            // A key protected by a passphrase needs the passphrase beside it.
            Path locked = tmp.resolve("locked_key");
            Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "key-phrase", "-f", locked.toString())
                    .redirectErrorStream(true).start();
            assertThat(keygen.waitFor()).as("ssh-keygen exit code").isZero();
            NodeProcess.CliResult noPassphrase = node.cli("deploy", cluster.serviceFolder("locked", """
                    name: locked
                    source: { type: sftp, uri: %s, credentials: { keyFile: %s }, knownHosts: %s }
                    process: [ { type: copy } ]
                    targets: [ { path: %s } ]
                    onSuccess: { delete: true }
                    """.formatted(uri, locked, knownHosts, tmp.resolve("outbox-locked"))).toString());
            assertThat(noPassphrase.exitCode()).as("exit code of the deploy of an encrypted key without passphrase").isNotZero();
            assertThat(noPassphrase.err()).as("error of the deploy of an encrypted key without passphrase")
                    .contains("'source.credentials.passphraseFile'").contains(locked + ", which is encrypted");

            // Two services on one remote folder race for its files, as on a local one.
            String reader = """
                    name: %s
                    source: { type: sftp, uri: %s, credentials: { keyFile: %s }, knownHosts: %s }
                    process: [ { type: copy } ]
                    targets: [ { path: %s } ]
                    onSuccess: { delete: true }
                    """;
            NodeProcess.CliResult first = node.cli("deploy", cluster.serviceFolder("reader-a", reader.formatted("reader-a", uri, key, knownHosts,
                    tmp.resolve("outbox-a"))).toString());
            assertThat(first.exitCode()).as("deploy of the first reader: " + first.err()).isZero();
            NodeProcess.CliResult second = node.cli("deploy", cluster.serviceFolder("reader-b", reader.formatted("reader-b", uri, key, knownHosts,
                    tmp.resolve("outbox-b"))).toString());
            assertThat(second.exitCode()).as("exit code of the deploy of a second reader of one remote folder").isNotZero();
            assertThat(second.err()).as("error of the deploy of a second reader of one remote folder").contains("'source.uri'")
                    .contains("also read by service reader-a");
        }
    }
}
