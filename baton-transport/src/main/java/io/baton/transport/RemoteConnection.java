package io.baton.transport;

import io.baton.core.config.RemoteSpec;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote server as a run uses it: the session is opened on first use and reused for every
 * operation of the run, and an operation that fails on a dropped connection is tried again on a
 * new session, after {@code retryBackoff} doubled for each attempt, up to {@code retries} times.
 * Permanent failures (host key, login, missing folder, permission) are not retried. Each retry is
 * logged with the server, the file and the attempt. Not thread-safe: one run uses it at a time.
 */
public final class RemoteConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RemoteConnection.class);

    /** A remote operation on an open session. */
    @FunctionalInterface
    public interface Operation<T> {
        T run(RemoteSession session) throws TransportException;
    }

    private final RemoteConnector connector;
    private final RemoteSpec spec;
    private final String context;
    private RemoteSession session;

    /**
     * @param context who uses the connection, such as "service orders", for the log lines
     */
    public RemoteConnection(RemoteConnector connector, RemoteSpec spec, String context) {
        this.connector = connector;
        this.spec = spec;
        this.context = context;
    }

    public RemoteSpec spec() {
        return spec;
    }

    /**
     * Runs an operation, retrying transient failures on a new session.
     *
     * @param file the remote path the operation concerns, for the log lines
     * @throws TransportException the last failure, when it is permanent or the retries are spent
     */
    public <T> T call(String file, Operation<T> operation) throws TransportException {
        int attempt = 1;
        Duration wait = spec.retryBackoff();
        while (true) {
            try {
                return operation.run(session());
            } catch (TransportException e) {
                if (!e.transientFault() || attempt > spec.retries()) {
                    if (e.transientFault()) {
                        disconnect();
                    }
                    throw e;
                }
                disconnect();
                log.warn("{}: attempt {} of {} on {} failed for {}; retrying in {} ms on a new connection: {}", context, attempt,
                        spec.retries() + 1, spec.server(), file, wait.toMillis(), e.getMessage());
                sleep(wait);
                wait = wait.multipliedBy(2);
                attempt++;
            }
        }
    }

    private RemoteSession session() throws TransportException {
        if (session == null || !session.isOpen()) {
            disconnect();
            session = connector.open(spec);
        }
        return session;
    }

    private void disconnect() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    private static void sleep(Duration wait) throws TransportException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(null, null, false, "interrupted while waiting to retry", e);
        }
    }

    @Override
    public void close() {
        disconnect();
    }
}
