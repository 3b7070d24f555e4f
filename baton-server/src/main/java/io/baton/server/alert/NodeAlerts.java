package io.baton.server.alert;

import io.baton.core.journal.RoleChangeCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts about this node's role and lease: a failover or switch-over on the node that becomes active,
 * a lease lost (raised once the node has stepped down, because nothing may be written while it is fenced,
 * and sending needs no write to the data directory), and slow lease renewals.
 *
 * <p>A slow renewal opens {@code lease-renewal-slow}; it is resolved only after renewals have been fast for
 * {@link #RENEWALS_CALM}, so a renewal time that hovers around the limit does not send a notice each time.
 */
public final class NodeAlerts {

    private static final Logger log = LoggerFactory.getLogger(NodeAlerts.class);

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

    /**
     * Raises the alert of this node becoming active: a failover when the holder was lost, a switch-over when it
     * handed over or stopped in order. A first start and this node's own restart in order raise none.
     *
     * @param previousHolder the node that held the epoch before, or null when not known
     */
    public void becameActive(RoleChangeCause cause, long epoch, String why, String previousHolder) {
        if (cause == RoleChangeCause.FIRST_START) {
            return;
        }
        if (cause == RoleChangeCause.RELEASE && node.equals(previousHolder)) {
            log.info("Node {} became active again with epoch {} after its own orderly stop; no alert", node, epoch);
            return;
        }

        boolean planned = cause == RoleChangeCause.SWITCHOVER || cause == RoleChangeCause.RELEASE;
        AlertKind kind = planned ? AlertKind.SWITCHOVER : AlertKind.FAILOVER;
        String from = previousHolder == null ? "" : " from node " + previousHolder;
        engine.raise(Alert.ofRoleChange(kind, node, epoch, "node " + node + " became active with epoch " + epoch + from + " ("
                + cause.text() + ": " + why + ")", clock.instant()));
    }

    public void leaseLost(long epoch, String reason) {
        engine.raise(Alert.ofRoleChange(AlertKind.LEASE_LOST, node, epoch, "node " + node + " lost its lease in epoch " + epoch + " and stepped down: "
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
