package io.baton.core.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The one way slot times are shown: local time in the schedule's zone, always with seconds and the UTC offset. */
public final class SlotTimes {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

    private SlotTimes() {
    }

    /** Returns the slot as, for example, {@code 2026-03-29T03:00:00+02:00}. */
    public static String format(Instant slot, ZoneId zone) {
        return FORMAT.format(slot.atZone(zone));
    }
}
