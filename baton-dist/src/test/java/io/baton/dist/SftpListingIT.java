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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node does with the listing of a real sshd's folder: a file name with a newline is skipped
 * with one warning and left in place, and a folder of 5,000 files is processed with each output once.
 */
class SftpListingIT {

    static final int MANY = 5000;

    /** One sshd serves both tests; each test has folders of its own under {@link #tmp}. */
    @TempDir
    static Path serverDir;
    static OpenSshServer sshd;
    static Path knownHosts;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() throws Exception {
        sshd = OpenSshServer.start(serverDir);
        knownHosts = sshd.writeKnownHosts(serverDir.resolve("known_hosts"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        sshd.close();
    }

    @Test
    void newlineNameSkippedWithOneWarning() throws Exception {
        Path outbound = Files.createDirectories(tmp.resolve("remote/outbound"));
        Path outbox = tmp.resolve("outbox");
        // A POSIX file name may contain a newline; such a name would split a log line in two.
        Path hostile = Files.writeString(outbound.resolve("bad\nname.csv"), "id\n1\n");
        Files.writeString(outbound.resolve("ok.csv"), "id\n2\n");

        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess node = cluster.node("names-a");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, SftpFaultsIT.downloadService("names", sshd, knownHosts, outbound, outbox, outbound + "/done"));

            JsonNode first = TestCluster.runOnce(node, "names");
            JsonNode second = TestCluster.runOnce(node, "names");

            assertThat(first.path("state").asText()).as("state of " + first).isEqualTo("SUCCEEDED");
            assertThat(first.path("committed").asInt()).as("committed items of " + first).isEqualTo(1);
            assertThat(second.path("committed").asInt()).as("committed items of the second run " + second).isZero();
            assertThat(SftpServiceIT.filesIn(outbox)).as("outputs").containsExactly("ok.csv");
            assertThat(Files.readString(hostile)).as("the file with a newline in its name, on the server").isEqualTo("id\n1\n");
            assertThat(SftpServiceIT.filesIn(outbound)).as("left in the remote source").containsExactly("bad\nname.csv");
            // The service's log only: the node's log contains the same line.
            String logs = Files.readString(cluster.data.resolve("logs/service-names.log"));
            Matcher warnings = Pattern.compile("remote file \"bad\\\\nname\\.csv\" in " + Pattern.quote(outbound.toString())
                    + " on sftp://root@127\\.0\\.0\\.1:" + sshd.port() + " is rejected and left in place").matcher(logs);
            assertThat(warnings.find()).as("the warning with the name escaped, in the logs").isTrue();
            assertThat(warnings.find()).as("a second warning about the same name, after two runs").isFalse();
        }
    }

    @Test
    void fiveThousandFilesEachOnce() throws Exception {
        Path outbound = Files.createDirectories(tmp.resolve("remote/outbound"));
        Path outbox = tmp.resolve("outbox");
        for (int i = 0; i < MANY; i++) {
            Files.writeString(outbound.resolve("f%05d.csv".formatted(i)), "id\n" + i + "\n", StandardCharsets.UTF_8);
        }

        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess node = cluster.node("many-a");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, """
                    name: many
                    source: { type: sftp, uri: %s, %s, maxFilesPerRun: %d }
                    process: [ { type: copy } ]
                    targets: [ { path: %s } ]
                    onSuccess: { delete: true }
                    onFailure: { retries: 0 }
                    """.formatted(SftpFixtures.uri(sshd, outbound), SftpFixtures.connection(sshd, knownHosts), MANY, outbox));

            long start = System.nanoTime();
            JsonNode run = TestCluster.runOnce(node, "many");
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("SftpListingIT: one run processed %d remote files of a few bytes in %d ms (%.0f files/s)%n",
                    run.path("committed").asInt(), millis, run.path("committed").asInt() * 1000.0 / millis);

            assertThat(run.path("state").asText()).as("state of " + run).isEqualTo("SUCCEEDED");
            assertThat(run.path("committed").asInt()).as("committed items of " + run).isEqualTo(MANY);
            List<String> outputs = SftpServiceIT.filesIn(outbox);
            assertThat(outputs).as("outputs").hasSize(MANY);
            for (int i = 0; i < MANY; i += 499) {
                String name = "f%05d.csv".formatted(i);
                assertThat(outbox.resolve(name)).as("output " + name).hasContent("id\n" + i);
            }
            assertThat(SftpServiceIT.filesIn(outbound)).as("left in the remote source").isEmpty();
            assertThat(TestCluster.runOnce(node, "many").path("committed").asInt()).as("committed items of a second run").isZero();
        }
    }
}
