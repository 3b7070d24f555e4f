package io.baton.core.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Throughput and run durations over the last hours, for the console's charts. A run counts in the hour in
 * which it started, with every file it committed, because the journal keeps totals per run and runs are
 * short next to an hour. Every method runs inside a journal transaction.
 */
public final class RunStats {

    /** Maximum number of runs read for one window, so a node that starts more runs shows the newest ones. */
    public static final int MAX_RUNS = 50_000;

    /** Most run durations returned, newest first, so that a chart stays readable. */
    public static final int MAX_DURATIONS = 500;

    /**
     * The totals of one service in one hour.
     *
     * @param hour the start of the hour, in UTC
     * @param files inputs committed by runs that started in the hour
     */
    public record HourTotals(String hour, String service, long runs, long failedRuns, long files, long bytesIn, long bytesOut) {
    }

    /** How long one finished run took, in milliseconds. */
    public record RunDuration(long runId, String service, String startedAt, long millis, String state) {
    }

    /**
     * @param from the start of the first hour, in UTC
     * @param runsRead how many runs were read; {@link #MAX_RUNS} means older runs in the window were left out
     */
    public record Window(String from, String to, List<HourTotals> hours, List<RunDuration> durations, int runsRead) {
    }

    private RunStats() {
    }

    /** Returns the totals per service and hour and the durations of the runs that started in the last {@code hours}; {@code service} null for all. */
    public static Window lastHours(Connection c, int hours, String service, Instant now) throws SQLException {
        Instant from = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(hours - 1L));
        Map<String, long[]> totals = new TreeMap<>();
        List<RunDuration> durations = new ArrayList<>();
        int read = 0;

        // Run ids grow with time, so reading from the newest down stops at the first run before the window.
        String sql = "SELECT id, service, state, started_at, ended_at, items_committed, bytes_in, bytes_out FROM runs"
                + (service == null ? "" : " WHERE service = ?") + " ORDER BY id DESC LIMIT ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int p = 1;
            if (service != null) {
                s.setString(p++, service);
            }
            s.setInt(p, MAX_RUNS);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Instant started = parse(rs.getString(4));
                    if (started == null || started.isBefore(from)) {
                        break;
                    }
                    read++;
                    String runService = rs.getString(2);
                    String state = rs.getString(3);
                    long[] t = totals.computeIfAbsent(started.truncatedTo(ChronoUnit.HOURS) + "\t" + runService, k -> new long[5]);
                    t[0]++;
                    t[1] += "FAILED".equals(state) || "ABANDONED".equals(state) ? 1 : 0;
                    t[2] += rs.getLong(6);
                    t[3] += rs.getLong(7);
                    t[4] += rs.getLong(8);
                    Instant ended = parse(rs.getString(5));
                    if (ended != null && durations.size() < MAX_DURATIONS) {
                        durations.add(new RunDuration(rs.getLong(1), runService, started.toString(), Duration.between(started, ended).toMillis(), state));
                    }
                }
            }
        }

        List<HourTotals> hourRows = new ArrayList<>();
        totals.forEach((key, t) -> {
            String[] parts = key.split("\t", 2);
            hourRows.add(new HourTotals(parts[0], parts[1], t[0], t[1], t[2], t[3], t[4]));
        });
        return new Window(from.toString(), now.toString(), hourRows, durations, read);
    }

    private static Instant parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
