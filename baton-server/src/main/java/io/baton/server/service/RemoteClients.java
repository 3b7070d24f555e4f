package io.baton.server.service;

import io.baton.core.config.RemoteSpec;
import io.baton.transport.RemoteConnection;
import io.baton.transport.RemoteConnector;
import io.baton.transport.RemoteConnectors;
import io.baton.transport.TransportException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's connectors, one per protocol, created on first use and shared by every service: a
 * connector is thread-safe, and the connections it opens belong to one run each.
 */
final class RemoteClients {

    private static final Map<String, RemoteConnector> CONNECTORS = new ConcurrentHashMap<>();

    private RemoteClients() {
    }

    /** Returns a new connection, not yet open, to the server of {@code spec}; the caller closes it. */
    static RemoteConnection connect(RemoteSpec spec, String context) throws TransportException {
        return new RemoteConnection(connector(spec), spec, context);
    }

    private static RemoteConnector connector(RemoteSpec spec) throws TransportException {
        RemoteConnector existing = CONNECTORS.get(spec.protocol());
        if (existing != null) {
            return existing;
        }
        RemoteConnector created;
        try {
            created = RemoteConnectors.forProtocol(spec.protocol());
        } catch (IllegalArgumentException e) {
            throw new TransportException(spec.server(), null, false, e.getMessage()
                    + "; use a node of the Baton version that deployed the service", e);
        }
        RemoteConnector raced = CONNECTORS.putIfAbsent(spec.protocol(), created);
        if (raced != null) {
            created.close();
            return raced;
        }
        return created;
    }
}
