package io.baton.cli.monitor;

import io.baton.server.alert.Alert;
import io.baton.server.alert.AlertEngine;
import io.baton.server.alert.AlertKind;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides from each poll of all nodes whether the cluster needs an operator, and raises and resolves the
 * alerts through an {@link AlertEngine}:
 *
 * <ul>
 *   <li>{@code no-active-node} once no node has been active for the grace period, which must exceed the lease
 *       duration because a failover takes up to one lease duration;
 *   <li>{@code two-active-nodes} at once when nodes with different ids return 200 from {@code /health/active}.
 * </ul>
 *
 * Each condition is raised again at every poll while it lasts (the engine counts the repeats) and resolved when it
 * clears. Every change of a node's state is logged. Time comes in as arguments, so tests need not sleep.
 */
final class ClusterWatch {

    private static final Logger log = LoggerFactory.getLogger(ClusterWatch.class);

    /** The outcome of one poll. */
    enum Verdict {
        /** Exactly one node is active. */
        HEALTHY,
        /** No node is active, for less than the grace period so far. */
        NO_ACTIVE_IN_GRACE,
        /** An alert is open. */
        ALERT
    }

    private final AlertEngine engine;
    private final String monitorName;
    private final Duration grace;
    private final Clock wallClock;
    private final Map<URI, NodeHealth> lastSeen = new HashMap<>();
    /** Monotonic time of the first poll that found no active node, or null while one is active. */
    private Long noActiveSinceNanos;
    private Set<String> lastActive = Set.of();

    /** @param monitorName names this monitor in alerts, as the node field does for a node's alerts */
    ClusterWatch(AlertEngine engine, String monitorName, Duration grace, Clock wallClock) {
        this.engine = engine;
        this.monitorName = monitorName;
        this.grace = grace;
        this.wallClock = wallClock;
    }

    /** Takes one poll of every node at the monotonic time {@code nowNanos}; returns its verdict. */
    Verdict observe(List<NodeHealth> poll, long nowNanos) {
        logChanges(poll);

        Set<String> active = poll.stream().filter(n -> n.state() == NodeHealth.State.ACTIVE).map(NodeHealth::identity)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        logActiveChange(active, poll);
        lastActive = active;

        boolean twoActive = checkTwoActive(active, poll);
        Verdict noActive = checkNoActive(active, poll, nowNanos);
        if (twoActive || noActive == Verdict.ALERT) {
            return Verdict.ALERT;
        }
        return noActive;
    }

    private boolean checkTwoActive(Set<String> active, List<NodeHealth> poll) {
        String key = Alert.key(AlertKind.TWO_ACTIVE_NODES, monitorName);
        if (active.size() < 2) {
            String now = active.isEmpty() ? "no node is active" : "only " + activeNodes(poll) + " is active";
            engine.resolve(key, "monitor " + monitorName + ": " + now);
            return false;
        }
        engine.raise(Alert.ofNode(AlertKind.TWO_ACTIVE_NODES, monitorName, active.size() + " nodes claim to be active at once: "
                + activeNodes(poll) + ". Only the holder of the lease may write the data directory. Run baton cluster on one of them"
                + " to see which node holds the lease, and stop the other with baton node stop (or kill it); if they use different"
                + " data directories, they are separate clusters: give each one a monitor of its own", wallClock.instant()));
        return true;
    }

    private Verdict checkNoActive(Set<String> active, List<NodeHealth> poll, long nowNanos) {
        String key = Alert.key(AlertKind.NO_ACTIVE_NODE, monitorName);
        if (!active.isEmpty()) {
            if (noActiveSinceNanos != null) {
                long seconds = (nowNanos - noActiveSinceNanos) / 1_000_000_000L;
                engine.resolve(key, "monitor " + monitorName + ": " + activeNodes(poll) + " is active after " + seconds + " s without an active node");
            }
            noActiveSinceNanos = null;
            return Verdict.HEALTHY;
        }

        if (noActiveSinceNanos == null) {
            noActiveSinceNanos = nowNanos;
        }
        long silentNanos = nowNanos - noActiveSinceNanos;
        if (silentNanos < grace.toNanos()) {
            return Verdict.NO_ACTIVE_IN_GRACE;
        }
        String nodes = poll.stream().map(NodeHealth::describe).collect(Collectors.joining(", "));
        engine.raise(Alert.ofNode(AlertKind.NO_ACTIVE_NODE, monitorName, "no node has been active for " + silentNanos / 1_000_000_000L
                + " s (grace " + grace.toSeconds() + " s): " + nodes + ". No service runs. Check the nodes' logs; a node that is up"
                + " but not active may be waiting for a hung node's lease (baton cluster shows the holder), and a down node needs a"
                + " restart (baton node)", wallClock.instant()));
        return Verdict.ALERT;
    }

    /** Logs every node whose state or id differs from the previous poll: a node that went down at WARN, others at INFO. */
    private void logChanges(List<NodeHealth> poll) {
        for (NodeHealth node : poll) {
            NodeHealth before = lastSeen.put(node.api(), node);
            boolean changed = before == null || before.state() != node.state() || !java.util.Objects.equals(before.nodeId(), node.nodeId())
                    || node.state() == NodeHealth.State.NOT_ACTIVE && !before.detail().equals(node.detail());
            if (!changed) {
                continue;
            }
            if (node.state() == NodeHealth.State.DOWN) {
                log.warn("Monitor {}: {} is down; polling goes on", monitorName, node.describe());
            } else {
                log.info("Monitor {}: {} is {}", monitorName, node.describe(), node.state() == NodeHealth.State.ACTIVE ? "active" : "up, not active");
            }
        }
    }

    private void logActiveChange(Set<String> active, List<NodeHealth> poll) {
        if (active.equals(lastActive)) {
            return;
        }
        if (active.isEmpty()) {
            log.warn("Monitor {}: no node is active; alerting if none is active within {} s", monitorName, grace.toSeconds());
        } else {
            log.info("Monitor {}: active now: {}", monitorName, activeNodes(poll));
        }
    }

    /** Describes the active nodes, each node id once even when it was polled under two addresses. */
    private static String activeNodes(List<NodeHealth> poll) {
        Map<String, NodeHealth> byIdentity = new java.util.LinkedHashMap<>();
        for (NodeHealth node : poll) {
            if (node.state() == NodeHealth.State.ACTIVE) {
                byIdentity.putIfAbsent(node.identity(), node);
            }
        }
        return byIdentity.values().stream().map(NodeHealth::describe).collect(Collectors.joining(", "));
    }
}
