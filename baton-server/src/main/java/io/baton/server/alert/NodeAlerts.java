package io.baton.server.alert;

import io.baton.core.journal.RoleChangeCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The alerts about this node's role and lease: a failover or switch-over on the node that becomes active,
 * a lease lost (raised once the node has stepped down, because nothing may be written while it is fenced,
 * and sending needs no write to the data directory), and slow lease renewals.
 *
 * <p>A slow renewal opens {@code lease-renewal-slow}; it is resolved only after renewals have been fast for
 * {@link #RENEWALS_CALM}, so a renewal time that hovers around the limit does not send a notice each time.
 */
public final class NodeAlerts {

    /** How long renewals must stay within the renew interval before a slow-renewal alert is resolved. */
    static final Duration RENEWALS_CALM = Duration.ofMinutes(1);

    private final AlertEngine engine;
    private final String node;
    private final Duration renewInterval;
    private final Clock clock;
    private Instant lastSlow;

    public NodeAlerts(AlertEngine engine, String node, Duration renewInterval, Clock clock) {
        this.engine = engine;
        this.node = node;
        this.renewInterval = renewInterval;
        this.clock = clock;
    }

    public void becameActive(RoleChangeCause cause, long epoch, String why) {
        if (cause == RoleChangeCause.FIRST_START) {
            return;
        }
        AlertKind kind = cause == RoleChangeCause.SWITCHOVER ? AlertKind.SWITCHOVER : AlertKind.FAILOVER;
        engine.raise(Alert.ofNode(kind, node, "node " + node + " became active with epoch " + epoch + " (" + cause.text() + ": " + why
                + ")", clock.instant()));
    }

    public void leaseLost(long epoch, String reason) {
        engine.raise(Alert.ofNode(AlertKind.LEASE_LOST, node, "node " + node + " lost its lease in epoch " + epoch + " and stepped down: "
                + reason, clock.instant()));
    }

    /** Observes one successful renewal that took {@code nanos}; called on the renewal thread. */
    public synchronized void renewed(long nanos) {
        Instant now = clock.instant();
        if (nanos > renewInterval.toNanos()) {
            lastSlow = now;
            engine.raise(Alert.ofNode(AlertKind.LEASE_RENEWAL_SLOW, node, "a lease renewal of node " + node + " took " + nanos / 1_000_000
                    + " ms, longer than the renew interval of " + renewInterval.toMillis() + " ms; check the shared file system", now));
            return;
        }
        if (lastSlow != null && !now.isBefore(lastSlow.plus(RENEWALS_CALM))) {
            lastSlow = null;
            engine.resolve(Alert.key(AlertKind.LEASE_RENEWAL_SLOW, node), "lease renewals of node " + node + " have taken less than "
                    + renewInterval.toMillis() + " ms for " + RENEWALS_CALM.toSeconds() + " s");
        }
    }
}
