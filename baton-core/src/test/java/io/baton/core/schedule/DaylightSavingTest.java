package io.baton.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Drives planners with a controllable clock, one second per look, through whole days of
 * daylight-saving changes, and counts what fires.
 */
class DaylightSavingTest {

    /**
     * Each row: the zone, the day of the change, whether clocks go back (an overlap) or forward (a gap),
     * a local time inside the repeated or missing hour, and the first whole hour after it.
     */
    @ParameterizedTest(name = "{0} {1} fallBack={2}")
    @CsvSource({
        "Europe/Berlin,    2025-03-30, false, 02:30, 03:00",
        "Europe/Berlin,    2025-10-26, true,  02:30, 03:00",
        "Europe/Berlin,    2026-03-29, false, 02:30, 03:00",
        "Europe/Berlin,    2026-10-25, true,  02:30, 03:00",
        "America/New_York, 2025-03-09, false, 02:30, 03:00",
        "America/New_York, 2025-11-02, true,  01:30, 02:00",
        "America/New_York, 2026-03-08, false, 02:30, 03:00",
        "America/New_York, 2026-11-01, true,  01:30, 02:00",
    })
    void changeDayFiresEachSlotOnceWithoutGapsOrBursts(String zoneId, LocalDate day, boolean fallBack, LocalTime inside,
            LocalTime hourAfter) {
        ZoneId zone = ZoneId.of(zoneId);
        Instant from = day.atStartOfDay(zone).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(zone).toInstant();
        long hours = Duration.between(from, to).toHours();
        assertThat(hours).isEqualTo(fallBack ? 25 : 23);

        List<Instant> everyMinute = fire(cron("0 * * * * *", zone), from, to);
        List<Instant> dailyInside = fire(cron("0 " + inside.getMinute() + " " + inside.getHour() + " * * *", zone), from, to);
        List<Instant> dailyAfter = fire(cron("0 0 " + hourAfter.getHour() + " * * *", zone), from, to);
        List<Instant> interval = fire(new IntervalSchedule(Duration.ofSeconds(60)), from, to);

        // Every minute of elapsed time, through both repeated hours and past the missing one: no gap, no repeat.
        assertThat(everyMinute).hasSize((int) hours * 60).doesNotHaveDuplicates();
        assertThat(maxSpacing(everyMinute)).isEqualTo(Duration.ofMinutes(1));

        // The daily run inside the changed hour happens exactly once: at its first occurrence, or just after the gap.
        assertThat(dailyInside).hasSize(1);
        ZonedDateTime shown = dailyInside.get(0).atZone(zone);
        if (fallBack) {
            assertThat(shown.toLocalTime()).isEqualTo(inside);
            assertThat(shown.getOffset()).isEqualTo(zone.getRules().getOffset(from));
        } else {
            assertThat(shown.toLocalTime()).isEqualTo(hourAfter);
        }
        assertThat(dailyAfter).hasSize(1);
        assertThat(dailyAfter.get(0).atZone(zone).toLocalTime()).isEqualTo(hourAfter);

        // Elapsed-time intervals do not notice the change.
        assertThat(interval).hasSize((int) hours * 60);
        assertThat(maxSpacing(interval)).isEqualTo(Duration.ofMinutes(1));
    }

    private static Schedule cron(String expression, ZoneId zone) {
        return new CronSchedule(CronExpression.parse(expression), zone);
    }

    /** Looks at the clock once a second from {@code from} (inclusive) to {@code to} (exclusive); returns the fired slots. */
    private static List<Instant> fire(Schedule schedule, Instant from, Instant to) {
        SchedulePlanner planner = new SchedulePlanner(schedule, MisfirePolicy.RUN_ONCE);
        List<Instant> fired = new ArrayList<>();
        long mono = 0;
        // A recorded slot just before the day, so that an interval starts on the day's grid.
        Instant before = schedule instanceof IntervalSchedule ? from.minusSeconds(60) : from.minusSeconds(1);
        SlotPlan first = planner.start(before, from.minusSeconds(1), mono);
        assertThat(first.fire()).isNull();

        for (Instant now = from; now.isBefore(to); now = now.plusSeconds(1)) {
            mono += 1_000_000_000L;
            SlotPlan plan = planner.tick(now, mono);
            assertThat(plan.missedTotal()).as("missed at %s", now).isZero();
            if (plan.fire() != null) {
                assertThat(plan.fire()).isEqualTo(now);
                fired.add(plan.fire());
            }
        }
        return fired;
    }

    private static Duration maxSpacing(List<Instant> slots) {
        Duration max = Duration.ZERO;
        for (int i = 1; i < slots.size(); i++) {
            Duration d = Duration.between(slots.get(i - 1), slots.get(i));
            max = d.compareTo(max) > 0 ? d : max;
        }
        return max;
    }
}
