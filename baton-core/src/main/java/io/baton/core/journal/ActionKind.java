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
    /**
     * Upload the staged output to a remote folder under a temporary name, then rename it to its final
     * name, never replacing a file. The target path is the remote file as {@code protocol://user@host:port/path}.
     * Its recorded sub-step "uploaded" stores, in the device field, the epoch whose temporary file contains
     * the upload, and 1 in the inode field. Both are 0 until then.
     */
    PUBLISH_REMOTE,
    /** Move a remote input into an archive folder on the same server, if it is still the claimed file. */
    ARCHIVE_REMOTE_INPUT,
    /** Delete a remote input on its server, if it is still the claimed file. */
    DELETE_REMOTE_INPUT,
    /**
     * Copy the downloaded copy of a rejected remote input into the local quarantine folder, with a reason
     * file beside it. The remote file stays where it is; the known-file rule keeps it from being claimed again.
     */
    QUARANTINE_DOWNLOAD,
    UNKNOWN;

    /** Tells whether the action acts on a remote server rather than on local files. */
    public boolean remote() {
        return this == PUBLISH_REMOTE || this == ARCHIVE_REMOTE_INPUT || this == DELETE_REMOTE_INPUT;
    }

    /** Tells whether the action reads a staged file from an item's staging folder, which must stay until it ends. */
    public boolean readsStaging() {
        return this == PUBLISH_OUTPUT || this == PUBLISH_REMOTE || this == QUARANTINE_DOWNLOAD;
    }

    /** Tells whether the action creates an output, so it runs in the first publish phase, before any input is touched. */
    public boolean createsOutput() {
        return this == PUBLISH_OUTPUT || this == PUBLISH_REMOTE;
    }

    public static ActionKind parse(String name) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            return UNKNOWN;
        }
    }
}
