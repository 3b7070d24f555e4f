package io.baton.core.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * A cron expression in a time zone, mapped onto instants with these daylight-saving rules:
 * <ul>
 *   <li>Spring forward (a gap): a local time that does not exist fires at the first instant after the
 *       gap. Several such times collapse into that one instant, so a daily 02:30 run happens at 03:00,
 *       and an every-minute schedule fires once at 03:00 instead of sixty times.</li>
 *   <li>Fall back (an overlap): a local time that happens twice fires at its first occurrence only,
 *       unless the expression matches every hour of the day (every minute, every five minutes, hourly):
 *       such a schedule also fires through the repeated hour, so no hour of elapsed time goes without runs.</li>
 * </ul>
 * Slots are whole seconds.
 */
public record CronSchedule(CronExpression expression, ZoneId zone) implements Schedule {

    @Override
    public Instant nextAfter(Instant after) {
        Instant best = firstOccurrence(after);
        if (expression.everyHour()) {
            ZoneRules rules = zone.getRules();
            best = earlier(best, secondPass(rules.previousTransition(after.plusNanos(1)), after));
            best = earlier(best, secondPass(rules.nextTransition(after), after));
        }
        return best;
    }

    /** Returns the next slot by local time, taking the first occurrence of a repeated local time. */
    private Instant firstOccurrence(Instant after) {
        ZoneRules rules = zone.getRules();
        LocalDateTime from = LocalDateTime.ofInstant(after.truncatedTo(ChronoUnit.SECONDS), zone).plusSeconds(1);

        // Each pass moves at least one second forward; the bound only guards against a zone rule bug.
        for (int pass = 0; pass < 10_000; pass++) {
            LocalDateTime local = expression.nextLocal(from);
            if (local == null) {
                return null;
            }
            ZoneOffsetTransition transition = rules.getTransition(local);
            Instant instant;
            if (transition == null) {
                instant = local.atZone(zone).toInstant();
            } else if (transition.isGap()) {
                instant = transition.getInstant();
            } else {
                instant = local.toInstant(transition.getOffsetBefore());
            }
            if (instant.isAfter(after)) {
                return instant;
            }
            from = local.plusSeconds(1);
        }
        return null;
    }

    /** Returns the first slot after {@code after} in the repeated hour of a fall-back transition, or null. */
    private Instant secondPass(ZoneOffsetTransition transition, Instant after) {
        if (transition == null || !transition.isOverlap()) {
            return null;
        }
        ZoneOffset late = transition.getOffsetAfter();
        Instant lowest = after.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        if (lowest.isBefore(transition.getInstant())) {
            lowest = transition.getInstant();
        }
        LocalDateTime local = expression.nextLocal(LocalDateTime.ofInstant(lowest, late));
        if (local == null || !local.isBefore(transition.getDateTimeBefore())) {
            return null;
        }
        return local.toInstant(late);
    }

    private static Instant earlier(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    @Override
    public String describe() {
        return "cron " + expression + " " + zone.getId();
    }
}
