package io.baton.core.journal;

import io.baton.core.source.FileIdentity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletion of finished journal records older than a cutoff. Every method runs inside a journal
 * transaction and deletes at most {@code limit} rows, so that one batch holds the journal's lock only
 * briefly.
 *
 * <p>What is never deleted here: work items in an open state (CLAIMED, COMMITTED, FAILED, RELEASED,
 * PUBLISH_BLOCKED, DISPOSITION_PENDING, UNKNOWN) or with a publish action that is not DONE or SKIPPED;
 * runs still RUNNING or still referred to by a work item; and the newest schedule slot of each service.
 * Audit rows ({@code operator_actions}) of every outcome are deleted by age alone. Whether a KEPT or QUARANTINED item is
 * still needed by the known-file rule depends on files, so the caller decides that before it deletes.
 *
 * <p>Times are compared with SQLite's {@code julianday()}, because {@link Instant#toString()} writes a
 * varying number of fractional digits, so the stored texts do not sort as times.
 */
public final class JournalRetention {

    /** A finished work item that may be deleted once the caller has checked the known-file rule. */
    public record Candidate(long id, String service, WorkItemState state, FileIdentity identity, String finishedAt,
            String quarantinePath, long quarantineDevice, long quarantineInode) {
    }

    /** Finished states whose rows may be deleted; every other state is open. */
    private static final String FINISHED = "('DISPOSED', 'KEPT', 'QUARANTINED', 'RETURNED')";

    private static final String ALL_ACTIONS_FINAL = "NOT EXISTS (SELECT 1 FROM actions a WHERE a.item_id = items.id"
            + " AND a.state NOT IN ('DONE', 'SKIPPED'))";

    private JournalRetention() {
    }

    /**
     * Returns up to {@code limit} finished items with an id above {@code afterId}, finished before
     * {@code cutoff}, whose publish actions are all DONE or SKIPPED, in id order.
     */
    public static List<Candidate> candidates(Connection c, Instant cutoff, long afterId, int limit) throws SQLException {
        String sql = "SELECT id, service, state, rel_path, size, mtime_ns, dev, ino, ctime_ns, finished_at,"
                + " (SELECT a.target_path FROM actions a WHERE a.item_id = items.id AND a.kind IN ('QUARANTINE_INPUT', 'QUARANTINE_DOWNLOAD') ORDER BY a.seq DESC LIMIT 1),"
                + " (SELECT a.dev FROM actions a WHERE a.item_id = items.id AND a.kind IN ('QUARANTINE_INPUT', 'QUARANTINE_DOWNLOAD') ORDER BY a.seq DESC LIMIT 1),"
                + " (SELECT a.ino FROM actions a WHERE a.item_id = items.id AND a.kind IN ('QUARANTINE_INPUT', 'QUARANTINE_DOWNLOAD') ORDER BY a.seq DESC LIMIT 1)"
                + " FROM items WHERE id > ? AND state IN " + FINISHED + " AND finished_at IS NOT NULL"
                + " AND julianday(finished_at) < julianday(?) AND " + ALL_ACTIONS_FINAL + " ORDER BY id LIMIT ?";
        List<Candidate> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, afterId);
            s.setString(2, cutoff.toString());
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    FileIdentity identity = new FileIdentity(rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getLong(7),
                            rs.getLong(8), rs.getLong(9));
                    out.add(new Candidate(rs.getLong(1), rs.getString(2), WorkItemState.parse(rs.getString(3)), identity,
                            rs.getString(10), rs.getString(11), rs.getLong(12), rs.getLong(13)));
                }
            }
        }
        return out;
    }

    /**
     * Deletes the given items and their publish actions. An item that left the state it was selected
     * in, or got an open action since, stays. Returns how many items were deleted.
     */
    public static int deleteItems(Connection c, List<Candidate> items) throws SQLException {
        int deleted = 0;
        try (PreparedStatement actions = c.prepareStatement("DELETE FROM actions WHERE item_id = ?");
             PreparedStatement item = c.prepareStatement("DELETE FROM items WHERE id = ? AND state = ? AND " + ALL_ACTIONS_FINAL)) {
            for (Candidate candidate : items) {
                item.setLong(1, candidate.id());
                item.setString(2, candidate.state().name());
                if (item.executeUpdate() == 1) {
                    actions.setLong(1, candidate.id());
                    actions.executeUpdate();
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** Deletes up to {@code limit} ended runs that ended before {@code cutoff} and that no work item refers to. */
    public static int deleteRuns(Connection c, Instant cutoff, int limit) throws SQLException {
        return delete(c, "DELETE FROM runs WHERE id IN (SELECT r.id FROM runs r WHERE r.state <> 'RUNNING' AND r.ended_at IS NOT NULL"
                + " AND julianday(r.ended_at) < julianday(?) AND NOT EXISTS (SELECT 1 FROM items i WHERE i.run_id = r.id)"
                + " ORDER BY r.id LIMIT ?)", cutoff.toString(), limit);
    }

    /**
     * Deletes up to {@code limit} schedule slots from before {@code cutoff}. The newest slot of each
     * service is kept, so that a scheduler can always tell when its service last fired.
     */
    public static int deleteSlots(Connection c, Instant cutoff, int limit) throws SQLException {
        return delete(c, "DELETE FROM schedule_slots WHERE rowid IN (SELECT s.rowid FROM schedule_slots s WHERE s.slot_at < ?"
                + " AND s.slot_at < (SELECT max(n.slot_at) FROM schedule_slots n WHERE n.service = s.service) LIMIT ?)",
                cutoff.toEpochMilli(), limit);
    }

    /** Deletes up to {@code limit} audit rows of any action and outcome recorded before {@code cutoff}. */
    public static int deleteOperatorActions(Connection c, Instant cutoff, int limit) throws SQLException {
        return delete(c, "DELETE FROM operator_actions WHERE id IN (SELECT id FROM operator_actions"
                + " WHERE julianday(at) < julianday(?) ORDER BY id LIMIT ?)", cutoff.toString(), limit);
    }

    /** Returns when the oldest finished work item still in the journal finished, or null when there is none. */
    public static String oldestFinishedItem(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT finished_at FROM items WHERE state IN " + FINISHED
                + " AND finished_at IS NOT NULL ORDER BY julianday(finished_at) LIMIT 1");
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Returns the bytes of the journal file that are free pages, ready to be reclaimed by compaction. */
    public static long freeBytes(Connection c) throws SQLException {
        return pragma(c, "freelist_count") * pragma(c, "page_size");
    }

    static long pragma(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("PRAGMA " + name); ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static int delete(Connection c, String sql, Object cutoff, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, cutoff);
            s.setInt(2, limit);
            return s.executeUpdate();
        }
    }
}
