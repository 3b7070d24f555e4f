package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.testkit.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton cluster} on both nodes of a pair before and after a kill -9 of the active one, and {@code baton doctor}. */
class ClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void clusterViewOnBothNodesAcrossFailover() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess a = cluster.node("node-a");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            NodeProcess b = cluster.node("node-b");
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));
            // A node registers at once as STARTING and rewrites its entry with its role a second later.
            NodeProcess.await(Duration.ofSeconds(30), "both nodes registered with their roles",
                    () -> registeredRole(cluster, "node-a").equals("ACTIVE") && registeredRole(cluster, "node-b").equals("PASSIVE"));

            for (NodeProcess viewer : List.of(a, b)) {
                JsonNode view = clusterJson(viewer);
                assertThat(view.path("servedBy").asText()).isEqualTo(viewer.nodeId());
                assertThat(node(view, "node-a").path("role").asText()).as("node-a seen by " + viewer.nodeId()).isEqualTo("ACTIVE");
                assertThat(node(view, "node-b").path("role").asText()).as("node-b seen by " + viewer.nodeId()).isEqualTo("PASSIVE");
                for (String id : List.of("node-a", "node-b")) {
                    JsonNode n = node(view, id);
                    assertThat(n.path("stale").asBoolean()).as(id + " stale, seen by " + viewer.nodeId() + ": " + n).isFalse();
                    // Entries are rewritten every second with these timings; 4 s leaves room for a loaded machine.
                    assertThat(n.path("ageMillis").asLong()).as(id + " age").isBetween(0L, 4000L);
                    assertThat(n.path("apiUrl").asText()).startsWith("http://127.0.0.1:");
                }
                assertThat(view.path("lease").path("holder").asText()).isEqualTo("node-a");
                assertThat(view.path("lease").path("wallAgeMillis").asLong()).as("lease age").isBetween(0L, 4000L);
                assertThat(view.path("epoch").path("highest").asLong()).isEqualTo(1);
                assertThat(view.path("lastChange").path("cause").asText()).isEqualTo("first-start: no node was ever active on this data directory");
                assertThat(view.path("alerts")).as("alerts").isEmpty();

                NodeProcess.CliResult text = viewer.cli("cluster");
                assertThat(text.exitCode()).as("baton cluster on " + viewer.nodeId() + ": " + text.err()).isZero();
                assertThat(line(text.out(), "node-a ")).contains("ACTIVE").endsWith("ok");
                assertThat(line(text.out(), "node-b ")).contains("PASSIVE").endsWith("ok");
            }
            assertThat(clusterJson(a).path("epoch").path("guardEpoch").asLong()).as("guard read by the active node").isEqualTo(1);
            assertThat(clusterJson(b).path("lease").path("silenceMillis").isNumber()).as("lease silence measured by the passive node").isTrue();

            a.kill9();
            b.awaitRole("ACTIVE", Duration.ofSeconds(30));

            JsonNode after = clusterJson(b);
            JsonNode dead = node(after, "node-a");
            assertThat(dead.path("stale").asBoolean()).as("node-a after kill -9: " + dead).isTrue();
            assertThat(dead.path("staleReason").asText()).contains("pid " + a.pid()).contains("not running");
            JsonNode self = node(after, "node-b");
            assertThat(self.path("stale").asBoolean()).as("node-b: " + self).isFalse();
            NodeProcess.await(Duration.ofSeconds(10), "node-b to register as active",
                    () -> "ACTIVE".equals(node(clusterJson(b), "node-b").path("role").asText()));
            JsonNode last = after.path("lastChange");
            assertThat(last.path("epoch").asLong()).isEqualTo(2);
            assertThat(last.path("nodeId").asText()).isEqualTo("node-b");
            assertThat(last.path("cause").asText()).startsWith("expiry: the lease of node node-a (epoch 1) expired after").endsWith("ms of silence");
            assertThat(after.path("previousHolder").asText()).isEqualTo("node-a");
            assertThat(after.path("epoch").path("guardEpoch").asLong()).isEqualTo(2);

            NodeProcess.CliResult text = b.cli("cluster");
            assertThat(line(text.out(), "node-a ")).contains("STALE: its process (pid " + a.pid());
            assertThat(text.out()).contains("last change:  epoch 2 taken by node-b from node-a");

            b.signal("TERM");
            assertThat(b.awaitExit(Duration.ofSeconds(30))).as("node-b's exit status").isZero();
            assertThat(Files.exists(cluster.data.resolve("state/nodes/node-b"))).as("node-b's entry after an orderly stop").isFalse();
            NodeProcess.CliResult offline = b.cli("cluster", "--data", cluster.data.toString());
            assertThat(offline.exitCode()).as("baton cluster --data without a node: " + offline.err()).isZero();
            assertThat(offline.out()).contains("read from the data directory").contains("released by node-b");
        }
    }

    @Test
    void doctorPassesOnHealthyAndFailsOnUnwritableDirectory() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess.CliResult healthy = cluster.node("doctor").cli("doctor", "--data", cluster.data.toString(), "--samples", "20");
            assertThat(healthy.exitCode()).as("doctor on a healthy directory: " + healthy.out() + healthy.err()).isZero();
            // A loaded machine may warn about fsync latency or clocks, so a summary with warnings passes too.
            assertThat(healthy.out()).containsPattern("All checks passed\\.|Checks passed with \\d+ warnings?").contains("PASS     lock-exclusion");

            boolean root = "root".equals(System.getProperty("user.name"));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (!root) {
                Files.setPosixFilePermissions(cluster.data.resolve("state"), PosixFilePermissions.fromString("r-xr-xr-x"));
            }
            Result unwritable = doctorAs(root, cluster);
            if (!root) {
                Files.setPosixFilePermissions(cluster.data.resolve("state"), PosixFilePermissions.fromString("rwxr-xr-x"));
            }

            assertThat(unwritable.exitCode()).as("doctor on a directory the user cannot write: " + unwritable.out()).isEqualTo(1);
            assertThat(unwritable.out()).contains("FAIL     writable").contains(cluster.data.resolve("state") + " is not writable")
                    .contains("check(s) failed: writable");
        }
    }

    private record Result(int exitCode, String out) {
    }

    /** Runs the doctor as nobody through setpriv when the test runs as root, which ignores permissions. */
    private Result doctorAs(boolean root, TestCluster cluster) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (root) {
            argv.addAll(List.of("setpriv", "--reuid=" + PermissionsIT.NOBODY, "--regid=" + PermissionsIT.NOBODY, "--clear-groups", "--"));
        }
        argv.addAll(List.of(cluster.distHome.resolve("bin/baton").toString(), "doctor", "--data", cluster.data.toString(), "--samples", "5"));
        Path out = tmp.resolve("doctor.out");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("BATON_HOME", cluster.distHome.toString());
        pb.environment().put("BATON_JAVA_OPTS", NodeProcess.FAST_JVM);
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("baton doctor did not finish within 2 minutes");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private static String registeredRole(TestCluster cluster, String id) {
        try {
            return JSON.readTree(cluster.data.resolve("state/nodes/" + id).toFile()).path("role").asText();
        } catch (IOException e) {
            return "";
        }
    }

    private static JsonNode clusterJson(NodeProcess viewer) {
        try {
            NodeProcess.CliResult r = viewer.cli("cluster", "--json");
            assertThat(r.exitCode()).as("baton cluster --json on " + viewer.nodeId() + ": " + r.err()).isZero();
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode node(JsonNode view, String id) {
        for (JsonNode n : view.path("nodes")) {
            if (n.path("nodeId").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no node " + id + " in " + view);
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().map(String::strip)
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in:\n" + text));
    }
}
