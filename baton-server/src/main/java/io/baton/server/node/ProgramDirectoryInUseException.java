package io.baton.server.node;

/** Another node daemon already runs on this program directory; the message names it and the fix. */
public final class ProgramDirectoryInUseException extends RuntimeException {

    public ProgramDirectoryInUseException(String message) {
        super(message);
    }
}
