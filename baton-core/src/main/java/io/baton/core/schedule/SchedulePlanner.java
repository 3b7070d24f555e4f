package io.baton.core.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Decides, at each look at the clock, which slots of one schedule are due, which were missed and which
 * one runs. It holds no timer and does no I/O, so a test can drive it with any clock.
 *
 * <p>Invariants: slots are considered in order and each at most once, so nothing runs twice; at most
 * one slot runs per look, so neither downtime nor a clock jump causes a burst. A slot counts as on time
 * when it is the only one due and no later than {@link #ON_TIME}; otherwise the misfire policy decides.
 *
 * <p>Wall-clock jumps are found by comparing the wall clock's progress with the monotonic clock's. After a
 * jump forward, the slots jumped over are a misfire. After a jump back, an interval schedule keeps its
 * pace of elapsed time, while a cron schedule waits for its first slot not yet considered: a cron slot
 * names a wall-clock time, and running it again would repeat a run.
 */
public final class SchedulePlanner {

    /** Maximum lateness of a lone slot that still counts as on time. */
    public static final Duration ON_TIME = Duration.ofSeconds(60);

    /** Difference between wall and monotonic progress, in milliseconds, that counts as a clock jump. */
    static final long JUMP_MILLIS = 2_000;

    /** Maximum number of missed slots listed one by one; earlier ones are only counted. */
    public static final int MAX_LISTED = 100;

    /** Maximum number of missed slots counted one by one; beyond this the planner skips ahead. */
    static final int MAX_COUNTED = 100_000;

    private final Schedule schedule;
    private final MisfirePolicy misfire;
    private Instant next;
    private Instant prevWall;
    private long prevMonoNanos;

    public SchedulePlanner(Schedule schedule, MisfirePolicy misfire) {
        this.schedule = schedule;
        this.misfire = misfire;
    }

    /**
     * Starts planning. {@code lastRecorded} is the latest slot any node recorded for the service, or
     * null when it has none: then an interval runs at once and a cron waits for its next slot. Slots
     * between the last recorded one and now are missed, and the misfire policy applies to them.
     */
    public SlotPlan start(Instant lastRecorded, Instant now, long monoNanos) {
        // The journal keys slots by millisecond.
        Instant wall = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        prevWall = wall;
        prevMonoNanos = monoNanos;
        boolean interval = schedule instanceof IntervalSchedule;

        if (lastRecorded == null) {
            next = interval ? wall : schedule.nextAfter(wall);
        } else if (lastRecorded.isAfter(wall)) {
            // This node's clock is behind the one that recorded the slot: an interval keeps its pace on
            // this clock, a cron waits for the first slot after the recorded one.
            next = interval ? wall.plus(((IntervalSchedule) schedule).every()) : schedule.nextAfter(lastRecorded);
        } else {
            next = schedule.nextAfter(lastRecorded);
        }
        return evaluate(wall, lastRecorded == null ? "" : "the schedule was not running: node down, service stopped, or a failover", null);
    }

    /** Looks at the clock: returns what is due now. */
    public SlotPlan tick(Instant wall, long monoNanos) {
        long wallMillis = Duration.between(prevWall, wall).toMillis();
        long monoMillis = (monoNanos - prevMonoNanos) / 1_000_000;
        long drift = wallMillis - monoMillis;
        prevWall = wall;
        prevMonoNanos = monoNanos;

        String clockNote = null;
        String cause = "the service was busy or the node was slow";
        if (drift > JUMP_MILLIS) {
            clockNote = "the wall clock jumped forward by " + seconds(drift) + " s";
            cause = clockNote;
        } else if (drift < -JUMP_MILLIS) {
            clockNote = "the wall clock jumped back by " + seconds(-drift) + " s";
            if (schedule instanceof IntervalSchedule && next != null) {
                next = next.plusMillis(drift);
            }
        }
        return evaluate(wall, cause, clockNote);
    }

    /** Restarts after a pause: slots during the pause are not run; an interval runs at once. */
    public void resumeAt(Instant now, long monoNanos) {
        Instant wall = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        prevWall = wall;
        prevMonoNanos = monoNanos;
        next = schedule instanceof IntervalSchedule ? wall : schedule.nextAfter(wall);
    }

    /** Returns the next slot to come, or null. */
    public Instant next() {
        return next;
    }

    /** Returns up to {@code count} slots to come, starting with {@link #next()}. */
    public List<Instant> upcoming(int count) {
        List<Instant> slots = new ArrayList<>();
        for (Instant s = next; s != null && slots.size() < count; s = schedule.nextAfter(s)) {
            slots.add(s);
        }
        return slots;
    }

    private SlotPlan evaluate(Instant wall, String cause, String clockNote) {
        if (next == null || next.isAfter(wall)) {
            return SlotPlan.nothing(clockNote);
        }

        Deque<Instant> listed = new ArrayDeque<>();
        long count = 0;
        Instant slot = next;
        Instant lastDue = null;
        while (slot != null && !slot.isAfter(wall)) {
            count++;
            lastDue = slot;
            listed.addLast(slot);
            if (listed.size() > MAX_LISTED + 1) {
                listed.removeFirst();
            }
            if (count >= MAX_COUNTED) {
                slot = schedule.nextAfter(wall);
                break;
            }
            slot = schedule.nextAfter(slot);
        }
        next = slot;

        if (count == 1 && !Duration.between(lastDue, wall).minus(ON_TIME).isPositive()) {
            return new SlotPlan(List.of(), 0, lastDue, "schedule", clockNote);
        }
        String counted = count + (count >= MAX_COUNTED ? "+" : "");
        String why = misfire == MisfirePolicy.RUN_ONCE
                ? "misfire run-once: one run for " + counted + " slot(s) that came due together (" + cause + ")"
                : "misfire skip: " + counted + " slot(s) passed without a run (" + cause + ")";
        if (misfire == MisfirePolicy.RUN_ONCE) {
            listed.removeLast();
            return new SlotPlan(List.copyOf(trim(listed)), count - 1, lastDue, why, clockNote);
        }
        return new SlotPlan(List.copyOf(trim(listed)), count, null, why, clockNote);
    }

    private static Deque<Instant> trim(Deque<Instant> listed) {
        while (listed.size() > MAX_LISTED) {
            listed.removeFirst();
        }
        return listed;
    }

    private static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0);
    }
}
