package io.baton.core.schedule;

import java.time.Instant;
import java.util.List;

/**
 * The decision the scheduler takes at one look at the clock.
 *
 * @param missed slots that passed without a run and are recorded as missed (at most the latest
 *     {@link SchedulePlanner#MAX_LISTED})
 * @param missedTotal how many slots were missed in all, including those not listed
 * @param fire the slot to run now, or null
 * @param why why {@code fire} runs: "schedule" for a slot on time, or the misfire that led to it
 * @param clockNote a description of a wall-clock jump seen at this look, or null
 */
public record SlotPlan(List<Instant> missed, long missedTotal, Instant fire, String why, String clockNote) {

    static SlotPlan nothing(String clockNote) {
        return new SlotPlan(List.of(), 0, null, null, clockNote);
    }

    /** Returns true when this plan neither records nor runs a slot and reports no clock jump. */
    public boolean isEmpty() {
        return missedTotal == 0 && fire == null && clockNote == null;
    }
}
