package io.baton.core.journal;

import io.baton.core.journal.WorkItems.ItemRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A filter over work items for an operator action: a service (null for every service), a state (null for
 * every state the action allows), and a time window {@code since <= t < until} on the item's last change.
 * An item's last change is the end of its last attempt or action ({@code finished_at}), or its claim when
 * it has not finished yet.
 */
public record ItemSelection(String service, WorkItemState state, Instant since, Instant until) {

    /** Returns the filter as the operator would write it, for the journal and the logs. */
    public String describe() {
        StringJoiner text = new StringJoiner(" ");
        text.add(service == null ? "--all" : "--service " + service);
        if (state != null) {
            text.add("--state " + state);
        }
        if (since != null) {
            text.add("--since " + since);
        }
        if (until != null) {
            text.add("--until " + until);
        }
        return text.toString();
    }

    /**
     * Returns the items that match, by id, among those in one of {@code states}: the states the action
     * allows, narrowed to {@link #state} when it is set.
     */
    public List<ItemRecord> select(Connection c, Set<WorkItemState> states) throws SQLException {
        List<ItemRecord> out = new ArrayList<>();
        for (WorkItemState s : states) {
            if (state != null && state != s) {
                continue;
            }
            for (ItemRecord item : inState(c, s)) {
                if (inWindow(lastChange(item))) {
                    out.add(item);
                }
            }
        }
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    // NOTE: the time window is applied in Java, after reading every item of the service in the state,
    // because the journal stores instants as text of varying length that does not sort as time.
    private List<ItemRecord> inState(Connection c, WorkItemState s) throws SQLException {
        String sql = "SELECT " + WorkItems.ITEM_COLUMNS + " FROM items WHERE state = ?" + (service == null ? "" : " AND service = ?");
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, s.name());
            if (service != null) {
                q.setString(2, service);
            }
            return WorkItems.read(q);
        }
    }

    private boolean inWindow(Instant t) {
        if (t == null) {
            return since == null && until == null;
        }
        return (since == null || !t.isBefore(since)) && (until == null || t.isBefore(until));
    }

    /** Returns the time of the item's last change, or null when the journal contains no readable time. */
    static Instant lastChange(ItemRecord item) {
        String text = item.finishedAt() != null ? item.finishedAt() : item.claimedAt();
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
