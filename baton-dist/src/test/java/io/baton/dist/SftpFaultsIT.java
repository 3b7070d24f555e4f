package io.baton.dist;

import static io.baton.dist.SftpFixtures.MB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import io.baton.testkit.OpenSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node against a real OpenSSH sshd that fails in the middle of the work: killed during a 200 MB
 * download and during a 200 MB upload (restarted a second later), killed during a batch (left down), and
 * a remote archive folder whose path is taken by a plain file. A download from a stalled sshd is
 * stopped within the stop grace period.
 */
class SftpFaultsIT {

    static final long BIG = 200 * MB;
    /** The size of the partial file at which the test kills sshd: well inside the transfer. */
    static final long KILL_AT = 30 * MB;

    @TempDir
    Path tmp;
    final List<OpenSshServer> servers = new ArrayList<>();

    @BeforeAll
    static void needsSshd() {
        OpenSshServer.requireSshd();
    }

    @AfterEach
    void stopServers() throws Exception {
        for (OpenSshServer s : servers) {
            s.close();
        }
    }

    private OpenSshServer startSshd(String name) throws Exception {
        OpenSshServer sshd = OpenSshServer.start(Files.createDirectories(tmp.resolve(name)));
        servers.add(sshd);
        return sshd;
    }

    @Test
    void serverKilledDuringDownload() throws Exception {
        OpenSshServer sshd = startSshd("sshd");
        Path knownHosts = sshd.writeKnownHosts(tmp.resolve("known_hosts"));
        Path outbound = Files.createDirectories(tmp.resolve("remote/outbound"));
        Path input = SftpFixtures.randomFile(outbound.resolve("big.bin"), BIG);
        String checksum = SftpFixtures.sha256(input);
        Path outbox = tmp.resolve("outbox");

        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess node = cluster.node("down-a");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, downloadService("bigdown", sshd, knownHosts, outbound, outbox, outbound + "/done"));

            CompletableFuture<JsonNode> run = SftpFixtures.runInBackground(node, "bigdown");
            Path partial = SftpFixtures.awaitGrowing(cluster.data.resolve("work"), ".download.part"::equals, KILL_AT, Duration.ofSeconds(60));
            sshd.kill();
            assertThat(Files.exists(outbox.resolve("big.bin"))).as("output before the download was complete").isFalse();
            Thread.sleep(1000);
            sshd.restart();
            JsonNode last = run.get(120, TimeUnit.SECONDS);

            assertThat(last.path("state").asText()).as("state of " + last).isEqualTo("SUCCEEDED");
            assertThat(last.path("committed").asInt()).as("committed items of " + last).isEqualTo(1);
            assertThat(SftpServiceIT.filesIn(outbox)).as("files in the target folder").containsExactly("big.bin");
            assertThat(Files.size(outbox.resolve("big.bin"))).as("size of the output").isEqualTo(BIG);
            assertThat(SftpFixtures.sha256(outbox.resolve("big.bin"))).as("checksum of the output").isEqualTo(checksum);
            assertThat(SftpFixtures.filesUnder(cluster.data.resolve("work"))).as("files left in staging, such as " + partial)
                    .isEmpty();
            assertThat(SftpServiceIT.filesIn(outbound.resolve("done"))).as("archived remote input").hasSize(1);
            assertThat(SftpServiceIT.filesIn(outbound)).as("left in the remote source").isEmpty();
            assertThat(SftpFixtures.logs(cluster.data)).as("the retry in the logs")
                    .containsPattern("attempt 1 of 6 on sftp://root@127\\.0\\.0\\.1:" + sshd.port() + " failed for "
                            + outbound + "/big\\.bin; retrying");
        }
    }

    @Test
    void stopEndsStalledDownloadWithinGrace() throws Exception {
        OpenSshServer sshd = startSshd("sshd");
        Path knownHosts = sshd.writeKnownHosts(tmp.resolve("known_hosts"));
        Path outbound = Files.createDirectories(tmp.resolve("remote/outbound"));
        Path input = SftpFixtures.randomFile(outbound.resolve("big.bin"), BIG);
        String checksum = SftpFixtures.sha256(input);
        Path outbox = tmp.resolve("outbox");
        // The idle timeout is three times the stop grace period (10 s by default), so a stop that waits for it overruns the grace.
        String service = downloadService("stalled", sshd, knownHosts, outbound, outbox, outbound + "/done")
                .replace("idleTimeout: 10s", "idleTimeout: 30s");

        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess node = cluster.node("stall-a");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, service);

            CompletableFuture<JsonNode> run = SftpFixtures.runInBackground(node, "stalled");
            SftpFixtures.awaitGrowing(cluster.data.resolve("work"), ".download.part"::equals, KILL_AT, Duration.ofSeconds(60));
            // Freeze sshd's connection processes: the TCP connection stays open and no more data comes.
            List<ProcessHandle> sessions = sshd.connectionProcesses();
            assertThat(sessions).as("sshd processes of the node's connection").isNotEmpty();
            signal(sessions, "STOP");
            long stopMillis;
            JsonNode stopped;
            try {
                long start = System.nanoTime();
                NodeProcess.CliResult stop = node.cli("stop", "stalled");
                stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(stop.exitCode()).as("stop: " + stop.err()).isZero();
                stopped = run.get(60, TimeUnit.SECONDS);
            } finally {
                signal(sessions, "CONT");
            }

            assertThat(stopMillis).as("duration of the stop in ms, with an idle timeout of 30 s").isLessThan(15_000);
            String logs = SftpFixtures.logs(cluster.data);
            assertThat(logs).as("the worker killed after the grace period").doesNotContain("did not reach a commit point");
            assertThat(logs).as("the stopped download in the logs").containsPattern("Run " + stopped.path("runId").asLong()
                    + " of service stalled on node stall-a: the download of big\\.bin from .* was stopped by request");
            assertThat(stopped.path("reason").asText()).as("reason of " + stopped).contains("stopped by request").doesNotContain("no data");
            assertThat(TestCluster.itemsOf(node, stopped).path(0).path("state").asText()).as("item of " + stopped).isEqualTo("RELEASED");
            assertThat(SftpFixtures.filesUnder(cluster.data.resolve("work"))).as("files left in staging").isEmpty();
            assertThat(SftpFixtures.filesUnder(outbox)).as("files in the target folder after the stop").isEmpty();
            assertThat(SftpFixtures.sha256(input)).as("checksum of the remote input after the stop").isEqualTo(checksum);

            assertThat(node.cli("start", "stalled").exitCode()).as("start again").isZero();
            JsonNode next = TestCluster.runOnce(node, "stalled");
            assertThat(next.path("state").asText()).as("state of " + next).isEqualTo("SUCCEEDED");
            assertThat(next.path("committed").asInt()).as("committed items of " + next).isEqualTo(1);
            assertThat(SftpServiceIT.filesIn(outbox)).as("files in the target folder").containsExactly("big.bin");
            assertThat(SftpFixtures.sha256(outbox.resolve("big.bin"))).as("checksum of the output").isEqualTo(checksum);
        }
    }

    private static void signal(List<ProcessHandle> processes, String name) throws Exception {
        for (ProcessHandle p : processes) {
            new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor();
        }
    }

    /** Returns a service that copies each file of a remote folder into a local folder and archives it on the server. */
    static String downloadService(String name, OpenSshServer sshd, Path knownHosts, Path outbound, Path outbox, String archive) {
        return """
                name: %s
                source: { type: sftp, uri: %s, %s }
                process: [ { type: copy } ]
                targets: [ { path: %s } ]
                onSuccess: { archive: "%s" }
                onFailure: { retries: 0 }
                """.formatted(name, SftpFixtures.uri(sshd, outbound), SftpFixtures.connection(sshd, knownHosts), outbox, archive);
    }

    @Test
    void serverKilledDuringUpload() throws Exception {
        OpenSshServer sshd = startSshd("sshd");
        Path knownHosts = sshd.writeKnownHosts(tmp.resolve("known_hosts"));
        Path inbox = tmp.resolve("inbox");
        String checksum = SftpFixtures.sha256(SftpFixtures.randomFile(inbox.resolve("big.bin"), BIG));
        Path inbound = Files.createDirectories(tmp.resolve("remote/inbound"));

        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess node = cluster.node("up-a");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, SftpFixtures.uploadService("bigup", sshd, knownHosts, inbox, inbound, tmp.resolve("archive")));

            CompletableFuture<JsonNode> run = SftpFixtures.runInBackground(node, "bigup");
            Path partial = SftpFixtures.awaitGrowing(inbound, n -> n.endsWith(".part"), KILL_AT, Duration.ofSeconds(60));
            sshd.kill();
            assertThat(Files.exists(inbound.resolve("big.bin"))).as("final name before the upload was complete").isFalse();
            Thread.sleep(1000);
            sshd.restart();
            JsonNode last = run.get(120, TimeUnit.SECONDS);

            assertThat(last.path("state").asText()).as("state of " + last).isEqualTo("SUCCEEDED");
            assertThat(SftpServiceIT.filesIn(inbound)).as("files in the remote target, once the partial " + partial.getFileName())
                    .containsExactly("big.bin");
            assertThat(Files.size(inbound.resolve("big.bin"))).as("size of the delivered output").isEqualTo(BIG);
            assertThat(SftpFixtures.sha256(inbound.resolve("big.bin"))).as("checksum of the delivered output").isEqualTo(checksum);
            assertThat(SftpFixtures.filesUnder(cluster.data.resolve("work"))).as("files left in staging").isEmpty();
            assertThat(SftpFixtures.logs(cluster.data)).as("the retry in the logs")
                    .containsPattern("attempt 1 of 6 on sftp://root@127\\.0\\.0\\.1:" + sshd.port() + " failed for "
                            + inbound + "/big\\.bin; retrying");
        }
    }

    /**
     * The source's server dies while the third of five files downloads and stays down for the rest of
     * the run. The outputs go to a second server, which stays up.
     */
    @Test
    void connectionLostInMiddleOfBatch() throws Exception {
        OpenSshServer source = startSshd("sshd-source");
        OpenSshServer target = startSshd("sshd-target");
        Path sourceHosts = source.writeKnownHosts(tmp.resolve("known_hosts_source"));
        Path targetHosts = target.writeKnownHosts(tmp.resolve("known_hosts_target"));
        Path outbound = Files.createDirectories(tmp.resolve("remote/outbound"));
        Path inbound = Files.createDirectories(tmp.resolve("remote/inbound"));
        List<String> names = List.of("f1.bin", "f2.bin", "f3.bin", "f4.bin", "f5.bin");
        for (String n : names) {
            // f3 is large, so that the test can kill the server while it downloads.
            SftpFixtures.randomFile(outbound.resolve(n), n.equals("f3.bin") ? 100 * MB : 1000 + n.charAt(1));
        }

        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess node = cluster.node("batch-a");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, """
                    name: batch
                    source: { type: sftp, uri: %s, %s }
                    process: [ { type: copy } ]
                    targets: [ { type: sftp, uri: %s, %s } ]
                    onSuccess: { archive: "%s/done" }
                    onFailure: { retries: 0 }
                    """.formatted(SftpFixtures.uri(source, outbound), shortRetries(source, sourceHosts),
                    SftpFixtures.uri(target, inbound), SftpFixtures.connection(target, targetHosts), outbound));

            CompletableFuture<JsonNode> run = SftpFixtures.runInBackground(node, "batch");
            SftpFixtures.awaitGrowing(cluster.data.resolve("work"), ".download.part"::equals, 10 * MB, Duration.ofSeconds(60));
            source.kill();
            JsonNode first = run.get(120, TimeUnit.SECONDS);

            assertThat(first.path("state").asText()).as("state of " + first).isEqualTo("FAILED");
            assertThat(first.path("reason").asText()).as("reason of " + first)
                    .contains("f3.bin").contains("sftp://root@127.0.0.1:" + source.port());
            assertThat(first.path("committed").asInt()).as("committed items of " + first).isEqualTo(2);
            assertThat(SftpServiceIT.filesIn(inbound)).as("outputs after the first run").containsExactly("f1.bin", "f2.bin");
            assertThat(SftpServiceIT.filesIn(outbound)).as("inputs still on the source server")
                    .containsExactly("f1.bin", "f2.bin", "f3.bin", "f4.bin", "f5.bin");
            JsonNode items = TestCluster.itemsOf(node, first);
            List<String> processed = new ArrayList<>();
            for (JsonNode item : items) {
                String state = item.path("state").asText();
                if (!state.equals("RELEASED")) {
                    processed.add(item.path("relPath").asText() + " " + state);
                }
            }
            // f1 and f2 are processed, and their archive waits for the server; f3 to f5 are not processed.
            assertThat(processed).as("items of the first run that are not released: " + items)
                    .containsExactly("f1.bin DISPOSITION_PENDING", "f2.bin DISPOSITION_PENDING");

            source.restart();
            NodeProcess.await(Duration.ofSeconds(90), "every input to be archived", () -> {
                try {
                    TestCluster.runOnce(node, "batch");
                    return SftpServiceIT.filesIn(outbound.resolve("done")).size() == names.size();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(SftpServiceIT.filesIn(inbound)).as("outputs after the server came back").containsExactlyElementsOf(names);
            for (String n : names) {
                assertThat(SftpFixtures.sha256(inbound.resolve(n))).as("checksum of output " + n)
                        .isEqualTo(SftpFixtures.sha256(onlyArchived(outbound.resolve("done"), n)));
            }
            assertThat(SftpServiceIT.filesIn(outbound)).as("left in the remote source").isEmpty();
            assertThat(SftpFixtures.filesUnder(cluster.data.resolve("work"))).as("files left in staging").isEmpty();
        }
    }

    /** Returns the one archived copy of an input, named {@code NAME.run-N.EXT}. */
    private static Path onlyArchived(Path done, String name) throws java.io.IOException {
        String stem = name.substring(0, name.lastIndexOf('.'));
        List<String> copies = SftpServiceIT.filesIn(done).stream().filter(f -> f.startsWith(stem + ".run-")).toList();
        assertThat(copies).as("archived copies of " + name).hasSize(1);
        return done.resolve(copies.get(0));
    }

    /** Connection settings that give up on a dead server after about 1.5 s, so the run ends soon. */
    private static String shortRetries(OpenSshServer sshd, Path knownHosts) {
        return "credentials: { keyFile: " + sshd.clientKey() + " }, knownHosts: " + knownHosts
                + ", retries: 2, retryBackoff: 500ms, connectTimeout: 10s, idleTimeout: 10s";
    }

    /**
     * The remote archive folder's path is taken by a plain file, so the archive rename fails after the
     * output is delivered. The item waits as DISPOSITION_PENDING, no later run processes the input again,
     * and once the file is moved away a run completes the archive.
     */
    @Test
    void archiveBlockedLeavesDispositionPending() throws Exception {
        OpenSshServer sshd = startSshd("sshd");
        Path knownHosts = sshd.writeKnownHosts(tmp.resolve("known_hosts"));
        Path outbound = Files.createDirectories(tmp.resolve("remote/outbound"));
        Path outbox = tmp.resolve("outbox");
        Files.writeString(outbound.resolve("ord_0001.csv"), "id\n1\n");
        Path blocker = Files.writeString(tmp.resolve("remote/done"), "not a folder\n");

        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess node = cluster.node("arch-a");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, downloadService("archive", sshd, knownHosts, outbound, outbox, blocker.toString()));

            JsonNode first = TestCluster.runOnce(node, "archive");
            assertThat(first.path("state").asText()).as("state of " + first).isEqualTo("FAILED");
            assertThat(first.path("committed").asInt()).as("committed items of " + first).isEqualTo(1);
            assertThat(SftpServiceIT.filesIn(outbox)).as("outputs").containsExactly("ord_0001.csv");
            JsonNode item = TestCluster.itemsOf(node, first).get(0);
            assertThat(item.path("state").asText()).as("state of " + item).isEqualTo("DISPOSITION_PENDING");
            assertThat(item.path("error").asText()).as("detail of " + item).contains("processed but not archived remotely")
                    .contains(blocker.toString());
            NodeProcess.CliResult shown = node.cli("run", first.path("runId").asText());
            assertThat(shown.out()).as("baton run " + first.path("runId").asText()).contains("processed but not archived remotely");

            JsonNode second = TestCluster.runOnce(node, "archive");
            assertThat(second.path("committed").asInt()).as("committed items of the next run " + second).isZero();
            assertThat(SftpServiceIT.filesIn(outbox)).as("outputs after the next run").containsExactly("ord_0001.csv");
            assertThat(SftpServiceIT.filesIn(outbound)).as("input still on the server").containsExactly("ord_0001.csv");

            Files.delete(blocker);
            NodeProcess.await(Duration.ofSeconds(60), "the archive to complete", () -> {
                try {
                    TestCluster.runOnce(node, "archive");
                    return SftpServiceIT.filesIn(blocker).size() == 1;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(SftpServiceIT.filesIn(outbound)).as("left in the remote source").isEmpty();
            assertThat(SftpServiceIT.filesIn(outbox)).as("outputs at the end").containsExactly("ord_0001.csv");
            assertThat(node.get("/api/items/" + item.path("id").asLong()).path("state").asText()).as("end state of the item")
                    .isEqualTo("DISPOSED");
        }
    }
}
