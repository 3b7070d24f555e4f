package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A forced takeover from a SIGSTOPped holder, and the checks that reject it while the holder is live. */
class ForcedTakeoverIT {

    private static final int FILES = 60;

    /** Lease duration of {@link TestCluster#TEST_CLUSTER_YAML}. */
    private static final long LEASE_MILLIS = 4_000;

    @TempDir
    Path tmp;

    @Test
    void forcedTakeoverOfStoppedHolder() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path inbox = Files.createDirectories(cluster.data.resolve("inbox"));
            for (int i = 0; i < FILES; i++) {
                Files.writeString(inbox.resolve(String.format("f-%03d.txt", i)), "file " + i + "\n");
            }
            NodeProcess a = cluster.node("node-a");
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            NodeProcess b = cluster.node("node-b");
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));

            NodeProcess.CliResult live = b.cli("takeover", "--confirm-fenced", "node-a");
            assertThat(live.exitCode()).as("takeover from a live holder").isEqualTo(1);
            assertThat(live.err()).as("message for a live holder").contains("node-a runs on this host as pid").contains("is not fenced");
            NodeProcess.CliResult wrong = b.cli("takeover", "--confirm-fenced", "node-x");
            assertThat(wrong.exitCode()).as("takeover from a node that is not the holder").isEqualTo(1);
            assertThat(wrong.err()).as("message for a wrong holder").contains("node node-x is not the holder: the lease names node node-a");
            NodeProcess.CliResult missing = b.cli("takeover");
            assertThat(missing.exitCode()).as("takeover without --confirm-fenced").isEqualTo(2);

            assertThat(a.cli("deploy", cluster.serviceFolder("mover", """
                    name: mover
                    autoStart: true
                    schedule: { every: 300ms }
                    source: { path: inbox }
                    process:
                      - type: class
                        class: io.baton.testkit.steps.SlowCopyStep
                        settings: { delayMillis: "100" }
                    targets: [ { path: outbox } ]
                    onSuccess: { delete: true }
                    """).toString()).exitCode()).as("deploy").isZero();
            a.cli("start", "mover");
            NodeProcess.await(Duration.ofSeconds(60), "some outputs", () -> CrashConsistencyIT.filesUnder(cluster.data.resolve("outbox")).size() > 5);

            a.signal("STOP");
            NodeProcess.CliResult forced = b.cli("takeover", "--confirm-fenced", "node-a");
            boolean killed = false;
            if (forced.exitCode() != 0 && forced.err().contains("still locked")) {
                // node-a stopped inside a journal transaction and holds SQLite's lock: as the message says, the
                // operator fences it for real, and the takeover goes through.
                a.kill9();
                killed = true;
                forced = b.cli("takeover", "--confirm-fenced", "node-a");
            }
            assertThat(forced.exitCode()).as("forced takeover of the stopped holder: " + forced.err()).isZero();
            assertThat(forced.out()).containsPattern("took over epoch \\d+ from node node-a");
            // A failed first attempt uses up an epoch number, so the epoch is 2 only when the first attempt worked.
            String epoch = forced.out().replaceAll("(?s).*took over epoch (\\d+) from.*", "$1");
            if (!killed) {
                assertThat(epoch).as("epoch taken").isEqualTo("2");
            }
            long millis = Long.parseLong(forced.out().replaceAll("(?s).* in (\\d+) ms.*", "$1"));
            // The time includes node-b's 1.25 s watch of the lease counter (two renew intervals and a poll
            // interval), then taking the epoch guard, which on a loaded machine can take seconds. The cause
            // in role_changes, checked below, shows that the forced takeover gave node-b the epoch, not the lease expiring.
            assertThat(millis).as("time of the forced takeover on node-b (ms)").isLessThan(LEASE_MILLIS + 4_000);
            b.awaitRole("ACTIVE", Duration.ofSeconds(30));

            if (!killed) {
                a.signal("CONT");
                a.awaitRole("PASSIVE", Duration.ofSeconds(30));
            }
            NodeProcess.await(Duration.ofMinutes(2), "node-b to finish the files", () -> CrashConsistencyIT.filesUnder(inbox).isEmpty());
            List<Path> outputs = CrashConsistencyIT.filesUnder(cluster.data.resolve("outbox"));
            assertThat(outputs).as("outputs").hasSize(FILES);
            for (Path out : outputs) {
                int n = Integer.parseInt(out.getFileName().toString().substring(2, 5));
                assertThat(Files.readString(out)).as(out.toString()).isEqualTo("file " + n + "\n");
            }
            if (!killed) {
                String logA = Files.readString(cluster.data.resolve("logs/node-node-a.log"));
                assertThat(logA).as("log of node-a after SIGCONT").contains("is passive");
            }

            assertThat(b.cli("node", "stop").exitCode()).isZero();
            if (!killed) {
                assertThat(a.cli("node", "stop").exitCode()).isZero();
            }
            assertThat(cluster.query("SELECT count(*) FROM items WHERE state = 'DISPOSED'").get(0).get(0)).as("disposed items")
                    .isEqualTo(Integer.toString(FILES));
            List<List<String>> forcedRow = cluster.query("SELECT node_id, previous_node, cause, actor FROM role_changes WHERE epoch = " + epoch);
            assertThat(forcedRow).as("role change of epoch " + epoch).containsExactly(List.of("node-b", "node-a", "forced-takeover", "api-token from 127.0.0.1"));

            // The takeover that went through is in the audit trail once, recorded by node-b once it was active;
            // the attempts node-b refused while passive could not be written to the journal and are in its log.
            assertThat(cluster.query("SELECT node_id, target, actor, outcome, status FROM operator_actions WHERE action = 'takeover'"))
                    .as("forced takeovers in the audit trail").containsExactly(List.of("node-b", "node-a", "api-token", "done", "200"));
            String logB = Files.readString(cluster.data.resolve("logs/node-node-b.log"));
            assertThat(logB).as("log of node-b").contains("takeover of node-a by api-token from 127.0.0.1: refused (HTTP 409)");
        }
    }
}
