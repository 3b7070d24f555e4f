package io.baton.core.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code item_attempts} table: one row per claim of a work item, so that its history keeps every attempt
 * while the {@code items} row keeps only the latest. A row is opened by {@link WorkItems#claim} and ended in
 * the transaction that records the attempt's outcome (commit, failure, release).
 *
 * <p>An attempt whose node died stays open until the next node releases the claims at takeover, which ends
 * it as {@code released}. Items claimed before schema version 3 have no rows; their history shows only the
 * attempt that the {@code items} row describes.
 */
public final class ItemAttempts {

    /** The end of an attempt, as stored in {@code outcome}. */
    public enum Outcome {
        COMMITTED, FAILED, REJECTED, QUARANTINED, RELEASED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One attempt. {@code endedAt}, {@code outcome} and {@code error} are null while it is open. */
    public record Attempt(long id, long itemId, long runId, long epoch, String nodeId, String startedAt, String endedAt,
            String outcome, String error) {
    }

    private ItemAttempts() {
    }

    /** Opens an attempt of the item by the run; the node is the run's node. */
    static void open(Connection c, long itemId, long runId, long epoch, Instant now) throws SQLException {
        // A claim never leaves an earlier attempt open: one that is still open here lost its outcome.
        end(c, itemId, null, "no outcome was recorded before the item was claimed again", now);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO item_attempts (item_id, run_id, epoch, node_id, started_at)"
                + " VALUES (?, ?, ?, coalesce((SELECT node_id FROM runs WHERE id = ?), ''), ?)")) {
            s.setLong(1, itemId);
            s.setLong(2, runId);
            s.setLong(3, epoch);
            s.setLong(4, runId);
            s.setString(5, now.toString());
            s.executeUpdate();
        }
    }

    /** Ends the open attempt of an item, if it has one; a null outcome is stored as {@code unknown}. */
    public static void end(Connection c, long itemId, Outcome outcome, String error, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE item_attempts SET ended_at = ?, outcome = ?, error = ?"
                + " WHERE item_id = ? AND ended_at IS NULL")) {
            s.setString(1, now.toString());
            s.setString(2, outcome == null ? "unknown" : outcome.label());
            s.setString(3, error);
            s.setLong(4, itemId);
            s.executeUpdate();
        }
    }

    /** Ends the open attempts of every CLAIMED item as released, with the reason; for a takeover. Returns how many. */
    public static int releaseAllOpen(Connection c, String reason, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE item_attempts SET ended_at = ?, outcome = 'released', error = ?"
                + " WHERE ended_at IS NULL AND item_id IN (SELECT id FROM items WHERE state = 'CLAIMED')")) {
            s.setString(1, now.toString());
            s.setString(2, reason);
            return s.executeUpdate();
        }
    }

    /** Returns the attempts of an item, oldest first. */
    public static List<Attempt> ofItem(Connection c, long itemId) throws SQLException {
        List<Attempt> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, item_id, run_id, epoch, node_id, started_at, ended_at, outcome, error"
                + " FROM item_attempts WHERE item_id = ? ORDER BY id")) {
            s.setLong(1, itemId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Attempt(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getString(8), rs.getString(9)));
                }
            }
        }
        return out;
    }
}
