package io.baton.core.cluster;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Decides whether a registry entry is stale. An entry is stale when its heartbeat is older than
 * {@code staleAfter}, or when it names a process on this host that is no longer running.
 *
 * <p>NOTE: the age compares the writer's wall clock with the reader's, so on different hosts it is as
 * good as their clock synchronisation ({@code baton doctor} reports the share's clock offset). Only
 * display depends on it; the takeover decision uses the lease, measured on a monotonic clock.
 */
public final class StaleRule {

    private final Duration staleAfter;
    private final String localHost;

    public StaleRule(Duration staleAfter, String localHost) {
        this.staleAfter = staleAfter;
        this.localHost = localHost;
    }

    public Duration staleAfter() {
        return staleAfter;
    }

    /**
     * Returns the entry's age at {@code now} in milliseconds, or -1 when its heartbeat time is unreadable. A
     * heartbeat that lies after {@code now} counts as age 0: the reader may take {@code now} just before the
     * writer's next heartbeat lands, or the writer's clock may run ahead.
     */
    public static long ageMillis(NodeRegistration entry, Instant now) {
        try {
            return Math.max(0, Duration.between(Instant.parse(entry.heartbeatAt()), now).toMillis());
        } catch (DateTimeParseException | NullPointerException e) {
            return -1;
        }
    }

    /** Returns why the entry is stale at {@code now}, or null when it is fresh. */
    public String staleReason(NodeRegistration entry, Instant now) {
        if (localHost.equals(entry.host()) && entry.pid() > 0 && !isRunning(entry)) {
            return "its process (pid " + entry.pid() + " on this host) is not running";
        }
        long age = ageMillis(entry, now);
        if (age < 0) {
            return "its heartbeat time '" + entry.heartbeatAt() + "' cannot be read";
        }
        if (age > staleAfter.toMillis()) {
            return "no heartbeat for " + age + " ms (stale after " + staleAfter.toMillis() + " ms)";
        }
        return null;
    }

    /**
     * Tells whether the entry's pid is a live process that started before the node did; a process that
     * started later only reuses the pid.
     */
    private static boolean isRunning(NodeRegistration entry) {
        var process = ProcessHandle.of(entry.pid()).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        try {
            Instant started = Instant.parse(entry.startedAt());
            return process.get().info().startInstant().map(s -> !s.isAfter(started)).orElse(true);
        } catch (DateTimeParseException | NullPointerException e) {
            return true;
        }
    }
}
