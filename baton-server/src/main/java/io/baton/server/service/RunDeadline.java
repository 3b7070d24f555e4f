package io.baton.server.service;

import io.baton.core.config.Durations;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The maximum run duration of one run ({@code limits.maxRunDuration}). When the run reaches it, the
 * deadline is marked reached, which makes the run stop at its next commit point, and the limit action
 * runs. If the run is still going one {@code stopGracePeriod} later, the kill action runs. Both actions
 * run on the scheduler's thread, so they must return quickly. Time is measured from {@link #arm} on the
 * monotonic clock.
 */
final class RunDeadline {

    private final Duration max;
    private final Duration grace;
    private volatile long startNanos;
    private volatile boolean reached;
    private volatile boolean killed;
    private ScheduledFuture<?> limitTimer;
    private ScheduledFuture<?> killTimer;

    /** @param max the limit, or null for a run without one */
    RunDeadline(Duration max, Duration grace) {
        this.max = max;
        this.grace = grace;
    }

    /** Starts the clock and, when there is a limit, the timers. */
    synchronized void arm(ScheduledExecutorService scheduler, Runnable onLimit, Runnable onKill) {
        startNanos = System.nanoTime();
        if (max == null) {
            return;
        }
        limitTimer = scheduler.schedule(() -> {
            reached = true;
            onLimit.run();
        }, max.toMillis(), TimeUnit.MILLISECONDS);
        killTimer = scheduler.schedule(() -> {
            killed = true;
            onKill.run();
        }, max.plus(grace).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Cancels the timers that have not fired: the run has ended. */
    synchronized void cancel() {
        if (limitTimer != null) {
            limitTimer.cancel(false);
        }
        if (killTimer != null) {
            killTimer.cancel(false);
        }
    }

    /** Tells whether the run has reached its limit and must stop at its next commit point. */
    boolean reached() {
        return reached;
    }

    /** Tells whether the grace period after the limit has passed, so the worker was or is being killed. */
    boolean killed() {
        return killed;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Returns the run's end reason: the limit, how the run stopped, and what happens to the items left. */
    String reason() {
        String outcome = killed
                ? "; the worker did not reach a commit point within stopGracePeriod (" + Durations.format(grace) + ") and was killed"
                : ", so it stopped at a commit point";
        return "the run reached its maximum run duration of " + Durations.format(max) + outcome
                + "; the items not processed are released for a later run";
    }
}
