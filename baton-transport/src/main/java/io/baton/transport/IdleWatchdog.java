package io.baton.transport;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Aborts a connection on which a request or transfer waits longer than the idle timeout without any
 * data moving, by running {@code abort} (which closes the connection, so the blocked call fails).
 * Time is measured on the monotonic clock. One watchdog serves one connection.
 */
public final class IdleWatchdog implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "remote-idle-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final long idleNanos;
    private final Runnable abort;
    private final ScheduledFuture<?> check;
    private volatile boolean busy;
    private volatile long lastProgress;
    private volatile boolean fired;

    public IdleWatchdog(java.time.Duration idleTimeout, Runnable abort) {
        this.idleNanos = idleTimeout.toNanos();
        this.abort = abort;
        long period = Math.max(50, idleTimeout.toMillis() / 10);
        this.check = TIMER.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** Marks the start of a request; the idle time counts from here. */
    public void start() {
        lastProgress = System.nanoTime();
        busy = true;
    }

    /** Marks that data moved. */
    public void progress() {
        lastProgress = System.nanoTime();
    }

    /** Marks the end of a request. */
    public void stop() {
        busy = false;
    }

    /** Tells whether the watchdog aborted the connection. */
    public boolean fired() {
        return fired;
    }

    private void check() {
        if (busy && !fired && System.nanoTime() - lastProgress > idleNanos) {
            fired = true;
            abort.run();
        }
    }

    @Override
    public void close() {
        check.cancel(false);
    }
}
