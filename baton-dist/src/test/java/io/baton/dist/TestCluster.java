package io.baton.dist;

import io.baton.testkit.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A data directory with short test lease timings, the nodes on it, and service folders to deploy. */
final class TestCluster implements AutoCloseable {

    /** Lease timings for tests: a few seconds, still within the validated margins. */
    static final String TEST_CLUSTER_YAML = """
            name: test
            lease:
              duration: 4s
              renewInterval: 500ms
              renewDeadline: 2500ms
              pollInterval: 250ms
            """;

    /**
     * Lease timings for tests that kill the active node and then call the passive one: the passive node stays
     * passive for 15 s, until the lease expires, while the killed node's renewals stop at once.
     */
    static final String LONG_LEASE_CLUSTER_YAML = """
            name: test
            lease:
              duration: 15s
              renewInterval: 500ms
              renewDeadline: 2500ms
              pollInterval: 250ms
            """;

    final Path root;
    final Path data;
    final Path distHome = Path.of(System.getProperty("baton.home"));
    final Path serviceJar = Path.of(System.getProperty("baton.testServiceJar"));
    private final List<NodeProcess> nodes = new ArrayList<>();

    TestCluster(Path root) throws IOException {
        this.root = root;
        this.data = root.resolve("data");
        io.baton.core.DataDirectory.init(data);
        Files.writeString(data.resolve("cluster.yaml"), TEST_CLUSTER_YAML);
    }

    NodeProcess node(String id) throws IOException {
        return node(id, data);
    }

    /** A node that reaches the data directory under another path, such as a FUSE mount over it. */
    NodeProcess node(String id, Path dataPath) throws IOException {
        NodeProcess n = new NodeProcess(distHome, root.resolve("home-" + id), dataPath, id).prepare();
        nodes.add(n);
        return n;
    }

    /** The nodes this cluster started, whose output files {@link SecretLeakCheck} scans. */
    List<NodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    /** Writes a service folder with the descriptor and the test kit's jar; returns the folder. */
    Path serviceFolder(String name, String yaml) throws IOException {
        Path folder = root.resolve("services-src").resolve(name);
        Files.createDirectories(folder.resolve("lib"));
        Files.writeString(folder.resolve("service.yaml"), yaml);
        Files.copy(serviceJar, folder.resolve("lib/baton-testkit.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return folder;
    }

    /** Deploys and starts a service whose descriptor begins with its {@code name:} line. */
    void deployAndStart(NodeProcess node, String yaml) throws IOException, InterruptedException {
        String name = yaml.lines().findFirst().orElseThrow().replace("name: ", "").trim();
        NodeProcess.CliResult r = node.cli("deploy", serviceFolder(name, yaml).toString());
        org.assertj.core.api.Assertions.assertThat(r.exitCode()).as("deploy " + name + ": " + r.err()).isZero();
        org.assertj.core.api.Assertions.assertThat(node.cli("start", name).exitCode()).as("start " + name).isZero();
    }

    /** Triggers a run, waits for it to end, and returns the service's last run. */
    static com.fasterxml.jackson.databind.JsonNode runOnce(NodeProcess node, String service) throws IOException, InterruptedException {
        long before = node.get("/api/services/" + service).path("lastRun").path("runId").asLong(0);
        NodeProcess.CliResult r = node.cli("trigger", service);
        org.assertj.core.api.Assertions.assertThat(r.exitCode()).as("trigger " + service + ": " + r.err()).isZero();
        NodeProcess.await(java.time.Duration.ofSeconds(120), "run of " + service + " to end", () -> {
            var s = node.tryGet("/api/services/" + service);
            return !s.path("runInProgress").asBoolean(true) && s.path("lastRun").path("runId").asLong(0) > before;
        });
        return node.get("/api/services/" + service).path("lastRun");
    }

    /** Returns the items of a run as the API shows them. */
    static com.fasterxml.jackson.databind.JsonNode itemsOf(NodeProcess node, com.fasterxml.jackson.databind.JsonNode run) {
        return node.get("/api/runs/" + run.path("runId").asLong()).path("items");
    }

    /** Runs a query against the journal with a connection of the test's own; use only while no node is active. */
    List<List<String>> query(String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("state/journal.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Override
    public void close() {
        for (NodeProcess n : nodes) {
            n.close();
        }
        keepLogs();
    }

    /** Copies node output and logs to the folder named by -Dbaton.keepLogs, for diagnosing a failed run. */
    private void keepLogs() {
        String target = System.getProperty("baton.keepLogs");
        if (target == null || target.isBlank()) {
            return;
        }
        try {
            Path dest = Path.of(target).resolve(root.getFileName().toString());
            Files.createDirectories(dest);
            for (NodeProcess n : nodes) {
                Path out = n.home().resolve("node.out");
                if (Files.exists(out)) {
                    Files.copy(out, dest.resolve(n.nodeId() + ".out"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            try (var logs = Files.list(data.resolve("logs"))) {
                for (Path log : logs.toList()) {
                    Files.copy(log, dest.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            System.err.println("cannot keep the logs in " + target + ": " + e);
        }
    }
}
