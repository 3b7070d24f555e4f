package io.baton.core.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns the free pages of the journal file to the file system.
 *
 * <p>The first compaction of a journal runs one full {@code VACUUM} that also switches it to
 * {@code auto_vacuum=INCREMENTAL}. A full VACUUM rewrites the whole file while it holds the
 * journal's exclusive lock. SQLite documents that it needs up to twice the file's size in free space,
 * for a temporary copy and a rollback journal, so it is skipped when the journal's file system has less.
 * NOTE: SQLite writes the temporary copy to its temporary folder, which may be on another file system;
 * only the journal's file system is checked. Every later compaction frees pages with {@code PRAGMA incremental_vacuum} in
 * bounded steps, each in a normal guard-checked transaction, so it needs no extra space and never
 * holds the lock for long.
 */
public final class JournalCompaction {

    private static final Logger log = LoggerFactory.getLogger(JournalCompaction.class);

    /** The value of {@code PRAGMA auto_vacuum} for incremental mode. */
    private static final long AUTO_VACUUM_INCREMENTAL = 2;

    /** Free pages returned per transaction in incremental mode: 4 MiB with SQLite's default 4 KiB pages. */
    static final int PAGES_PER_STEP = 1024;

    /** Outcome of one compaction, with the file sizes before and after. */
    public record Result(Mode mode, long fileBytesBefore, long fileBytesAfter, long freeBytesBefore, String skipReason) {

        public long reclaimedBytes() {
            return Math.max(0, fileBytesBefore - fileBytesAfter);
        }
    }

    /** Kind of compaction that ran. */
    public enum Mode { FULL_VACUUM, INCREMENTAL, SKIPPED }

    private JournalCompaction() {
    }

    /** Compacts the journal; the caller logs the result. */
    public static Result compact(Journal journal) {
        long before = fileSize(journal);
        long freeBefore = journal.call(JournalRetention::freeBytes);
        long autoVacuum = journal.call(c -> JournalRetention.pragma(c, "auto_vacuum"));

        if (autoVacuum != AUTO_VACUUM_INCREMENTAL) {
            return fullVacuum(journal, before, freeBefore);
        }
        if (freeBefore == 0) {
            return new Result(Mode.SKIPPED, before, before, 0, "no free pages");
        }

        // Stops once no page is left, or when a step frees nothing, so that it cannot loop for ever.
        long remaining = Long.MAX_VALUE;
        int steps = 0;
        while (true) {
            long left = journal.call(JournalCompaction::incrementalStep);
            steps++;
            if (left == 0 || left >= remaining) {
                break;
            }
            remaining = left;
        }
        log.debug("Journal {}: incremental vacuum took {} step(s)", journal.file(), steps);
        return new Result(Mode.INCREMENTAL, before, fileSize(journal), freeBefore, null);
    }

    private static Result fullVacuum(Journal journal, long before, long freeBefore) {
        long usable;
        try {
            usable = Files.getFileStore(journal.file()).getUsableSpace();
        } catch (IOException e) {
            return new Result(Mode.SKIPPED, before, before, freeBefore, "cannot read the free space of " + journal.file().getParent()
                    + ": " + e.getMessage());
        }
        long needed = 2 * before;
        if (usable < needed) {
            return new Result(Mode.SKIPPED, before, before, freeBefore, "a full VACUUM needs " + needed + " bytes free beside "
                    + journal.file() + " but only " + usable + " are free; free some space");
        }
        journal.callOutsideTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA auto_vacuum = INCREMENTAL");
                s.execute("VACUUM");
            }
            return null;
        });
        return new Result(Mode.FULL_VACUUM, before, fileSize(journal), freeBefore, null);
    }

    /** Frees up to {@link #PAGES_PER_STEP} pages; returns how many free pages remain. */
    private static long incrementalStep(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA incremental_vacuum(" + PAGES_PER_STEP + ")");
        }
        return JournalRetention.pragma(c, "freelist_count");
    }

    private static long fileSize(Journal journal) {
        try {
            return Files.size(journal.file());
        } catch (IOException e) {
            throw new JournalException("cannot read the size of the journal " + journal.file() + ": " + e.getMessage(), e);
        }
    }
}
