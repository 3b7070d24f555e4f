package io.baton.server.api;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * Bounds the audit rows of calls without a valid token, so that a flood of such calls cannot fill the
 * journal: at most {@code maxRows} rows within any span of {@code window}, whatever the remote address.
 * The window slides, so a burst that crosses the end of one window gets no second allowance. Calls over the
 * bound are counted, and the next row that is written reports how many were left out. Thread-safe.
 */
final class AnonymousCallLimit {

    /** The decision for one call: record it or not, and how many calls were left out before it. */
    record Decision(boolean record, long leftOutBefore) {
    }

    private final int maxRows;
    private final long windowNanos;
    private final LongSupplier nanoTime;

    /** The {@link #nanoTime} readings of the rows recorded within the last window, oldest first, never more than {@link #maxRows}. */
    private final Deque<Long> recorded = new ArrayDeque<>();
    private long leftOut;

    /** {@code nanoTime} is a monotonic clock in nanoseconds, such as {@link System#nanoTime()}. */
    AnonymousCallLimit(int maxRows, Duration window, LongSupplier nanoTime) {
        this.maxRows = maxRows;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    synchronized Decision next() {
        long now = nanoTime.getAsLong();

        // Readings are compared through their difference, because nanoTime values may overflow.
        while (!recorded.isEmpty() && now - recorded.peekFirst() >= windowNanos) {
            recorded.removeFirst();
        }

        if (recorded.size() >= maxRows) {
            leftOut++;
            return new Decision(false, 0);
        }
        recorded.addLast(now);
        long before = leftOut;
        leftOut = 0;
        return new Decision(true, before);
    }
}
