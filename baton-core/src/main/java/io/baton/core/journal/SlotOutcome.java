package io.baton.core.journal;

/** What became of one schedule slot. */
public enum SlotOutcome {
    /** A run was started for the slot (it may have found nothing to do). */
    FIRED,
    /** The slot came while a run of the service was in progress; no second run was started. */
    SKIPPED_BUSY,
    /** The slot passed while no node ran the schedule, or the clock jumped over it; see the detail. */
    MISSED
}
