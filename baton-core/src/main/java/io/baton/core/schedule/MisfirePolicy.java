package io.baton.core.schedule;

/** The rule for slots a schedule missed while no node ran it, or while the clock jumped. */
public enum MisfirePolicy {
    /** One run at once for all the missed slots together, never one per slot. */
    RUN_ONCE("run-once"),
    /** No run for the missed slots; the next regular slot runs as usual. */
    SKIP("skip");

    private final String text;

    MisfirePolicy(String text) {
        this.text = text;
    }

    /** Returns the spelling in a descriptor. */
    public String text() {
        return text;
    }

    /** Returns the policy of a descriptor value, or null when there is none of that name. */
    public static MisfirePolicy of(String text) {
        for (MisfirePolicy p : values()) {
            if (p.text.equals(text)) {
                return p;
            }
        }
        return null;
    }
}
