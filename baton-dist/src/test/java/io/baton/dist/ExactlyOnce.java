package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.publish.FileKeys;
import io.baton.core.publish.FileKeys.FileKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, after the nodes have stopped, that every delivered input was processed exactly once: by the
 * outputs and archived copies on disk, and by the journal. The service must name its output
 * {@code {name}} in {@code outbox/} and archive its inputs under {@code archive/}.
 */
final class ExactlyOnce {

    private ExactlyOnce() {
    }

    /** Runs every check; {@code delivered} maps each input's name to its content. */
    static void check(TestCluster cluster, Map<String, String> delivered) throws IOException, SQLException {
        check(cluster, cluster.data, delivered);
    }

    /**
     * Runs every check on the data directory as the nodes saw it, under {@code nodesData}: the journal
     * records their paths, and a FUSE mount reports a device number of its own.
     */
    static void check(TestCluster cluster, Path nodesData, Map<String, String> delivered) throws IOException, SQLException {
        checkOutputs(nodesData.resolve("outbox"), delivered);
        checkArchive(nodesData.resolve("archive"), delivered);
        checkJournalItems(cluster, delivered.size());
        checkOutputsCommitted(cluster, nodesData);
        checkEpochOrder(cluster);
    }

    /** One output per input, with the input's content, and none without an input. */
    static void checkOutputs(Path outbox, Map<String, String> delivered) throws IOException {
        List<Path> outputs = CrashConsistencyIT.filesUnder(outbox);
        Map<String, Integer> perName = new HashMap<>();
        for (Path out : outputs) {
            String name = out.getFileName().toString();
            perName.merge(name, 1, Integer::sum);
            assertThat(delivered).as("input of output " + name).containsKey(name);
            assertThat(Files.readString(out)).as("content of output " + name).isEqualTo(delivered.get(name));
        }
        assertThat(perName.keySet()).as("inputs with an output").containsExactlyInAnyOrderElementsOf(delivered.keySet());
        assertThat(perName.values()).as("outputs per input").allMatch(n -> n == 1);
    }

    /** One archived copy per input. */
    static void checkArchive(Path archive, Map<String, String> delivered) {
        Map<String, Integer> perInput = new HashMap<>();
        for (Path p : CrashConsistencyIT.filesUnder(archive)) {
            perInput.merge(p.getFileName().toString().replaceAll("\\.run-\\d+", ""), 1, Integer::sum);
        }
        assertThat(perInput.keySet()).as("archived inputs").containsExactlyInAnyOrderElementsOf(delivered.keySet());
        assertThat(perInput.values()).as("archived copies per input").allMatch(n -> n == 1);
    }

    /** One work item per input, disposed of, with every publish action done. */
    static void checkJournalItems(TestCluster cluster, int inputs) throws SQLException {
        assertThat(cluster.query("SELECT state, count(*) FROM items GROUP BY state"))
                .as("work item states").containsExactly(List.of("DISPOSED", Integer.toString(inputs)));
        assertThat(cluster.query("SELECT rel_path FROM items GROUP BY rel_path HAVING count(*) > 1"))
                .as("inputs with more than one work item").isEmpty();
        assertThat(cluster.query("SELECT count(*) FROM actions WHERE state <> 'DONE'").get(0).get(0))
                .as("publish actions not done").isEqualTo("0");
        assertThat(cluster.query("SELECT count(*) FROM runs WHERE state = 'RUNNING'").get(0).get(0))
                .as("runs left running").isEqualTo("0");
    }

    /**
     * Every output is the file that a commit recorded: the same inode as the journal's publish action
     * for that name. An output published from staged work that was never committed has no such action.
     */
    static void checkOutputsCommitted(TestCluster cluster, Path nodesData) throws IOException, SQLException {
        Map<String, FileKey> committed = new HashMap<>();
        for (List<String> row : cluster.query("SELECT a.target_path, a.dev, a.ino FROM actions a JOIN items i ON i.id = a.item_id"
                + " WHERE a.kind = 'PUBLISH_OUTPUT' AND i.state = 'DISPOSED'")) {
            committed.put(row.get(0), new FileKey(Long.parseLong(row.get(1)), Long.parseLong(row.get(2))));
        }
        for (Path out : CrashConsistencyIT.filesUnder(nodesData.resolve("outbox"))) {
            assertThat(committed).as("publish action for output " + out).containsKey(out.toString());
            assertThat(FileKeys.of(out)).as("inode of output " + out + " against its commit").isEqualTo(committed.get(out.toString()));
        }
    }

    /**
     * No commit of epoch e after the first commit of epoch e + 1, and every epoch's work by the node that
     * claimed that epoch. Row ids grow with commit order: a run's id when it starts, a publish action's
     * id when its item commits; the item's epoch is the epoch that claimed and committed it.
     */
    static void checkEpochOrder(TestCluster cluster) throws IOException, SQLException {
        assertNonDecreasing("epochs of runs in start order", cluster.query("SELECT id, epoch FROM runs ORDER BY id"));
        assertNonDecreasing("epochs of item commits in commit order", cluster.query(
                "SELECT min(a.id), i.epoch FROM actions a JOIN items i ON i.id = a.item_id WHERE a.kind = 'PUBLISH_OUTPUT'"
                        + " GROUP BY a.item_id ORDER BY min(a.id)"));
        io.baton.core.lease.EpochStore epochs = new io.baton.core.lease.EpochStore(cluster.data.resolve("state/epochs"));
        for (List<String> row : cluster.query("SELECT DISTINCT epoch, node_id FROM runs")) {
            assertThat(epochs.holder(Long.parseLong(row.get(0)))).as("node that claimed epoch " + row.get(0) + " against its runs")
                    .isEqualTo(row.get(1));
        }
    }

    private static void assertNonDecreasing(String what, List<List<String>> idAndEpoch) {
        long highest = 0;
        for (List<String> row : idAndEpoch) {
            long epoch = Long.parseLong(row.get(1));
            assertThat(epoch).as(what + ": row " + row.get(0) + " after epoch " + highest).isGreaterThanOrEqualTo(highest);
            highest = epoch;
        }
    }
}
