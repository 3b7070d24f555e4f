package io.baton.core;

/** A data directory that a node cannot use; the message names the path and the fix. */
public final class DataDirectoryException extends RuntimeException {

    public DataDirectoryException(String message) {
        super(message);
    }
}
