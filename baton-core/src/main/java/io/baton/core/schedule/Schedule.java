package io.baton.core.schedule;

import java.time.Instant;
import java.time.ZoneId;

/** When the slots of a schedule fall. Implementations are immutable and safe to share between threads. */
public sealed interface Schedule permits CronSchedule, IntervalSchedule {

    /**
     * The first slot strictly after {@code after}, or null when there is none (a cron expression whose
     * dates lie beyond the search window). For an interval, {@code after} is the previous slot.
     */
    Instant nextAfter(Instant after);

    /** The zone in which slots are shown to operators. */
    ZoneId zone();

    /** A short description for logs and the status, for example "cron 0 30 2 * * * Europe/Berlin". */
    String describe();
}
