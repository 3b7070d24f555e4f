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
 * The audit trail in the journal's {@code operator_actions} table: every management action (deploy,
 * start, switch-over, the actions on work items and the others), done, refused or failed, with who acted,
 * when, from where, on which node, on what, and the detail. An action on work items by filter gets one row
 * per item it matched, each carrying the filter text.
 */
public final class OperatorActions {

    /** Whether an action was carried out, rejected before it changed anything, or failed while it ran. */
    public enum Outcome {
        DONE, REFUSED, FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses a label such as {@code refused}, or returns null for anything else. */
        public static Outcome fromLabel(String label) {
            for (Outcome o : values()) {
                if (o.label().equals(label)) {
                    return o;
                }
            }
            return null;
        }
    }

    /**
     * The caller of an action and the remote address of the call. The name is {@code api-token} for the
     * holder of the node's API token, {@code anonymous} for a call without a valid token, or a user name.
     */
    public record Actor(String name, String remoteAddress) {
    }

    /**
     * One action to record. {@code service}, {@code version}, {@code itemId}, {@code filter},
     * {@code target}, {@code status} and {@code detail} may be null.
     */
    public record Row(Instant at, Actor actor, String nodeId, String action, String service, Integer version, Long itemId,
            String filter, String target, Outcome outcome, Integer status, String detail) {
    }

    /** One recorded action. {@code itemId} is null for a filter that matched nothing and for actions on no item. */
    public record Entry(long id, String at, String actor, String remoteAddress, String nodeId, String action,
            String service, Integer version, Long itemId, String filter, String target, String outcome, Integer status,
            String detail) {
    }

    /**
     * A listing filter. Null fields match every row, and an empty {@code actions} matches every action.
     * {@code since} is inclusive.
     */
    public record Query(String service, List<String> actions, Outcome outcome, Instant since, int limit) {
        public Query {
            actions = actions == null ? List.of() : List.copyOf(actions);
        }
    }

    private OperatorActions() {
    }

    /** Inserts one row of an action on work items; returns its id. {@code service}, {@code itemId} and {@code filter} may be null. */
    public static long record(Connection c, Instant at, Actor actor, String nodeId, OperatorAction action, String service,
            Long itemId, String filter, Outcome outcome, String detail) throws SQLException {
        return record(c, new Row(at, actor, nodeId, action.label(), service, null, itemId, filter, null, outcome, null, detail));
    }

    /** Inserts one row; returns its id. */
    public static long record(Connection c, Row row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO operator_actions (at, actor, remote_address, node_id, action,"
                + " service, version, item_id, filter, target, outcome, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, row.at().toString());
            s.setString(2, row.actor().name());
            s.setString(3, row.actor().remoteAddress());
            s.setString(4, row.nodeId());
            s.setString(5, row.action());
            s.setString(6, row.service());
            setNullable(s, 7, row.version());
            setNullable(s, 8, row.itemId());
            s.setString(9, row.filter());
            s.setString(10, row.target());
            s.setString(11, row.outcome().label());
            setNullable(s, 12, row.status());
            s.setString(13, row.detail());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT last_insert_rowid()"); ResultSet rs = s.executeQuery()) {
            return rs.getLong(1);
        }
    }

    private static void setNullable(PreparedStatement s, int index, Number value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setLong(index, value.longValue());
        }
    }

    /** Returns the latest {@code limit} rows, newest first, of one service or of all when {@code service} is null. */
    public static List<Entry> latest(Connection c, String service, int limit) throws SQLException {
        return find(c, new Query(service, List.of(), null, null, limit));
    }

    /** Returns the rows that match {@code query}, newest first. */
    public static List<Entry> find(Connection c, Query query) throws SQLException {
        List<String> conditions = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (query.service() != null) {
            conditions.add("service = ?");
            values.add(query.service());
        }
        if (!query.actions().isEmpty()) {
            conditions.add("action IN (" + String.join(", ", java.util.Collections.nCopies(query.actions().size(), "?")) + ")");
            values.addAll(query.actions());
        }
        if (query.outcome() != null) {
            conditions.add("outcome = ?");
            values.add(query.outcome().label());
        }
        if (query.since() != null) {
            // julianday(), because Instant.toString() writes a varying number of fractional digits.
            conditions.add("julianday(at) >= julianday(?)");
            values.add(query.since().toString());
        }
        String sql = "SELECT id, at, actor, remote_address, node_id, action, service, version, item_id, filter, target, outcome,"
                + " status, detail FROM operator_actions" + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                + " ORDER BY id DESC LIMIT ?";
        values.add(query.limit());
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                s.setObject(i + 1, values.get(i));
            }
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), nullableInt(rs, 8), nullableLong(rs, 9), rs.getString(10),
                            rs.getString(11), rs.getString(12), nullableInt(rs, 13), rs.getString(14)));
                }
            }
            return out;
        }
    }

    private static Integer nullableInt(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
