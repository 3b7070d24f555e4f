package io.baton.core.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Journal records of runs. Every method runs inside a journal transaction. */
public final class Runs {

    /** One run as stored. */
    public record RunRecord(long id, String service, long epoch, String nodeId, String trigger, RunState state,
            String startedAt, String endedAt, long itemsCommitted, long itemsFailed, long itemsQuarantined,
            long records, long bytesIn, long bytesOut, String reason) {
    }

    /** Totals a run adds up as it goes. */
    public record RunTotals(long itemsCommitted, long itemsFailed, long itemsQuarantined, long records, long bytesIn, long bytesOut) {
    }

    private static final String COLUMNS = "id, service, epoch, node_id, trigger, state, started_at, ended_at, items_committed,"
            + " items_failed, items_quarantined, records, bytes_in, bytes_out, reason";

    private Runs() {
    }

    public static long start(Connection c, String service, long epoch, String nodeId, String trigger, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO runs (service, epoch, node_id, trigger, state, started_at) VALUES (?, ?, ?, ?, 'RUNNING', ?)")) {
            s.setString(1, service);
            s.setLong(2, epoch);
            s.setString(3, nodeId);
            s.setString(4, trigger);
            s.setString(5, now.toString());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT last_insert_rowid()"); ResultSet rs = s.executeQuery()) {
            return rs.getLong(1);
        }
    }

    /** Ends a running run; a run that is no longer RUNNING is left as it is. */
    public static void finish(Connection c, long runId, RunState state, RunTotals totals, String reason, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE runs SET state = ?, ended_at = ?, items_committed = ?, items_failed = ?,"
                + " items_quarantined = ?, records = ?, bytes_in = ?, bytes_out = ?, reason = ? WHERE id = ? AND state = 'RUNNING'")) {
            s.setString(1, state.name());
            s.setString(2, now.toString());
            s.setLong(3, totals.itemsCommitted());
            s.setLong(4, totals.itemsFailed());
            s.setLong(5, totals.itemsQuarantined());
            s.setLong(6, totals.records());
            s.setLong(7, totals.bytesIn());
            s.setLong(8, totals.bytesOut());
            s.setString(9, reason);
            s.setLong(10, runId);
            s.executeUpdate();
        }
    }

    /** Marks every run left RUNNING as abandoned, with the reason; returns how many. */
    public static int abandonRunning(Connection c, String reason, Instant now) throws SQLException {
        // The counts of a run that never finished are taken from its items, so its history stays true.
        try (PreparedStatement s = c.prepareStatement("UPDATE runs SET state = 'ABANDONED', ended_at = ?, reason = ?,"
                + " items_committed = (SELECT count(*) FROM items i WHERE i.run_id = runs.id"
                + "   AND i.state IN ('COMMITTED', 'DISPOSED', 'KEPT', 'DISPOSITION_PENDING', 'PUBLISH_BLOCKED')),"
                + " records = (SELECT coalesce(sum(records), 0) FROM items i WHERE i.run_id = runs.id AND i.state <> 'CLAIMED'),"
                + " bytes_in = (SELECT coalesce(sum(size), 0) FROM items i WHERE i.run_id = runs.id"
                + "   AND i.state IN ('COMMITTED', 'DISPOSED', 'KEPT', 'DISPOSITION_PENDING', 'PUBLISH_BLOCKED'))"
                + " WHERE state = 'RUNNING'")) {
            s.setString(1, now.toString());
            s.setString(2, reason);
            return s.executeUpdate();
        }
    }

    public static List<RunRecord> ofService(Connection c, String service, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM runs WHERE service = ? ORDER BY id DESC LIMIT ?")) {
            s.setString(1, service);
            s.setInt(2, limit);
            return read(s);
        }
    }

    public static RunRecord byId(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM runs WHERE id = ?")) {
            s.setLong(1, id);
            List<RunRecord> runs = read(s);
            return runs.isEmpty() ? null : runs.get(0);
        }
    }

    private static List<RunRecord> read(PreparedStatement s) throws SQLException {
        List<RunRecord> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new RunRecord(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                        RunState.parse(rs.getString(6)), rs.getString(7), rs.getString(8), rs.getLong(9), rs.getLong(10),
                        rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getString(15)));
            }
        }
        return out;
    }
}
