package io.baton.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulePlannerTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final long SECOND = 1_000_000_000L;

    private static final Schedule EVERY_15S = new IntervalSchedule(Duration.ofSeconds(15));
    private static final Schedule CRON_MINUTE = new CronSchedule(CronExpression.parse("0 * * * * *"), ZoneOffset.UTC);

    @Test
    void downtimeRunOnceFiresOneSlot() {
        SchedulePlanner planner = new SchedulePlanner(EVERY_15S, MisfirePolicy.RUN_ONCE);

        // The last slot was recorded 60 s ago: four slots passed while no node ran the schedule.
        SlotPlan plan = planner.start(T0.minusSeconds(60), T0, 0);

        assertThat(plan.fire()).isEqualTo(T0);
        assertThat(plan.missed()).containsExactly(T0.minusSeconds(45), T0.minusSeconds(30), T0.minusSeconds(15));
        assertThat(plan.missedTotal()).isEqualTo(3);
        assertThat(plan.why()).contains("misfire run-once: one run for 4 slot(s)");
        assertThat(planner.next()).isEqualTo(T0.plusSeconds(15));
        assertThat(planner.tick(T0.plusSeconds(1), SECOND).fire()).isNull();
    }

    @Test
    void downtimeSkipWaitsForNextSlot() {
        SchedulePlanner planner = new SchedulePlanner(EVERY_15S, MisfirePolicy.SKIP);

        SlotPlan plan = planner.start(T0.minusSeconds(62), T0, 0);

        assertThat(plan.fire()).isNull();
        assertThat(plan.missedTotal()).isEqualTo(4);
        assertThat(planner.next()).isEqualTo(T0.plusSeconds(13));
        assertThat(planner.tick(T0.plusSeconds(12), 12 * SECOND).fire()).isNull();
        assertThat(planner.tick(T0.plusSeconds(13), 13 * SECOND).fire()).isEqualTo(T0.plusSeconds(13));
    }

    @Test
    void failoverDoesNotReplaySlot() {
        SchedulePlanner planner = new SchedulePlanner(EVERY_15S, MisfirePolicy.RUN_ONCE);

        // The old node ran the slot of 5 s ago; the new node takes over now.
        SlotPlan plan = planner.start(T0.minusSeconds(5), T0, 0);

        assertThat(plan.isEmpty()).isTrue();
        assertThat(planner.next()).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void loneLateSlotWithinToleranceRunsNormally() {
        SchedulePlanner planner = new SchedulePlanner(CRON_MINUTE, MisfirePolicy.SKIP);
        planner.start(T0.minusSeconds(60), T0.minusSeconds(1), 0);

        SlotPlan plan = planner.tick(T0.plusSeconds(20), 21 * SECOND);

        assertThat(plan.fire()).isEqualTo(T0);
        assertThat(plan.why()).isEqualTo("schedule");
    }

    @Test
    void longDowntimeIsCountedWithoutListingEverySlot() {
        Schedule everySecond = new IntervalSchedule(Duration.ofSeconds(1));
        SchedulePlanner planner = new SchedulePlanner(everySecond, MisfirePolicy.RUN_ONCE);

        SlotPlan plan = planner.start(T0.minus(Duration.ofDays(3)), T0, 0);

        assertThat(plan.fire()).isNotNull();
        assertThat(plan.missed()).hasSize(SchedulePlanner.MAX_LISTED);
        assertThat(plan.missedTotal()).isGreaterThanOrEqualTo(SchedulePlanner.MAX_COUNTED - 1);
        assertThat(planner.next()).isAfter(T0);
    }

    @Test
    void clockJumpForwardIsOneMisfireNotABurst() {
        SchedulePlanner planner = new SchedulePlanner(CRON_MINUTE, MisfirePolicy.RUN_ONCE);
        planner.start(T0.minusSeconds(1), T0.minusSeconds(1), 0);
        assertThat(planner.tick(T0, SECOND).fire()).isEqualTo(T0);

        // One second of real time passes, the wall clock moves an hour.
        SlotPlan plan = planner.tick(T0.plusSeconds(3601), 2 * SECOND);

        assertThat(plan.clockNote()).contains("jumped forward by 3600.0 s");
        assertThat(plan.fire()).isEqualTo(T0.plusSeconds(3600));
        assertThat(plan.missedTotal()).isEqualTo(59);
        assertThat(planner.tick(T0.plusSeconds(3602), 3 * SECOND).isEmpty()).isTrue();
        assertThat(planner.tick(T0.plusSeconds(3660), 61 * SECOND).fire()).isEqualTo(T0.plusSeconds(3660));
    }

    @Test
    void clockJumpBackRepeatsNoSlot() {
        SchedulePlanner interval = new SchedulePlanner(new IntervalSchedule(Duration.ofSeconds(60)), MisfirePolicy.RUN_ONCE);
        SchedulePlanner cron = new SchedulePlanner(CRON_MINUTE, MisfirePolicy.RUN_ONCE);
        interval.start(T0.minusSeconds(60), T0.minusSeconds(1), 0);
        cron.start(T0.minusSeconds(60), T0.minusSeconds(1), 0);
        List<Instant> intervalFires = new ArrayList<>();
        List<Instant> cronFires = new ArrayList<>();

        // Ten minutes of real time; after the first five the wall clock is set back by 37 minutes and 30 s.
        Duration back = Duration.ofSeconds(37 * 60 + 30);
        List<String> notes = new ArrayList<>();
        for (int s = 0; s <= 600; s++) {
            Instant wall = T0.plusSeconds(s);
            if (s > 300) {
                wall = wall.minus(back);
            }
            add(interval.tick(wall, (s + 1) * SECOND), intervalFires, notes);
            add(cron.tick(wall, (s + 1) * SECOND), cronFires, notes);
        }

        // The interval goes on every 60 s of elapsed time: 11 runs in 600 s, none skipped, none doubled.
        assertThat(intervalFires).hasSize(11).doesNotHaveDuplicates();
        // Cron slots already run are not run again: only the slots 10:00 to 10:05 ran.
        assertThat(cronFires).hasSize(6).doesNotHaveDuplicates();
        assertThat(notes).contains("the wall clock jumped back by 2250.0 s");
    }

    private static void add(SlotPlan plan, List<Instant> fires, List<String> notes) {
        if (plan.fire() != null) {
            fires.add(plan.fire());
        }
        if (plan.clockNote() != null) {
            notes.add(plan.clockNote());
        }
    }

    @Test
    void upcomingSlotsFollowTheSchedule() {
        SchedulePlanner planner = new SchedulePlanner(CRON_MINUTE, MisfirePolicy.RUN_ONCE);
        planner.start(null, T0.plusSeconds(5), 0);

        assertThat(planner.upcoming(3)).containsExactly(T0.plusSeconds(60), T0.plusSeconds(120), T0.plusSeconds(180));
    }

    @Test
    void pausedSlotsAreNotCaughtUpOnResume() {
        SchedulePlanner planner = new SchedulePlanner(CRON_MINUTE, MisfirePolicy.RUN_ONCE);
        planner.start(null, T0, 0);

        planner.resumeAt(T0.plusSeconds(3600 + 10), 3610 * SECOND);

        assertThat(planner.next()).isEqualTo(T0.plusSeconds(3660));
        assertThat(planner.tick(T0.plusSeconds(3611), 3611 * SECOND).isEmpty()).isTrue();
    }
}
