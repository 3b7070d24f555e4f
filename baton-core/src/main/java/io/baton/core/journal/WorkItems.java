package io.baton.core.journal;

import io.baton.core.source.FileIdentity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Journal records of work items and their publish actions. Every method runs inside a journal
 * transaction; state changes are checked against {@link WorkItemState#canMoveTo}.
 */
public final class WorkItems {

    /**
     * Attempts at a publish action (an output under its final name, an archive move) before runs stop
     * retrying it. Each run tries once, so a fault that an operator must fix does not loop for ever.
     */
    public static final int MAX_ACTION_ATTEMPTS = 10;

    /** Wait after the first failed attempt at a publish action; it doubles with each further failure. */
    public static final java.time.Duration ACTION_BACKOFF = java.time.Duration.ofSeconds(5);

    /** Maximum wait between two attempts at a publish action. */
    public static final java.time.Duration ACTION_BACKOFF_CAP = java.time.Duration.ofHours(1);

    /** Outcome of a claim attempt. */
    public sealed interface ClaimOutcome permits Claimed, Skipped {
    }

    /** The file is now claimed by the run, as item {@code itemId}. */
    public record Claimed(long itemId, int attempts) implements ClaimOutcome {
    }

    /** The file is not claimed, for the stated reason. */
    public record Skipped(String reason) implements ClaimOutcome {
    }

    /**
     * The run a claim belongs to. A scheduled poll creates its run record only when it claims its
     * first file, so polls that find nothing leave no trace in the journal.
     */
    @FunctionalInterface
    public interface RunIdSource {
        long runId(Connection c) throws SQLException;
    }

    /** A publish action to record at commit time. */
    public record ActionSpec(ActionKind kind, String sourcePath, String targetPath, long device, long inode) {
    }

    /** A stored publish action, with the item's service. */
    public record ActionRecord(long id, long itemId, String service, int seq, ActionKind kind, String sourcePath,
            String targetPath, long device, long inode, ActionState state, int attempts, String detail) {
    }

    /** One work item as stored. */
    public record ItemRecord(long id, String service, long runId, long epoch, String relPath, long size, long mtimeNanos,
            long device, long inode, long ctimeNanos, String key, WorkItemState state, int attempts, long records,
            long bytesOut, String error, String claimedAt, String finishedAt) {

        public FileIdentity identity() {
            return new FileIdentity(relPath, size, mtimeNanos, device, inode, ctimeNanos);
        }
    }

    /** States in which the input may already have a second name in the archive or quarantine. */
    private static final java.util.Set<WorkItemState> LINKED_STATES =
            java.util.EnumSet.of(WorkItemState.COMMITTED, WorkItemState.DISPOSITION_PENDING, WorkItemState.QUARANTINED);

    static final String ITEM_COLUMNS = "id, service, run_id, epoch, rel_path, size, mtime_ns, dev, ino, ctime_ns,"
            + " item_key, state, attempts, records, bytes_out, error, claimed_at, finished_at";

    private WorkItems() {
    }

    /**
     * Claims a listed file for a run, unless its identity belongs to an item that is known (in
     * flight, committed and not yet disposed, quarantined or kept) or waiting out a retry backoff.
     * A failed or released item with the same identity is claimed again under its own id.
     */
    public static ClaimOutcome claim(Connection c, String service, RunIdSource runIds, long epoch, FileIdentity id, Instant now)
            throws SQLException {
        for (ItemRecord row : byPath(c, service, id.relPath())) {
            if (!row.identity().sameContentAs(id)) {
                continue;
            }
            // Linking the input into the archive or quarantine changes its ctime, so items that may have
            // been linked are matched without it.
            boolean sameDelivery = row.ctimeNanos() == id.ctimeNanos() || LINKED_STATES.contains(row.state());
            if (!sameDelivery) {
                continue;
            }
            if (WorkItemState.KNOWN.contains(row.state())) {
                return new Skipped("known as item " + row.id() + " (" + row.state() + ")");
            }
            if (row.state() == WorkItemState.FAILED || row.state() == WorkItemState.RELEASED) {
                long notBefore = nextAttemptAt(c, row.id());
                if (notBefore > now.toEpochMilli()) {
                    return new Skipped("retry of item " + row.id() + " waits until " + Instant.ofEpochMilli(notBefore));
                }
                long runId = runIds.runId(c);
                move(c, row.id(), row.state(), WorkItemState.CLAIMED,
                        "UPDATE items SET state = 'CLAIMED', run_id = ?, epoch = ?, claimed_at = ?, error = NULL WHERE id = ? AND state = ?",
                        runId, epoch, now.toString(), row.id(), row.state().name());
                ItemAttempts.open(c, row.id(), runId, epoch, now);
                return new Claimed(row.id(), row.attempts());
            }
        }
        long runId = runIds.runId(c);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO items (service, run_id, epoch, rel_path, size, mtime_ns, dev, ino,"
                + " ctime_ns, item_key, state, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'CLAIMED', ?)")) {
            s.setString(1, service);
            s.setLong(2, runId);
            s.setLong(3, epoch);
            s.setString(4, id.relPath());
            s.setLong(5, id.size());
            s.setLong(6, id.mtimeNanos());
            s.setLong(7, id.device());
            s.setLong(8, id.inode());
            s.setLong(9, id.ctimeNanos());
            s.setString(10, id.workItemKey(service));
            s.setString(11, now.toString());
            s.executeUpdate();
        }
        long itemId = lastId(c);
        ItemAttempts.open(c, itemId, runId, epoch, now);
        return new Claimed(itemId, 0);
    }

    /**
     * Stores the input's SHA-256 as the worker computed it while reading. A null hash, sent when the worker
     * could not read the input, keeps the one stored by an earlier attempt.
     */
    public static void recordSha256(Connection c, long itemId, String sha256) throws SQLException {
        if (sha256 == null) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE items SET sha256 = ? WHERE id = ?")) {
            s.setString(1, sha256);
            s.setLong(2, itemId);
            s.executeUpdate();
        }
    }

    /** Marks a claimed item committed and records its publish actions, in the order given. */
    public static void commit(Connection c, long itemId, long records, long bytesOut, List<ActionSpec> actions) throws SQLException {
        move(c, itemId, WorkItemState.CLAIMED, WorkItemState.COMMITTED,
                "UPDATE items SET state = 'COMMITTED', records = ?, bytes_out = ? WHERE id = ? AND state = ?",
                records, bytesOut, itemId, "CLAIMED");
        insertActions(c, itemId, actions);
    }

    /**
     * Records a failed attempt. The item waits for {@code backoff} before a later run may claim it
     * again; once the attempts exceed {@code retries}, or at once when the input was rejected, it is
     * quarantined through the given action. Returns the new state.
     */
    public static WorkItemState fail(Connection c, long itemId, String error, boolean rejected, int retries, Duration backoff,
            ActionSpec quarantine, Instant now) throws SQLException {
        int attempts = current(c, itemId).attempts() + 1;
        boolean quarantined = rejected || attempts > retries;
        WorkItemState next = quarantined ? WorkItemState.QUARANTINED : WorkItemState.FAILED;
        move(c, itemId, WorkItemState.CLAIMED, next,
                "UPDATE items SET state = ?, attempts = ?, error = ?, next_attempt_at = ?, finished_at = ? WHERE id = ? AND state = ?",
                next.name(), attempts, error, now.plus(backoff).toEpochMilli(), now.toString(), itemId, "CLAIMED");
        if (quarantined) {
            insertActions(c, itemId, List.of(quarantine));
        }
        return next;
    }

    /** Gives up a claim without counting an attempt: the run ended before the item was processed. */
    public static void release(Connection c, long itemId, String reason) throws SQLException {
        move(c, itemId, WorkItemState.CLAIMED, WorkItemState.RELEASED,
                "UPDATE items SET state = 'RELEASED', error = ? WHERE id = ? AND state = ?", reason, itemId, "CLAIMED");
    }

    /**
     * Makes a failed or quarantined item claimable by the next run, for an operator's retry: the attempt
     * counter and the backoff are reset. {@code ctimeNanos} is the input's change time as it is now in the
     * source folder, because moving it back from quarantine changed it and a claim matches on it. An
     * unfinished move into quarantine is skipped, so that the next run does not quarantine the input again.
     */
    public static void requeue(Connection c, long itemId, WorkItemState from, long ctimeNanos, String reason, Instant now)
            throws SQLException {
        move(c, itemId, from, WorkItemState.RELEASED,
                "UPDATE items SET state = 'RELEASED', attempts = 0, next_attempt_at = 0, ctime_ns = ?, error = ?, finished_at = ?"
                        + " WHERE id = ? AND state = ?",
                ctimeNanos, reason, now.toString(), itemId, from.name());
        skipOpenActions(c, itemId, reason);
    }

    /**
     * Ends an item whose input an operator gave back to the source folder. Its open publish actions are
     * skipped with the reason, so that no later run publishes its staged outputs or disposes of the input.
     */
    public static void returnToSource(Connection c, long itemId, WorkItemState from, String reason, Instant now) throws SQLException {
        move(c, itemId, from, WorkItemState.RETURNED,
                "UPDATE items SET state = 'RETURNED', error = ?, finished_at = ? WHERE id = ? AND state = ?",
                reason, now.toString(), itemId, from.name());
        skipOpenActions(c, itemId, reason);
    }

    private static void skipOpenActions(Connection c, long itemId, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE actions SET state = 'SKIPPED', detail = ? WHERE item_id = ? AND state NOT IN ('DONE', 'SKIPPED')")) {
            s.setString(1, reason);
            s.setLong(2, itemId);
            s.executeUpdate();
        }
    }

    /** Returns the item with this id, or null when the journal has none. */
    public static ItemRecord find(Connection c, long itemId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ITEM_COLUMNS + " FROM items WHERE id = ?")) {
            s.setLong(1, itemId);
            List<ItemRecord> rows = read(s);
            return rows.isEmpty() ? null : rows.get(0);
        }
    }

    /** Releases every claim left by a lost node; returns how many. */
    public static int releaseAllClaimed(Connection c, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE items SET state = 'RELEASED', error = ? WHERE state = 'CLAIMED'")) {
            s.setString(1, reason);
            return s.executeUpdate();
        }
    }

    /** Moves a committed item to its end state once its actions are done. */
    public static void finish(Connection c, long itemId, WorkItemState from, WorkItemState to, String detail, Instant now) throws SQLException {
        // A successful end clears an earlier error (a blocked output, say), which the actions' details keep.
        boolean success = to == WorkItemState.DISPOSED || to == WorkItemState.KEPT;
        String set = success ? "error = ?" : "error = coalesce(?, error)";
        move(c, itemId, from, to, "UPDATE items SET state = ?, " + set + ", finished_at = ? WHERE id = ? AND state = ?",
                to.name(), detail, now.toString(), itemId, from.name());
    }

    /**
     * Records the end state of one attempt at an action. A failure waits before its next attempt, twice as
     * long after each failure (5 s, 10 s, 20 s … at most 1 h), so ten attempts span about 40 minutes, not ten polls.
     * Returns true when a failure was the last one allowed: the action is then GAVE_UP and runs no longer
     * retry it.
     */
    public static boolean updateAction(Connection c, long actionId, ActionState state, String detail) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE actions SET state = ?, detail = ?, attempts = attempts + 1 WHERE id = ?")) {
            s.setString(1, state.name());
            s.setString(2, detail);
            s.setLong(3, actionId);
            s.executeUpdate();
        }
        if (state != ActionState.FAILED) {
            return false;
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE actions SET next_attempt_at = ? + min(?, ? * (1 << min(attempts - 1, 20)))"
                + " WHERE id = ?")) {
            // NOTE: the backoff is measured on this host's wall clock, so a clock set back lengthens it.
            s.setLong(1, System.currentTimeMillis());
            s.setLong(2, ACTION_BACKOFF_CAP.toMillis());
            s.setLong(3, ACTION_BACKOFF.toMillis());
            s.setLong(4, actionId);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE actions SET state = 'GAVE_UP' WHERE id = ? AND state = 'FAILED' AND attempts >= ?")) {
            s.setLong(1, actionId);
            s.setInt(2, MAX_ACTION_ATTEMPTS);
            return s.executeUpdate() == 1;
        }
    }

    /** Returns the work item id and service of an action, for messages. */
    public static String actionOwner(Connection c, long actionId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT a.item_id, i.service, i.rel_path FROM actions a JOIN items i ON i.id = a.item_id"
                + " WHERE a.id = ?")) {
            s.setLong(1, actionId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? "work item " + rs.getLong(1) + " (" + rs.getString(3) + ") of service " + rs.getString(2) : "an unknown work item";
            }
        }
    }

    /** Re-opens the actions of an item that runs gave up on, with their attempts reset; returns how many. */
    public static int reopenActions(Connection c, long itemId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE actions SET state = 'PENDING', attempts = 0, next_attempt_at = 0"
                + " WHERE item_id = ? AND state IN ('GAVE_UP', 'FAILED')")) {
            s.setLong(1, itemId);
            return s.executeUpdate();
        }
    }

    /** Records the copy sub-step of a cross-device publish: the inode that must end up under the final name. */
    public static void recordCopied(Connection c, long actionId, long device, long inode) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE actions SET state = 'COPIED', dev = ?, ino = ? WHERE id = ?")) {
            s.setLong(1, device);
            s.setLong(2, inode);
            s.setLong(3, actionId);
            s.executeUpdate();
        }
    }

    /** Actions not yet done or skipped, by item and sequence: what a replay must finish. */
    /** Returns every action not done or skipped, including those runs gave up on: their files are still needed. */
    public static List<ActionRecord> openActions(Connection c) throws SQLException {
        return actions(c, "WHERE a.state NOT IN ('DONE', 'SKIPPED') ORDER BY a.item_id, a.seq");
    }

    /**
     * Returns the open actions that runs retry: those of items with no action given up on or waiting out its
     * backoff. An item is left whole, because publishing part of its actions could dispose of an input whose
     * outputs are not published.
     */
    public static List<ActionRecord> actionsToRetry(Connection c) throws SQLException {
        return actions(c, "WHERE a.state NOT IN ('DONE', 'SKIPPED', 'GAVE_UP') AND NOT EXISTS (SELECT 1 FROM actions g"
                + " WHERE g.item_id = a.item_id AND (g.state = 'GAVE_UP' OR (g.state = 'FAILED' AND g.next_attempt_at > "
                + System.currentTimeMillis() + "))) ORDER BY a.item_id, a.seq");
    }

    public static List<ActionRecord> actionsOfItem(Connection c, long itemId) throws SQLException {
        return actions(c, "WHERE a.item_id = " + itemId + " ORDER BY a.seq");
    }

    public static ItemRecord current(Connection c, long itemId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ITEM_COLUMNS + " FROM items WHERE id = ?")) {
            s.setLong(1, itemId);
            List<ItemRecord> rows = read(s);
            if (rows.isEmpty()) {
                throw new IllegalStateException("work item " + itemId + " is not in the journal");
            }
            return rows.get(0);
        }
    }

    public static List<ItemRecord> ofRun(Connection c, long runId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ITEM_COLUMNS + " FROM items WHERE run_id = ? ORDER BY id")) {
            s.setLong(1, runId);
            return read(s);
        }
    }

    public static List<ItemRecord> byPath(Connection c, String service, String relPath) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ITEM_COLUMNS + " FROM items WHERE service = ? AND rel_path = ? ORDER BY id")) {
            s.setString(1, service);
            s.setString(2, relPath);
            return read(s);
        }
    }

    public static List<ItemRecord> inState(Connection c, WorkItemState state) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ITEM_COLUMNS + " FROM items WHERE state = ? ORDER BY id")) {
            s.setString(1, state.name());
            return read(s);
        }
    }

    /** Returns the newest items in {@code state}, of one service or of all ({@code service} null), newest first. */
    public static List<ItemRecord> latestInState(Connection c, String service, WorkItemState state, int limit) throws SQLException {
        String sql = "SELECT " + ITEM_COLUMNS + " FROM items WHERE state = ?" + (service == null ? "" : " AND service = ?")
                + " ORDER BY id DESC LIMIT ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int p = 1;
            s.setString(p++, state.name());
            if (service != null) {
                s.setString(p++, service);
            }
            s.setInt(p, limit);
            return read(s);
        }
    }

    private static long nextAttemptAt(Connection c, long itemId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT next_attempt_at FROM items WHERE id = ?")) {
            s.setLong(1, itemId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static void insertActions(Connection c, long itemId, List<ActionSpec> actions) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO actions (item_id, seq, kind, source_path, target_path, dev, ino, state)"
                + " VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM actions WHERE item_id = ?), ?, ?, ?, ?, ?, 'PENDING')")) {
            for (ActionSpec a : actions) {
                s.setLong(1, itemId);
                s.setLong(2, itemId);
                s.setString(3, a.kind().name());
                s.setString(4, a.sourcePath());
                s.setString(5, a.targetPath());
                s.setLong(6, a.device());
                s.setLong(7, a.inode());
                s.executeUpdate();
            }
        }
    }

    private static List<ActionRecord> actions(Connection c, String where) throws SQLException {
        List<ActionRecord> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT a.id, a.item_id, i.service, a.seq, a.kind, a.source_path, a.target_path,"
                + " a.dev, a.ino, a.state, a.attempts, a.detail FROM actions a JOIN items i ON i.id = a.item_id " + where);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new ActionRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), ActionKind.parse(rs.getString(5)),
                        rs.getString(6), rs.getString(7), rs.getLong(8), rs.getLong(9), ActionState.parse(rs.getString(10)),
                        rs.getInt(11), rs.getString(12)));
            }
        }
        return out;
    }

    /** Runs a guarded state change; an item found in another state is a bug in the caller, not a data problem. */
    private static void move(Connection c, long itemId, WorkItemState from, WorkItemState to, String sql, Object... args) throws SQLException {
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("work item " + itemId + " cannot move from " + from + " to " + to);
        }
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            if (s.executeUpdate() != 1) {
                WorkItemState actual = current(c, itemId).state();
                throw new IllegalStateException("work item " + itemId + " is " + actual + ", not " + from + "; cannot move it to " + to);
            }
        }
    }

    private static long lastId(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT last_insert_rowid()"); ResultSet rs = s.executeQuery()) {
            return rs.getLong(1);
        }
    }

    static List<ItemRecord> read(PreparedStatement s) throws SQLException {
        List<ItemRecord> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new ItemRecord(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getLong(6),
                        rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getString(11),
                        WorkItemState.parse(rs.getString(12)), rs.getInt(13), rs.getLong(14), rs.getLong(15), rs.getString(16),
                        rs.getString(17), rs.getString(18)));
            }
        }
        return out;
    }
}
