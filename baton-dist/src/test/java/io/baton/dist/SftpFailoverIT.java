package io.baton.dist;

import static io.baton.dist.SftpFixtures.MB;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import io.baton.testkit.OpenSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes deliver to a real sshd. The active node is killed with {@code kill -9} in the middle of a
 * 200 MB upload; the passive node takes over, replays the publish action and delivers the output once.
 */
class SftpFailoverIT {

    static final long BIG = 200 * MB;

    @TempDir
    Path tmp;

    @Test
    void takeoverInMiddleOfUploadDeliversOnce() throws Exception {
        try (OpenSshServer sshd = OpenSshServer.start(Files.createDirectories(tmp.resolve("sshd")))) {
            takeOverInMiddleOfUpload(sshd);
        }
    }

    private void takeOverInMiddleOfUpload(OpenSshServer sshd) throws Exception {
        Path knownHosts = sshd.writeKnownHosts(tmp.resolve("known_hosts"));
        Path inbox = tmp.resolve("inbox");
        String checksum = SftpFixtures.sha256(SftpFixtures.randomFile(inbox.resolve("big.bin"), BIG));
        Path inbound = Files.createDirectories(tmp.resolve("remote/inbound"));

        try (TestCluster cluster = new TestCluster(tmp.resolve("cluster"))) {
            NodeProcess active = cluster.node("node-a");
            NodeProcess passive = cluster.node("node-b");
            active.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(active, SftpFixtures.uploadService("upload", sshd, knownHosts, inbox, inbound, tmp.resolve("archive")));
            passive.start().awaitRole("PASSIVE", Duration.ofSeconds(60));

            assertThat(active.cli("trigger", "upload").exitCode()).as("trigger upload").isZero();
            Path partial = SftpFixtures.awaitGrowing(inbound, n -> n.endsWith(".part"), 30 * MB, Duration.ofSeconds(60));
            FailoverKillIT.killNodeAndWorkers(active, cluster.data);
            long partialSize = Files.size(partial);

            passive.awaitRole("ACTIVE", Duration.ofSeconds(40));
            Path delivered = inbound.resolve("big.bin");
            NodeProcess.await(Duration.ofSeconds(120), "the output to be delivered under its final name",
                    () -> Files.exists(delivered) && sizeOf(delivered) == BIG);
            NodeProcess.await(Duration.ofSeconds(30), "the replay to finish",
                    () -> !passive.tryGet("/api/services/upload").path("runInProgress").asBoolean(true));

            List<String> files = SftpServiceIT.filesIn(inbound);
            System.out.printf("SftpFailoverIT: killed the active node when %s had %d bytes; target folder afterwards: %s%n",
                    partial.getFileName(), partialSize, files);
            assertThat(files.stream().filter(f -> !f.startsWith(".")).toList()).as("outputs in the target folder").containsExactly("big.bin");
            assertThat(SftpFixtures.sha256(delivered)).as("checksum of the delivered output").isEqualTo(checksum);
            assertThat(files).as("temporary files in the target folder, the killed node's " + partial.getFileName() + " among them")
                    .noneMatch(f -> f.endsWith(".part"));
            assertThat(Files.readString(cluster.data.resolve("logs/node-node-b.log"))).as("log of the node that took over")
                    .containsPattern("service=upload .* Removed " + Pattern.quote(inbound.resolve(partial.getFileName()).toString())
                            + " on sftp://root@127\\.0\\.0\\.1:" + sshd.port() + ": the unfinished upload of epoch 1");
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
