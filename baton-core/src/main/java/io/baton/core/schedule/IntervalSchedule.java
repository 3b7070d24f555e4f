package io.baton.core.schedule;

import io.baton.core.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A fixed interval: each slot comes {@code every} after the previous one. Elapsed time does not care
 * about daylight saving, so the slots are shown in UTC.
 */
public record IntervalSchedule(Duration every) implements Schedule {

    @Override
    public Instant nextAfter(Instant after) {
        return after.plus(every);
    }

    @Override
    public ZoneId zone() {
        return ZoneOffset.UTC;
    }

    @Override
    public String describe() {
        return "every " + Durations.format(every);
    }
}
