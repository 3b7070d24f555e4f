package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.VsftpdServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that reads from and delivers to a real vsftpd over FTPS on 127.0.0.1, with names in three
 * scripts, a remote archive after the commit, and a second run that finds nothing new.
 */
class FtpServiceIT {

    @TempDir
    Path tmp;
    VsftpdServer ftps;

    @BeforeAll
    static void needsVsftpd() throws Exception {
        VsftpdServer.requireVsftpd();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (ftps != null) {
            ftps.close();
        }
    }

    @Test
    void ftpsSourceToFtpsTargetOnce() throws Exception {
        // The FTP user is not root: it must reach the server's folders under the test's temporary folder.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        ftps = VsftpdServer.start(Files.createDirectories(tmp.resolve("ftps")), true);
        Path password = Files.writeString(tmp.resolve("ftp-password"), ftps.password() + "\n");
        Path outbound = ftps.createUserFolder("outbound");
        Path inbound = ftps.createUserFolder("inbound");
        List<String> names = List.of("Überweisung_März.csv", "订单_2024.csv", "café ñ.csv");
        for (String n : names) {
            Files.writeString(outbound.resolve(n), "id,name\n1,a\n", StandardCharsets.UTF_8);
        }

        String remote = "credentials: { passwordFile: " + password + " }, trustedCertificates: " + ftps.certificate()
                + ", retries: 2, retryBackoff: 500ms, idleTimeout: 10s";
        String uri = "ftps://" + VsftpdServer.USER + "@127.0.0.1:" + ftps.port();
        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess node = cluster.node("ftp-a");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, """
                    name: partner
                    source: { type: ftps, uri: "%s%s", %s }
                    process: [ { type: csv-to-jsonl } ]
                    targets: [ { type: ftps, uri: "%s%s", name: "{basename}.jsonl", %s } ]
                    onSuccess: { archive: "%s/done" }
                    """.formatted(uri, outbound, remote, uri, inbound, remote, outbound));

            JsonNode run = TestCluster.runOnce(node, "partner");
            assertThat(run.path("committed").asInt()).as("committed items of " + run).isEqualTo(3);
            for (String n : names) {
                assertThat(inbound.resolve(n.replace(".csv", ".jsonl"))).as("delivered output of " + n)
                        .hasContent("{\"id\":\"1\",\"name\":\"a\"}");
                assertThat(outbound.resolve("done").resolve(n.replace(".csv", ".run-" + run.path("runId").asLong() + ".csv")))
                        .as("archived input " + n).exists();
            }
            assertThat(SftpServiceIT.filesIn(inbound)).as("files in the remote target").hasSize(3);
            assertThat(SftpServiceIT.filesIn(outbound)).as("left in the remote source").isEmpty();

            JsonNode again = TestCluster.runOnce(node, "partner");
            assertThat(again.path("committed").asInt()).as("second run of " + again).isZero();
        }
    }
}
