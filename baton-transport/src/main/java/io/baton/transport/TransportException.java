package io.baton.transport;

import java.io.IOException;

/**
 * A failed remote operation, with the server and the remote path it concerned. {@link #transientFault()}
 * returns to the caller whether trying again on a new connection can help (a dropped connection, a refused
 * connect) or not (a rejected host key, a wrong password, a missing folder, a permission problem).
 * Messages say what failed, on which server and path, and what to do next; they never hold a secret.
 */
public final class TransportException extends IOException {

    private final String server;
    private final String path;
    private final boolean transientFault;

    public TransportException(String server, String path, boolean transientFault, String message, Throwable cause) {
        super(message, cause);
        this.server = server;
        this.path = path;
        this.transientFault = transientFault;
    }

    public String server() {
        return server;
    }

    /** Returns the remote path the operation concerned, or null for a failure of the connection itself. */
    public String path() {
        return path;
    }

    public boolean transientFault() {
        return transientFault;
    }
}
