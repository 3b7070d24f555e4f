package io.baton.core.journal;

import io.baton.core.journal.ItemAttempts.Attempt;
import io.baton.core.journal.RoleChanges.RoleChange;
import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.core.journal.WorkItems.ItemRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the lineage of inputs from the journal: finds work items by a {@link LineageQuery} and puts together
 * the {@link ItemHistory} of one item from the items, attempts, actions, operator actions and role changes.
 * It only reads, so it may run in any journal transaction.
 */
public final class Lineage {

    /** States after which an item changes no more unless an operator acts on it: its open window ends at finished_at. */
    private static final Set<WorkItemState> AT_REST = Set.of(WorkItemState.DISPOSED, WorkItemState.KEPT, WorkItemState.RETURNED,
            WorkItemState.QUARANTINED);

    private Lineage() {
    }

    /** Returns the ids of the items that match, oldest first, at most {@code query.limit()} of them. */
    public static List<Long> find(Connection c, LineageQuery query) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + WorkItems.ITEM_COLUMNS + " FROM items WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (query.service() != null) {
            sql.append(" AND service = ?");
            args.add(query.service());
        }
        if (query.name() != null) {
            // The exact relative path, or the exact file name in any folder of a recursive source.
            sql.append(" AND (rel_path = ? OR rel_path GLOB ?)");
            args.add(query.name());
            args.add("*/" + literalGlob(query.name()));
        }
        if (query.glob() != null) {
            sql.append(" AND rel_path GLOB ?");
            args.add(query.glob());
        }
        if (query.sha256() != null) {
            sql.append(" AND sha256 = ?");
            args.add(query.sha256().toLowerCase(Locale.ROOT));
        }
        if (query.state() != null) {
            sql.append(" AND state = ?");
            args.add(query.state().name());
        }
        boolean windowed = query.since() != null || query.until() != null;
        sql.append(" ORDER BY id");
        if (!windowed) {
            sql.append(" LIMIT ").append(query.limit());
        }

        List<Long> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            // NOTE: the time window is applied here, after the other filters, because the journal stores
            // instants as text of varying length that does not sort as time.
            for (ItemRecord item : WorkItems.read(s)) {
                if (ids.size() == query.limit()) {
                    break;
                }
                if (!windowed || inWindow(query, item.claimedAt()) || inWindow(query, item.finishedAt())) {
                    ids.add(item.id());
                }
            }
        }
        return ids;
    }

    /** Returns the history of one item, or null when the journal has no item with this id. */
    public static ItemHistory history(Connection c, long itemId) throws SQLException {
        ItemRecord item = WorkItems.find(c, itemId);
        if (item == null) {
            return null;
        }

        List<Attempt> attempts = ItemAttempts.ofItem(c, itemId);
        boolean recorded = !attempts.isEmpty();
        if (!recorded) {
            attempts = List.of(latestAttempt(c, item));
        }

        List<ActionRecord> outputs = new ArrayList<>();
        List<ActionRecord> disposition = new ArrayList<>();
        for (ActionRecord a : WorkItems.actionsOfItem(c, itemId)) {
            (a.kind().createsOutput() ? outputs : disposition).add(a);
        }

        List<OperatorActions.Entry> operatorActions = operatorActions(c, itemId);
        List<RoleChange> roleChanges = roleChangesWhileOpen(c, item, attempts);
        List<Long> earlier = sameName(c, item, "<");
        List<Long> later = sameName(c, item, ">");
        List<ItemHistory.Event> events = LineageEvents.of(item, attempts, outputs, disposition, operatorActions, roleChanges,
                laterClaims(c, later));
        return new ItemHistory(item, sha256(c, itemId), attempts, recorded, outputs, disposition, operatorActions, roleChanges,
                earlier, later, events);
    }

    /** Escapes the GLOB wildcards of a name, so that it matches only itself. */
    static String literalGlob(String name) {
        StringBuilder out = new StringBuilder();
        for (char ch : name.toCharArray()) {
            if (ch == '*' || ch == '?' || ch == '[') {
                out.append('[').append(ch).append(']');
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static boolean inWindow(LineageQuery q, String text) {
        Instant t = parse(text);
        if (t == null) {
            return false;
        }
        return (q.since() == null || !t.isBefore(q.since())) && (q.until() == null || t.isBefore(q.until()));
    }

    static Instant parse(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Rebuilds the latest attempt of an item from an older journal out of the item row, with id 0. */
    private static Attempt latestAttempt(Connection c, ItemRecord item) throws SQLException {
        Runs.RunRecord run = Runs.byId(c, item.runId());
        boolean open = item.state() == WorkItemState.CLAIMED;
        return new Attempt(0, item.id(), item.runId(), item.epoch(), run == null ? "" : run.nodeId(), item.claimedAt(),
                open ? null : item.finishedAt(), open ? null : item.state().name().toLowerCase(Locale.ROOT), item.error());
    }

    private static String sha256(Connection c, long itemId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT sha256 FROM items WHERE id = ?")) {
            s.setLong(1, itemId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static Integer intOrNull(ResultSet rs, int column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static List<OperatorActions.Entry> operatorActions(Connection c, long itemId) throws SQLException {
        List<OperatorActions.Entry> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, at, actor, remote_address, node_id, action, service, filter, outcome,"
                + " detail, version, target, status FROM operator_actions WHERE item_id = ? ORDER BY id")) {
            s.setLong(1, itemId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new OperatorActions.Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), intOrNull(rs, 11), itemId, rs.getString(8), rs.getString(12),
                            rs.getString(9), intOrNull(rs, 13), rs.getString(10)));
                }
            }
        }
        return out;
    }

    /**
     * Returns the role changes completed after the item's first claim and, for an item at rest, before its
     * finish. The table has one row per epoch, so reading all of it stays small.
     */
    private static List<RoleChange> roleChangesWhileOpen(Connection c, ItemRecord item, List<Attempt> attempts) throws SQLException {
        Instant from = parse(attempts.get(0).startedAt());
        Instant to = AT_REST.contains(item.state()) ? parse(item.finishedAt()) : null;
        List<RoleChange> all = RoleChanges.recent(c, Integer.MAX_VALUE);
        List<RoleChange> out = new ArrayList<>();
        for (RoleChange r : all.reversed()) {
            Instant at = parse(r.completedAt());
            if (at != null && from != null && at.isAfter(from) && (to == null || at.isBefore(to))) {
                out.add(r);
            }
        }
        return out;
    }

    /** Returns the ids of the other items of the same service and input name, before or after this one. */
    private static List<Long> sameName(Connection c, ItemRecord item, String comparison) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM items WHERE service = ? AND rel_path = ? AND id " + comparison
                + " ? ORDER BY id")) {
            s.setString(1, item.service());
            s.setString(2, item.relPath());
            s.setLong(3, item.id());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    private static List<ItemRecord> laterClaims(Connection c, List<Long> ids) throws SQLException {
        List<ItemRecord> out = new ArrayList<>();
        for (long id : ids) {
            out.add(WorkItems.find(c, id));
        }
        return out;
    }
}
