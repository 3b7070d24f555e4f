package io.baton.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stop request of one run, and the abort hooks of the transfers it must end. A transfer registers
 * a hook that closes its connection while it runs, because a socket read blocked on a stalled server
 * returns only when the socket closes or the idle timeout passes. Thread-safe: the run's thread
 * registers hooks, and the thread that stops the service calls {@link #request()}.
 */
public final class StopRequest {

    private final Set<Runnable> hooks = ConcurrentHashMap.newKeySet();
    private volatile boolean requested;

    /** Requests the stop and runs the hook of every running transfer. Calling it again is harmless. */
    public void request() {
        requested = true;
        hooks.forEach(Runnable::run);
    }

    /** Tells whether the stop was requested. */
    public boolean requested() {
        return requested;
    }

    /**
     * Registers {@code abort} until the returned registration is closed. The hook runs at once when the
     * stop was already requested. It may run twice when the request races with the registration, so it
     * must be idempotent, as closing a connection is.
     */
    public Registration onRequest(Runnable abort) {
        hooks.add(abort);

        // request() sets the flag before it reads the hooks, and this adds the hook before it reads the
        // flag (both through volatile or concurrent memory), so one side or the other runs the hook.
        if (requested) {
            abort.run();
        }
        return () -> hooks.remove(abort);
    }

    /** A registered abort hook, removed on close. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
