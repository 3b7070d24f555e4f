package io.baton.core.lease;

import io.baton.core.journal.RoleChangeCause;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a passive node decides that the lease is free. It re-reads the lease every poll interval and
 * measures silence on its own monotonic clock from the moment it last saw the counter change; it
 * never compares its wall clock with the holder's.
 *
 * <p>The lease is free when: there is no lease file and no epoch was ever claimed; the holder released
 * it on an orderly stop; the holder hands its epoch over to this node (or to any node) in a switch-over;
 * the counter has not moved for {@code leaseDuration}; or it was written by an earlier process of this
 * same node on this host that is no longer running, so a restarted node does not wait for its own dead
 * lease. A hand-over addressed to another node does not free the lease: the holder keeps renewing it
 * during the hand-over, so this node takes over only if the holder then falls silent.
 */
public final class LeaseWatcher {

    private static final Logger log = LoggerFactory.getLogger(LeaseWatcher.class);

    private final LeaseFile file;
    private final String nodeId;
    private final String host;
    private final Duration leaseDuration;
    private final Duration pollInterval;
    private int readFailures;

    public LeaseWatcher(LeaseFile file, String nodeId, String host, Duration leaseDuration, Duration pollInterval) {
        this.file = file;
        this.nodeId = nodeId;
        this.host = host;
        this.leaseDuration = leaseDuration;
        this.pollInterval = pollInterval;
    }

    /**
     * Blocks until the lease is free and returns why, or returns null when {@code keepWaiting} turns false.
     *
     * @param everClaimed whether any epoch was claimed in this data directory; without one, a missing
     *     lease file means no node was ever active
     */
    public Vacancy awaitFree(boolean everClaimed, BooleanSupplier keepWaiting) throws InterruptedException {
        Lease last = null;
        long lastChangeNanos = System.nanoTime();
        Instant lastChange = Instant.now();
        boolean announced = false;
        while (keepWaiting.getAsBoolean()) {
            Lease now = readQuietly();
            long t = System.nanoTime();
            if (now == null && !everClaimed) {
                return new Vacancy("no node was ever active on this data directory", RoleChangeCause.FIRST_START, Instant.now(), 0);
            }
            if (now != null && now.released()) {
                return new Vacancy("node " + now.nodeId() + " released epoch " + now.epoch(), RoleChangeCause.RELEASE, Instant.now(), 0);
            }
            if (now != null && now.handsOverTo(nodeId)) {
                return new Vacancy("node " + now.nodeId() + " hands epoch " + now.epoch() + " over to "
                        + (Lease.ANY_NODE.equals(now.handoverTo()) ? "any passive node" : "node " + nodeId),
                        RoleChangeCause.SWITCHOVER, Instant.now(), now.epoch());
            }
            if (now != null && isOwnDeadPredecessor(now)) {
                return new Vacancy("the lease was left by an earlier process of this node (pid " + now.pid() + "), which is no longer running",
                        RoleChangeCause.RESTART, Instant.now(), 0);
            }
            if (!Objects.equals(now, last)) {
                if (last == null || now == null || now.counter() != last.counter() || !now.nodeId().equals(last.nodeId())) {
                    lastChangeNanos = t;
                    lastChange = Instant.now();
                }
                last = now;
            }
            long silentNanos = t - lastChangeNanos;
            if (silentNanos >= leaseDuration.toNanos()) {
                String reason = last == null
                        ? "no lease heartbeat for " + leaseDuration.toMillis() + " ms"
                        : "the lease of node " + last.nodeId() + " (epoch " + last.epoch() + ") expired after " + silentNanos / 1_000_000
                                + " ms of silence";
                return new Vacancy(reason, RoleChangeCause.EXPIRY, lastChange, 0);
            }
            if (!announced && last != null) {
                log.info("Node {} is passive: node {} holds epoch {}", nodeId, last.nodeId(), last.epoch());
                announced = true;
            }
            Thread.sleep(pollInterval.toMillis());
        }
        return null;
    }

    private boolean isOwnDeadPredecessor(Lease lease) {
        if (!nodeId.equals(lease.nodeId()) || !host.equals(lease.host())) {
            return false;
        }
        if (lease.pid() == ProcessHandle.current().pid()) {
            return false;
        }
        return ProcessHandle.of(lease.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    private Lease readQuietly() {
        try {
            Lease lease = file.read();
            if (readFailures > 0) {
                log.info("Node {} reads the lease {} again after {} failed read(s)", nodeId, file.path(), readFailures);
                readFailures = 0;
            }
            return lease;
        } catch (IOException e) {
            // Logged once per outage: a passive node polls several times a second.
            if (readFailures++ == 0) {
                log.warn("Node {} cannot read the lease {}: {}; an unreadable lease counts as silence", nodeId, file.path(), e.toString());
            }
            return null;
        }
    }
}
