package io.baton.core.journal;

/** A publish action recorded by a commit and carried out by the daemon afterwards. */
public enum ActionKind {
    /** Create an output under its final name from the staged file, never replacing an existing file. */
    PUBLISH_OUTPUT,
    /** Move the input into the archive folder, if it is still the claimed file. */
    ARCHIVE_INPUT,
    /** Delete the input, if it is still the claimed file. */
    DELETE_INPUT,
    /** Move a rejected input into quarantine, with a reason file beside it. */
    QUARANTINE_INPUT,
    UNKNOWN;

    public static ActionKind parse(String name) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            return UNKNOWN;
        }
    }
}
