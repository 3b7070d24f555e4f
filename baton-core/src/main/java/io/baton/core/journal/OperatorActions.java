package io.baton.core.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The audit trail of operator actions in the journal: who acted, when, from where, on which work item
 * or filter, and the outcome. A filter gets one row per item it matched, each carrying the filter text.
 */
public final class OperatorActions {

    /** Whether an action was carried out or refused. */
    public enum Outcome {
        DONE, REFUSED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The caller of an action: for now the holder of the node's API token, and the remote address of the call. */
    public record Actor(String name, String remoteAddress) {
    }

    /** One recorded action. {@code itemId} is null for a filter that matched nothing. */
    public record Entry(long id, String at, String actor, String remoteAddress, String nodeId, String action,
            String service, Long itemId, String filter, String outcome, String detail) {
    }

    private OperatorActions() {
    }

    /** Inserts one row; returns its id. {@code service}, {@code itemId} and {@code filter} may be null. */
    public static long record(Connection c, Instant at, Actor actor, String nodeId, OperatorAction action, String service,
            Long itemId, String filter, Outcome outcome, String detail) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO operator_actions (at, actor, remote_address, node_id, action,"
                + " service, item_id, filter, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, at.toString());
            s.setString(2, actor.name());
            s.setString(3, actor.remoteAddress());
            s.setString(4, nodeId);
            s.setString(5, action.label());
            s.setString(6, service);
            if (itemId == null) {
                s.setNull(7, Types.INTEGER);
            } else {
                s.setLong(7, itemId);
            }
            s.setString(8, filter);
            s.setString(9, outcome.label());
            s.setString(10, detail);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT last_insert_rowid()"); ResultSet rs = s.executeQuery()) {
            return rs.getLong(1);
        }
    }

    /** Returns the latest {@code limit} rows, newest first, of one service or of all when {@code service} is null. */
    public static List<Entry> latest(Connection c, String service, int limit) throws SQLException {
        String sql = "SELECT id, at, actor, remote_address, node_id, action, service, item_id, filter, outcome, detail"
                + " FROM operator_actions" + (service == null ? "" : " WHERE service = ?") + " ORDER BY id DESC LIMIT ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (service != null) {
                s.setString(i++, service);
            }
            s.setInt(i, limit);
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long item = rs.getLong(8);
                    Long itemId = rs.wasNull() ? null : item;
                    out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), itemId, rs.getString(9), rs.getString(10), rs.getString(11)));
                }
            }
            return out;
        }
    }
}
