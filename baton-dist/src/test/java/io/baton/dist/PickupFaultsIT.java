package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A claim that fails is no claim: a file locked by its writer (flock or POSIX lock) and a journal that
 * cannot be written leave the file unclaimed and unread, say why, and once the fault is gone the file
 * is processed exactly once.
 */
class PickupFaultsIT {

    @TempDir
    Path tmp;

    @Test
    void lockedFilesWaitForTheirWriters() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path in = cluster.data.resolve("in");
            Files.createDirectories(in);
            Files.writeString(in.resolve("flocked.csv"), "id\n1\n");
            Files.writeString(in.resolve("posix.csv"), "id\n2\n");
            Process flock = new ProcessBuilder("flock", "--exclusive", in.resolve("flocked.csv").toString(), "cat")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Process posix = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", cluster.serviceJar.toString(), "io.baton.testkit.FileLockHolder", in.resolve("posix.csv").toString()).start();
            try {
                BufferedReader posixOut = new BufferedReader(new InputStreamReader(posix.getInputStream(), StandardCharsets.UTF_8));
                assertThat(posixOut.readLine()).as("lock holder's first line").isEqualTo("locked");
                NodeProcess node = cluster.node("locks");
                node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
                cluster.deployAndStart(node, """
                        name: locks
                        schedule: { every: 200ms }
                        source: { path: in }
                        process: [ { type: csv-to-jsonl } ]
                        targets: [ { path: out, name: "{basename}.jsonl" } ]
                        onSuccess: { archive: archive }
                        """);

                NodeProcess.await(Duration.ofSeconds(30), "both files to be reported as not claimable", () -> {
                    String waiting = waiting(node);
                    return waiting.contains("flocked.csv") && waiting.contains("posix.csv");
                });
                Thread.sleep(1_000);
                String waiting = waiting(node);
                assertThat(waiting).as("baton waiting").contains("FLOCK").contains("POSIX").contains("write lock");
                assertThat(Files.exists(cluster.data.resolve("out"))
                        && !CrashConsistencyIT.filesUnder(cluster.data.resolve("out")).isEmpty()).as("outputs while locked").isFalse();
                assertThat(node.get("/api/services/locks").path("lastRun").isNull()).as("no run claimed anything").isTrue();
                String log = Files.readString(cluster.data.resolve("logs/service-locks.log"));
                assertThat(log).as("service log").contains("flocked.csv is not claimed").contains("posix.csv is not claimed");
                assertThat(log.split("posix.csv is not claimed", -1)).as("warnings for posix.csv, logged once").hasSize(2);
            } finally {
                flock.getOutputStream().close();
                posix.getOutputStream().close();
                flock.waitFor(10, TimeUnit.SECONDS);
                posix.waitFor(10, TimeUnit.SECONDS);
            }

            NodeProcess.await(Duration.ofSeconds(30), "both inputs to be archived",
                    () -> !Files.exists(in.resolve("flocked.csv")) && !Files.exists(in.resolve("posix.csv")));
            Thread.sleep(1_000);
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("out"))).as("outputs").hasSize(2);
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("archive"))).as("archived inputs").hasSize(2);
            assertThat(Files.readString(cluster.data.resolve("out/flocked.jsonl"))).isEqualTo("{\"id\":\"1\"}\n");
        }
    }

    @Test
    void journalWriteFailureClaimsNothing() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path in = cluster.data.resolve("in");
            Files.createDirectories(in);
            NodeProcess node = cluster.node("journal");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, """
                    name: busy
                    schedule: { every: 200ms }
                    source: { path: in }
                    process: [ { type: copy } ]
                    targets: [ { path: out } ]
                    onSuccess: { archive: archive }
                    """);

            // An exclusive transaction of another process makes every journal write of the node fail once
            // its busy timeout runs out.
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + cluster.data.resolve("state/journal.db"));
                    Statement s = c.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                Files.writeString(in.resolve("a.csv"), "id\n1\n");
                Thread.sleep(3_000);
                assertThat(Files.exists(cluster.data.resolve("out/a.csv"))).as("output while the journal is locked").isFalse();
                assertThat(Files.exists(in.resolve("a.csv"))).as("input while the journal is locked").isTrue();
                s.execute("ROLLBACK");
            }

            NodeProcess.await(Duration.ofSeconds(30), "the input to be archived", () -> !Files.exists(in.resolve("a.csv")));
            Thread.sleep(1_000);
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("out"))).as("outputs").hasSize(1);
            assertThat(CrashConsistencyIT.filesUnder(cluster.data.resolve("archive"))).as("archived inputs").hasSize(1);
            assertThat(Files.readString(cluster.data.resolve("logs/service-busy.log"))).as("service log")
                    .containsPattern("(?i)journal.*(busy|locked)");
        }
    }

    private static String waiting(NodeProcess node) {
        try {
            return node.cli("waiting", "locks").out();
        } catch (Exception e) {
            throw new AssertionError("baton waiting failed", e);
        }
    }

}
