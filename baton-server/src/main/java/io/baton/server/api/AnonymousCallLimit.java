package io.baton.server.api;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Bounds the audit rows of calls without a valid token, so that a flood of such calls cannot fill the
 * journal: at most {@code maxRows} rows in each window of {@code window}, whatever the remote address.
 * Calls over the bound are counted, and the next row that is written reports how many were left out.
 * Thread-safe.
 */
final class AnonymousCallLimit {

    /** The decision for one call: record it or not, and how many calls were left out before it. */
    record Decision(boolean record, long leftOutBefore) {
    }

    private final int maxRows;
    private final long windowNanos;
    private final LongSupplier nanoTime;

    private long windowStart;
    private int rowsInWindow;
    private long leftOut;

    /** {@code nanoTime} is a monotonic clock in nanoseconds, such as {@link System#nanoTime()}. */
    AnonymousCallLimit(int maxRows, Duration window, LongSupplier nanoTime) {
        this.maxRows = maxRows;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
    }

    synchronized Decision next() {
        long now = nanoTime.getAsLong();
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            rowsInWindow = 0;
        }
        if (rowsInWindow >= maxRows) {
            leftOut++;
            return new Decision(false, 0);
        }
        rowsInWindow++;
        long before = leftOut;
        leftOut = 0;
        return new Decision(true, before);
    }
}
