package io.baton.transport;

import io.baton.core.config.RemoteSpec;

/** Opens sessions of one protocol. Implementations are thread-safe; the sessions they open are not. */
public interface RemoteConnector extends AutoCloseable {

    /**
     * Connects, checks the server's host key, authenticates and returns an open session.
     *
     * @throws TransportException naming the server and the fix; transient when the server could not be reached
     */
    RemoteSession open(RemoteSpec spec) throws TransportException;

    @Override
    void close();
}
