package io.baton.server.service;

/** A service archive that cannot be deployed: damaged, not made by {@code baton export}, or changed after it. */
public final class InvalidArchiveException extends RuntimeException {

    private final String entry;

    InvalidArchiveException(String entry, String message) {
        super(message);
        this.entry = entry;
    }

    /** Returns the archive entry at fault, or null when the archive as a whole is at fault. */
    public String entry() {
        return entry;
    }
}
