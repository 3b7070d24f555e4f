package io.baton.core.journal;

/** Progress of one publish action; a replay resumes from the recorded state. */
public enum ActionState {
    PENDING,
    /** Cross-device publish: the file was copied to a temporary name in the target folder and synced. */
    COPIED,
    DONE,
    /** Not done on purpose, for the reason in the detail (for example: the input was replaced by a new delivery). */
    SKIPPED,
    /** Could not be done. The detail gives the cause. */
    FAILED,
    /**
     * Failed {@link WorkItems#MAX_ACTION_ATTEMPTS} times and no longer retried by runs; it stays open
     * (its item is not finished) until an operator retries the item.
     */
    GAVE_UP,
    UNKNOWN;

    public static ActionState parse(String name) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            return UNKNOWN;
        }
    }

    public boolean isFinal() {
        return this == DONE || this == SKIPPED;
    }
}
