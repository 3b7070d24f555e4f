package io.baton.server.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts failed logins per remote address and per user name, and rejects further attempts of a key
 * that had {@link #MAX_FAILURES} failures within {@link #WINDOW} until the oldest of them is older than
 * the window. Time is passed in, so that tests move it instead of sleeping.
 *
 * <p>Each map keeps at most {@link #MAX_KEYS} keys and drops the least recently failed one beyond
 * that, so that a flood of addresses or names cannot exhaust the heap. Thread-safe.
 */
final class LoginThrottle {

    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_KEYS = 10_000;

    private final Map<String, Deque<Instant>> byAddress = bounded();
    private final Map<String, Deque<Instant>> byUser = bounded();

    private static Map<String, Deque<Instant>> bounded() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
                return size() > MAX_KEYS;
            }
        };
    }

    /**
     * Returns how long the caller must wait before its next attempt, or {@link Duration#ZERO} when it may
     * try now. The user name is null for a bearer token, which is throttled by address only.
     */
    synchronized Duration retryAfter(String address, String user, Instant now) {
        Duration wait = addressWait(address, now);
        if (user != null) {
            Duration userWait = userWait(user, now);
            wait = userWait.compareTo(wait) > 0 ? userWait : wait;
        }
        return wait;
    }

    /** Returns how long logins from {@code address} are rejected, whatever the user, or zero when they are not. */
    synchronized Duration addressWait(String address, Instant now) {
        return wait(byAddress, address, now);
    }

    /** Returns how long logins as {@code user} are rejected, from any address, or zero when they are not. */
    synchronized Duration userWait(String user, Instant now) {
        return wait(byUser, user, now);
    }

    /** Records a failed login; returns true when this failure starts the rejections of its address or user. */
    synchronized boolean recordFailure(String address, String user, Instant now) {
        boolean started = add(byAddress, address, now);
        if (user != null) {
            started |= add(byUser, user, now);
        }
        return started;
    }

    private static Duration wait(Map<String, Deque<Instant>> failures, String key, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Duration.ZERO;
        }
        prune(times, now);
        if (times.isEmpty()) {
            failures.remove(key);
            return Duration.ZERO;
        }
        if (times.size() < MAX_FAILURES) {
            return Duration.ZERO;
        }
        return Duration.between(now, times.peekFirst().plus(WINDOW));
    }

    private static boolean add(Map<String, Deque<Instant>> failures, String key, Instant now) {
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        prune(times, now);
        times.addLast(now);
        // Keep only the failures that decide the wait, so that a key costs a bounded amount of memory.
        while (times.size() > MAX_FAILURES) {
            times.removeFirst();
        }
        return times.size() == MAX_FAILURES;
    }

    private static void prune(Deque<Instant> times, Instant now) {
        Instant cutoff = now.minus(WINDOW);
        while (!times.isEmpty() && !times.peekFirst().isAfter(cutoff)) {
            times.removeFirst();
        }
    }
}
