package io.baton.core.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code role_changes} table: one row per epoch, written in the same transaction as the guard bump
 * that made the node active, so a row exists exactly for each epoch that was committed.
 *
 * <p>Columns:
 * <ul>
 *   <li>{@code epoch}: the epoch the node took (primary key)</li>
 *   <li>{@code node_id}: the node that became active</li>
 *   <li>{@code previous_node}: the node the guard named before, or null for the first start</li>
 *   <li>{@code cause}: {@code first-start}, {@code expiry}, {@code release} (the holder stopped in order),
 *       {@code restart} (the node's own earlier process died), {@code switch-over} or {@code forced-takeover}</li>
 *   <li>{@code started_at}: ISO-8601 instant when the change began: for a switch-over, when the holder
 *       recorded the hand-over; for an expiry, when the new node last saw the old heartbeat change; for
 *       the others, when the new node saw the cause</li>
 *   <li>{@code completed_at}: ISO-8601 instant of the guard bump (the takeover), on the new node's clock</li>
 *   <li>{@code actor}: who requested a forced takeover (credential and remote address), otherwise null</li>
 *   <li>{@code detail}: the reason in words</li>
 * </ul>
 * Times of a switch-over come from two nodes' wall clocks, so its duration is only as exact as their
 * clock sync.
 */
public final class RoleChanges {

    /** One row of {@code role_changes}. */
    public record RoleChange(long epoch, String nodeId, String previousNode, String cause, String startedAt, String completedAt,
            String actor, String detail) {

        /** Returns the time from start to guard bump, or null when a time cannot be parsed. */
        public Duration duration() {
            try {
                return Duration.between(Instant.parse(startedAt), Instant.parse(completedAt));
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
    }

    private RoleChanges() {
    }

    static void insert(Connection c, long epoch, String nodeId, String previousNode, Takeover takeover, Instant startedAt,
            Instant completedAt) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO role_changes (epoch, node_id, previous_node, cause, started_at,"
                + " completed_at, actor, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setLong(1, epoch);
            s.setString(2, nodeId);
            s.setString(3, previousNode == null || previousNode.isEmpty() ? null : previousNode);
            s.setString(4, takeover.cause().text());
            s.setString(5, startedAt.toString());
            s.setString(6, completedAt.toString());
            s.setString(7, takeover.actor());
            s.setString(8, takeover.detail());
            s.executeUpdate();
        }
    }

    /** Returns the latest {@code limit} role changes, newest first. */
    public static List<RoleChange> recent(Connection c, int limit) throws SQLException {
        List<RoleChange> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT epoch, node_id, previous_node, cause, started_at, completed_at, actor,"
                + " detail FROM role_changes ORDER BY epoch DESC LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new RoleChange(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8)));
                }
            }
        }
        return out;
    }
}
