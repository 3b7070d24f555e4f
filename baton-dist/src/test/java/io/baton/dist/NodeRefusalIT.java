package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node refuses, with a message that names the file and the fix, a node id that a running node uses, a data directory whose
 * cluster.yaml is invalid or that it cannot write; it stays passive on a journal written by a
 * newer version instead of becoming active, and stops on a journal that lacks tables its version has.
 */
class NodeRefusalIT {

    @TempDir
    Path tmp;

    @Test
    void invalidClusterSettingsAreRefused() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Files.writeString(cluster.data.resolve("cluster.yaml"), "lease:\n  duration: 2s\n  renewDeadline: 10s\n");
            NodeProcess node = cluster.node("bad-config");
            node.start();
            assertThat(node.awaitExit(Duration.ofSeconds(60))).as("exit status").isEqualTo(1);
            assertThat(node.output()).contains("cluster.yaml").contains("lease.duration").contains("at least");
        }
    }

    @Test
    void unwritableDataDirectoryIsRefused() throws Exception {
        // Root ignores permissions, so the node runs as the unprivileged user 'nobody'.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("nobody");
            Files.setPosixFilePermissions(node.home(), PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(node.home().resolve("run"), PosixFilePermissions.fromString("rwxrwxrwx"));
            ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    cluster.distHome.resolve("bin/baton").toString(), "node").redirectErrorStream(true);
            pb.environment().put("BATON_HOME", node.home().toString());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("BATON_JAVA_OPTS", NodeProcess.FAST_JVM);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("exit status; output: " + output).isEqualTo(1);
            assertThat(output).contains("not writable").contains(cluster.data.toString());
        }
    }

    @Test
    void secondDaemonOnSameProgramDirectoryIsRefused() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess first = cluster.node("owner");
            first.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            String portBefore = Files.readString(first.home().resolve("run/api.port"));

            ProcessBuilder pb = new ProcessBuilder(cluster.distHome.resolve("bin/baton").toString(), "node", "--node-id", "intruder")
                    .redirectErrorStream(true);
            pb.environment().put("BATON_HOME", first.home().toString());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("BATON_JAVA_OPTS", NodeProcess.FAST_JVM);
            Process second = pb.start();
            String output = new String(second.getInputStream().readAllBytes());

            assertThat(second.waitFor()).as("exit status; output: " + output).isEqualTo(1);
            assertThat(output).contains("in use by another node daemon").contains("pid " + first.pid());
            assertThat(Files.readString(first.home().resolve("run/api.port"))).as("the first node's API file").isEqualTo(portBefore);
            assertThat(first.get("/api/node").path("role").asText()).as("the first node").isEqualTo("ACTIVE");
        }
    }

    @Test
    void duplicateNodeIdIsRefused() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess first = cluster.node("twin");
            first.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path entry = cluster.data.resolve("state/nodes/twin");
            NodeProcess.await(Duration.ofSeconds(30), "the registry entry of the first node", () -> Files.exists(entry));

            try (NodeProcess second = new NodeProcess(cluster.distHome, tmp.resolve("home-twin-copy"), cluster.data, "twin").prepare()) {
                second.start();

                assertThat(second.awaitExit(Duration.ofSeconds(60))).as("exit status of the second node").isEqualTo(1);
                assertThat(second.output()).contains("node id twin is in use by a running node: pid " + first.pid())
                        .contains(first.home().toString()).contains("--node-id");
            }
            assertThat(Files.readString(entry)).as("registry entry after the refusal").contains("\"pid\":" + first.pid());
            assertThat(first.get("/api/node").path("role").asText()).as("the first node").isEqualTo("ACTIVE");
        }
    }

    @Test
    void newerJournalSchemaKeepsNodePassive() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            alterJournalOfStoppedNode(cluster, "UPDATE meta SET value = '999' WHERE key = 'schema_version'");

            NodeProcess old = cluster.node("old");
            old.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            NodeProcess.await(Duration.ofSeconds(30), "the refusal in the log", () -> {
                try {
                    return old.output().contains("schema version 999");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertThat(old.get("/api/node").path("role").asText()).isEqualTo("PASSIVE");
            assertThat(old.output()).contains("update this node");
        }
    }

    @Test
    void journalMissingColumnsStopsNode() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            alterJournalOfStoppedNode(cluster, "DROP TABLE item_attempts");

            NodeProcess second = cluster.node("second");
            second.start();

            assertThat(second.awaitExit(Duration.ofSeconds(60))).as("exit status").isEqualTo(1);
            assertThat(second.output()).contains("stopped: the journal " + cluster.data.resolve("state/journal.db"))
                    .contains("lacks table item_attempts").contains("restore the journal from a backup");
        }
    }

    /** Creates the journal with a node that is then stopped, and runs {@code sql} on it. */
    private static void alterJournalOfStoppedNode(TestCluster cluster, String sql) throws Exception {
        NodeProcess first = cluster.node("first");
        first.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
        first.signal("TERM");
        assertThat(first.awaitExit(Duration.ofSeconds(30))).as("exit status of the node that created the journal").isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + cluster.data.resolve("state/journal.db"));
             Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }
}
