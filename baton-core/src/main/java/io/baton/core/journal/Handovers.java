package io.baton.core.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The hand-over columns of the epoch guard. The holder records "handing epoch e over to B" in a
 * guard-checked transaction; B may then take epoch e + 1 at once, and its guard bump succeeds only while
 * the offer is still recorded. Withdrawing the offer in a guard-checked transaction therefore decides the race
 * between a late target and a holder that gave up waiting: whichever commits first wins.
 */
public final class Handovers {

    private Handovers() {
    }

    /** Records a hand-over of the guard's epoch to {@code target}, a node id or {@code "*"} for any node. */
    public static Void offer(Connection c, String target, Instant at) throws SQLException {
        return offer(c, target, at, null);
    }

    /**
     * Records a hand-over of the guard's epoch to {@code target}, a node id or {@code "*"} for any node,
     * requested by {@code requestedBy} (null when unknown). The node that takes the epoch records the
     * switch-over in the audit trail with that caller, because this node can no longer write once it has.
     */
    public static Void offer(Connection c, String target, Instant at, OperatorActions.Actor requestedBy) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE guard SET handover_to = ?, handover_at = ?, handover_actor = ?,"
                + " handover_address = ? WHERE id = 1")) {
            s.setString(1, target);
            s.setString(2, at.toString());
            s.setString(3, requestedBy == null ? null : requestedBy.name());
            s.setString(4, requestedBy == null ? null : requestedBy.remoteAddress());
            s.executeUpdate();
        }
        return null;
    }

    /** Clears a hand-over offer, so that no node can take the epoch by it any more. */
    public static Void withdraw(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE guard SET handover_to = NULL, handover_at = NULL, handover_actor = NULL,"
                + " handover_address = NULL WHERE id = 1")) {
            s.executeUpdate();
        }
        return null;
    }
}
