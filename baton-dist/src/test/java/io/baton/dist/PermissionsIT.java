package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders and files the node's user cannot write or read. Root ignores permissions, so when the test
 * runs as root the node runs as nobody (uid and gid 65534) through setpriv. Each fault fails with the
 * path and "permission denied", loses nothing, and once fixed the input is processed exactly once.
 */
class PermissionsIT {

    static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    @Test
    void unwritableFoldersAndUnreadableFiles() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path in = cluster.data.resolve("in");
            Files.createDirectories(in.resolve("sub"));
            NodeProcess node = cluster.node("perms");
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                node.asUser(NOBODY, NOBODY);
                chownToNobody(tmp);
            }
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, """
                    name: perms
                    source: { path: in, recursive: true }
                    process: [ { type: copy } ]
                    targets: [ { path: out } ]
                    onSuccess: { archive: archive }
                    onFailure: { retries: 3, backoff: 0s }
                    """);
            Path out = cluster.data.resolve("out");
            Path archive = cluster.data.resolve("archive");

            // The archive folder is read-only: the run claims nothing.
            Path x = write(in.resolve("x.csv"), "x\n", root);
            Files.createDirectories(archive);
            chown(archive, root);
            readOnly(archive);
            JsonNode blockedRun = TestCluster.runOnce(node, "perms");
            assertThat(blockedRun.path("state").asText()).as("run with a read-only archive").isEqualTo("FAILED");
            assertThat(blockedRun.path("reason").asText()).contains(archive.toString()).contains("permission denied");
            assertThat(Files.readString(x)).as("input x.csv").isEqualTo("x\n");
            assertThat(Files.exists(out.resolve("x.csv"))).as("output of x.csv").isFalse();
            writable(archive);
            TestCluster.runOnce(node, "perms");
            assertThat(Files.readString(out.resolve("x.csv"))).as("output of x.csv after the fix").isEqualTo("x\n");
            assertThat(Files.exists(x)).as("x.csv archived").isFalse();

            // A target subfolder is read-only: the output cannot be published, the input stays.
            Files.createDirectories(out.resolve("sub"));
            chown(out.resolve("sub"), root);
            readOnly(out.resolve("sub"));
            Path y = write(in.resolve("sub/y.csv"), "y\n", root);
            JsonNode publishRun = TestCluster.runOnce(node, "perms");
            JsonNode yItem = TestCluster.itemsOf(node, publishRun).get(0);
            assertThat(yItem.path("state").asText()).as("item " + yItem).isEqualTo("PUBLISH_BLOCKED");
            assertThat(yItem.path("error").asText()).contains("permission denied").contains(out.resolve("sub/y.csv").toString());
            assertThat(Files.exists(out.resolve("sub/y.csv"))).as("output under its final name").isFalse();
            assertThat(Files.readString(y)).as("input y.csv").isEqualTo("y\n");
            writable(out.resolve("sub"));
            // The failed publish action waits out its backoff; the operator who fixed the cause retries at once.
            assertThat(node.cli("retry", yItem.path("id").asText()).exitCode()).as("retry of y.csv").isZero();
            TestCluster.runOnce(node, "perms");
            assertThat(Files.readString(out.resolve("sub/y.csv"))).as("output of y.csv after the fix").isEqualTo("y\n");
            assertThat(Files.exists(y)).as("y.csv archived").isFalse();

            // An archive subfolder is read-only: the output is published, the input stays and is never processed again.
            Files.createDirectories(archive.resolve("sub"));
            chown(archive.resolve("sub"), root);
            readOnly(archive.resolve("sub"));
            Path z = write(in.resolve("sub/z.csv"), "z\n", root);
            JsonNode disposeRun = TestCluster.runOnce(node, "perms");
            JsonNode zItem = TestCluster.itemsOf(node, disposeRun).get(0);
            assertThat(zItem.path("state").asText()).as("item " + zItem).isEqualTo("DISPOSITION_PENDING");
            assertThat(zItem.path("error").asText()).contains("permission denied").contains(archive.resolve("sub").toString());
            assertThat(Files.readString(z)).as("input z.csv").isEqualTo("z\n");
            TestCluster.runOnce(node, "perms");
            assertThat(Files.readString(z)).as("input z.csv after another run").isEqualTo("z\n");
            writable(archive.resolve("sub"));
            assertThat(node.cli("retry", zItem.path("id").asText()).exitCode()).as("retry of z.csv").isZero();
            TestCluster.runOnce(node, "perms");
            assertThat(Files.exists(z)).as("z.csv archived after the fix").isFalse();
            assertThat(Files.readString(out.resolve("sub/z.csv"))).as("output of z.csv").isEqualTo("z\n");

            // An unreadable input is not claimed, and 'baton waiting' says why.
            Path secret = write(in.resolve("secret.csv"), "s\n", root);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
            JsonNode unreadableRun = TestCluster.runOnce(node, "perms");
            assertThat(TestCluster.itemsOf(node, unreadableRun)).as("items claimed while secret.csv is unreadable").isEmpty();
            assertThat(node.cli("waiting", "perms").out()).contains("secret.csv").contains("permission denied");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
            TestCluster.runOnce(node, "perms");
            assertThat(Files.readString(out.resolve("secret.csv"))).as("output of secret.csv after the fix").isEqualTo("s\n");

            assertThat(CrashConsistencyIT.filesUnder(out)).as("outputs, each exactly once").hasSize(4);
            assertThat(CrashConsistencyIT.filesUnder(archive)).as("archived inputs").hasSize(4);
        }
    }

    private static Path write(Path file, String text, boolean root) throws IOException {
        Files.writeString(file, text);
        chown(file, root);
        return file;
    }

    private static void chown(Path path, boolean root) throws IOException {
        if (root) {
            Files.setAttribute(path, "unix:uid", NOBODY);
            Files.setAttribute(path, "unix:gid", NOBODY);
        }
    }

    private static void chownToNobody(Path root) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("chown", "-R", NOBODY + ":" + NOBODY, root.toString()).inheritIO().start();
        assertThat(p.waitFor()).as("chown -R of the test folder").isZero();
    }

    private static void readOnly(Path folder) throws IOException {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
    }

    private static void writable(Path folder) throws IOException {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
