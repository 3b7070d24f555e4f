package io.baton.core.journal;

/** Outcome of one run of a service. */
public enum RunState {
    RUNNING,
    /** Every claimed item was committed. */
    SUCCEEDED,
    /** At least one item failed or the run was stopped by an error. */
    FAILED,
    /**
     * The run reached its service's maximum run duration and was stopped at a commit point, or its
     * worker was killed; the items it had not processed were released for a later run.
     */
    TIMED_OUT,
    /** The node that ran it was lost (crash, fencing); recovery ended it. */
    ABANDONED,
    /** A state name this version does not know; shown as a failure, never as success. */
    UNKNOWN;

    public static RunState parse(String name) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            return UNKNOWN;
        }
    }
}
