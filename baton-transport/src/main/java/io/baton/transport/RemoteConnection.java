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

    /** The stop request of an operation that no stop ends; nothing ever requests it. */
    private static final StopRequest NO_STOP = new StopRequest();

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
        return call(file, NO_STOP, operation);
    }

    /**
     * Runs an operation that a stop request ends at once. While the operation runs, the request closes
     * its session from the stopping thread, so a read blocked on a stalled server fails without waiting
     * for the idle timeout. The operation is then not retried.
     *
     * @throws TransportException "stopped by request" after a stop, or as {@link #call(String, Operation)}
     */
    public <T> T call(String file, StopRequest stop, Operation<T> operation) throws TransportException {
        int attempt = 1;
        Duration wait = spec.retryBackoff();
        while (true) {
            if (stop.requested()) {
                throw stopped(file, null);
            }
            // The connect is inside the try, so that a server that refuses connections is retried like a dropped one.
            try {
                RemoteSession current = session();
                try (StopRequest.Registration abort = stop.onRequest(current::close)) {
                    return operation.run(current);
                }
            } catch (TransportException e) {
                if (stop.requested()) {
                    // The stop closed the session, so the failure is the stop's doing, not the server's.
                    disconnect();
                    throw stopped(file, e);
                }
                if (!e.transientFault() || attempt > spec.retries()) {
                    if (e.transientFault()) {
                        disconnect();
                    }
                    throw e;
                }
                disconnect();
                log.warn("{}: attempt {} of {} on {} failed for {}; retrying in {} ms on a new connection: {}", context, attempt,
                        spec.retries() + 1, spec.server(), file, wait.toMillis(), e.getMessage());
                // NOTE: a stop during this wait takes effect only when the wait ends, at most retryBackoff doubled per retry.
                sleep(wait);
                wait = wait.multipliedBy(2);
                attempt++;
            }
        }
    }

    private TransportException stopped(String file, TransportException cause) {
        return new TransportException(spec.server(), file, false, "operation on " + file + " on " + spec.server()
                + " stopped by request", cause);
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
