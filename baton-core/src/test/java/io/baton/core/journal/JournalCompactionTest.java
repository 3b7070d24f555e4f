package io.baton.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.journal.JournalCompaction.Mode;
import io.baton.core.journal.JournalCompaction.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalCompactionTest {

    @TempDir
    Path temp;

    private Journal journal;

    @BeforeEach
    void openJournal() throws Exception {
        Files.createDirectories(temp.resolve("state"));
        journal = Journal.openAndTakeGuard(temp.resolve("state/journal.db"), 1, "node-a", false, 5_000, e -> { });
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    /** Fills the journal with about 8 MB of operator actions and deletes them again, leaving free pages. */
    private void growAndEmpty() {
        String padding = "x".repeat(4000);
        journal.call(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO operator_actions (at, actor, node_id, action, outcome, detail)"
                    + " VALUES ('2025-01-01T00:00:00Z', 'test', 'node-a', 'retry', 'done', ?)")) {
                for (int i = 0; i < 2000; i++) {
                    s.setString(1, padding);
                    s.executeUpdate();
                }
            }
            return null;
        });
        journal.call(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM operator_actions");
            }
            return null;
        });
    }

    @Test
    void firstCompactionVacuumsFully() throws Exception {
        growAndEmpty();
        long grown = Files.size(journal.file());

        Result result = JournalCompaction.compact(journal);

        assertThat(result.mode()).isEqualTo(Mode.FULL_VACUUM);
        assertThat(result.fileBytesBefore()).isEqualTo(grown);
        assertThat(result.reclaimedBytes()).as("bytes returned by VACUUM").isGreaterThan(7_000_000);
        assertThat(Files.size(journal.file())).isLessThan(1_000_000);
        assertThat((long) journal.call(c -> JournalRetention.pragma(c, "auto_vacuum"))).as("auto_vacuum after the first compaction").isEqualTo(2);
    }

    @Test
    void laterCompactionsIncremental() throws Exception {
        JournalCompaction.compact(journal);
        growAndEmpty();
        long grown = Files.size(journal.file());

        Result result = JournalCompaction.compact(journal);

        assertThat(result.mode()).isEqualTo(Mode.INCREMENTAL);
        assertThat(result.freeBytesBefore()).isGreaterThan(7_000_000);
        assertThat(result.reclaimedBytes()).isGreaterThan(7_000_000);
        assertThat(Files.size(journal.file())).isLessThan(grown - 7_000_000);
        assertThat((long) journal.call(JournalRetention::freeBytes)).isZero();
    }

    @Test
    void incrementalWithoutFreePagesSkipped() {
        JournalCompaction.compact(journal);

        Result result = JournalCompaction.compact(journal);

        assertThat(result.mode()).isEqualTo(Mode.SKIPPED);
        assertThat(result.skipReason()).isEqualTo("no free pages");
    }

    @Test
    void journalStillWorksAfterCompaction() {
        growAndEmpty();
        JournalCompaction.compact(journal);

        long runId = journal.call(c -> Runs.start(c, "orders", 1, "node-a", "test", java.time.Instant.now()));

        assertThat(journal.call(c -> Runs.byId(c, runId)).service()).isEqualTo("orders");
    }
}
