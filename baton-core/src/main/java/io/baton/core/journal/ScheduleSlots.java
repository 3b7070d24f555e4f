package io.baton.core.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Journal records of schedule slots, one row per slot and service. The key is the slot's instant, so a
 * slot recorded once (by any node) is never recorded, nor run, again. Every method runs inside a journal
 * transaction.
 */
public final class ScheduleSlots {

    /** One slot as stored; {@code slot} is ISO-8601 with the UTC offset of the schedule's zone at that instant. */
    public record SlotRecord(String service, String slot, SlotOutcome outcome, Long runId, String nodeId,
            long epoch, String recordedAt, String detail) {
    }

    private ScheduleSlots() {
    }

    /** Records a slot; returns false, changing nothing, when the slot was already recorded. */
    public static boolean record(Connection c, String service, Instant slot, ZoneId zone, SlotOutcome outcome, String nodeId,
            long epoch, Instant now, String detail) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT OR IGNORE INTO schedule_slots (service, slot_at, slot_text,"
                + " outcome, node_id, epoch, recorded_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, service);
            s.setLong(2, slot.toEpochMilli());
            s.setString(3, io.baton.core.schedule.SlotTimes.format(slot, zone));
            s.setString(4, outcome.name());
            s.setString(5, nodeId);
            s.setLong(6, epoch);
            s.setString(7, now.toString());
            s.setString(8, detail);
            return s.executeUpdate() == 1;
        }
    }

    /** Links a fired slot to the run it started, once that run has a record. */
    public static void attachRun(Connection c, String service, Instant slot, long runId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE schedule_slots SET run_id = ? WHERE service = ? AND slot_at = ?")) {
            s.setLong(1, runId);
            s.setString(2, service);
            s.setLong(3, slot.toEpochMilli());
            s.executeUpdate();
        }
    }

    /** Returns the latest slot recorded for the service by any node, or null. */
    public static Instant latest(Connection c, String service) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT max(slot_at) FROM schedule_slots WHERE service = ?")) {
            s.setString(1, service);
            try (ResultSet rs = s.executeQuery()) {
                long millis = rs.getLong(1);
                return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
            }
        }
    }

    /** Returns the most recent slots of the service, newest first. */
    public static List<SlotRecord> recent(Connection c, String service, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT service, slot_text, outcome, run_id, node_id, epoch, recorded_at,"
                + " detail FROM schedule_slots WHERE service = ? ORDER BY slot_at DESC LIMIT ?")) {
            s.setString(1, service);
            s.setInt(2, limit);
            List<SlotRecord> slots = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long run = rs.getLong(4);
                    Long runId = rs.wasNull() ? null : run;
                    slots.add(new SlotRecord(rs.getString(1), rs.getString(2),
                            SlotOutcome.valueOf(rs.getString(3)), runId, rs.getString(5), rs.getLong(6), rs.getString(7), rs.getString(8)));
                }
            }
            return slots;
        }
    }
}
