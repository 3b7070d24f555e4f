package io.baton.server.cluster;

import io.baton.core.DataDirectory;
import io.baton.core.cluster.ClusterAlert;
import io.baton.core.cluster.LockTable;
import io.baton.core.cluster.NodeRegistration;
import io.baton.core.cluster.NodeRegistry;
import io.baton.core.lease.Lease;
import io.baton.core.lease.LeaseFile;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A passive node's watch on the active node, for the case that failover cannot handle alone: a holder
 * that is hung rather than dead. Two conditions raise an alert:
 *
 * <ul>
 *   <li>{@code holder-api-silent}: the lease counter moved since the previous check, but the holder's
 *       API has not responded for {@link #CONFIRMING_CHECKS} such checks in a row. Its lease keeps the
 *       other nodes passive. A holder on this host whose pid is not running raises nothing: it is dead,
 *       and failover takes over once its lease runs out.
 *   <li>{@code journal-held}: the lease has been silent for the lease duration, but a process on this
 *       host holds a lock on the journal, so no node can take the epoch guard.
 * </ul>
 *
 * <p>An alert is logged at WARN when raised and at most once a minute while it stays, with the count
 * of repeats, and at INFO when it clears. Time comes in as arguments, so tests drive {@link #check}
 * without sleeping.
 */
public final class HolderMonitor {

    private static final Logger log = LoggerFactory.getLogger(HolderMonitor.class);

    /** Failed API probes in a row before the alert, so a single GC pause or slow response raises nothing. */
    static final int CONFIRMING_CHECKS = 3;

    /** How often a raised alert is logged again while it stays. */
    static final Duration REPEAT_LOG_INTERVAL = Duration.ofMinutes(1);

    private final String nodeId;
    private final String localHost;
    private final DataDirectory data;
    private final Duration leaseDuration;
    private final LockTable locks;
    private final ApiProbe probe;
    private final BooleanSupplier active;
    private final Clock wallClock;
    private final long ownPid = ProcessHandle.current().pid();
    private final Map<String, Open> open = new LinkedHashMap<>();
    private Lease lastLease;
    private long lastChangeNanos;
    private boolean leaseSeen;
    private int apiFailures;
    private int journalLockedChecks;
    private volatile long silenceMillis = -1;
    private volatile List<ClusterAlert> snapshot = List.of();
    private volatile boolean stopped;
    private Thread thread;
    /** Null until {@link #alertVia} sets it; the monitor's own log lines are enough for tests that run it alone. */
    private volatile io.baton.server.alert.AlertEngine engine;

    /** An alert that is raised, with the monotonic time it was last logged. */
    private static final class Open {
        ClusterAlert alert;
        long lastLoggedNanos;
        int repeats;
    }

    /** @param active whether this node is active now; an active node watches nothing */
    public HolderMonitor(String nodeId, String localHost, DataDirectory data, Duration leaseDuration, LockTable locks, ApiProbe probe,
            BooleanSupplier active, Clock wallClock) {
        this.nodeId = nodeId;
        this.localHost = localHost;
        this.data = data;
        this.leaseDuration = leaseDuration;
        this.locks = locks;
        this.probe = probe;
        this.active = active;
        this.wallClock = wallClock;
    }

    /**
     * Starts checking every {@code period} on a thread of its own. The period must be longer than the
     * holder's renew interval, so a renewing holder moves the counter between any two checks.
     */
    public void start(Duration period) {
        thread = Thread.ofPlatform().name("holder-monitor").daemon().start(() -> {
            while (!stopped) {
                try {
                    check(System.nanoTime());
                } catch (RuntimeException e) {
                    log.warn("Node {} failed to check the active node: {}", nodeId, e.toString());
                }
                try {
                    Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Sends the alerts this monitor raises and resolves through {@code engine} too, besides its own log lines. */
    public HolderMonitor alertVia(io.baton.server.alert.AlertEngine engine) {
        this.engine = engine;
        return this;
    }

    public void stop() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Returns the open alerts as of the last check. */
    public List<ClusterAlert> alerts() {
        return snapshot;
    }

    /** Returns how long this node has seen the lease counter unchanged, or null while it is active or has not looked yet. */
    public Long leaseSilenceMillis() {
        // Checked here too: a node that just became active keeps its passive measurement until the next check.
        long s = silenceMillis;
        return s < 0 || active.getAsBoolean() ? null : s;
    }

    /** Runs one check at the monotonic time {@code nowNanos}. */
    public synchronized void check(long nowNanos) {
        if (active.getAsBoolean()) {
            resolveAll(nowNanos, List.of());
            leaseSeen = false;
            silenceMillis = -1;
            return;
        }
        Lease lease = readLease();
        // The first check after a start has nothing to compare with, so it does not count as a renewal.
        boolean movedSinceLastCheck = leaseSeen && !sameHeartbeat(lease, lastLease);
        if (!leaseSeen || movedSinceLastCheck) {
            lastChangeNanos = nowNanos;
            leaseSeen = true;
        }
        lastLease = lease;
        long silence = (nowNanos - lastChangeNanos) / 1_000_000;
        silenceMillis = silence;

        List<String> raised = new ArrayList<>();
        boolean heldByOther = lease != null && !lease.released() && !lease.nodeId().equals(nodeId);
        boolean renewed = heldByOther && silence < leaseDuration.toMillis();
        if (renewed && movedSinceLastCheck && !deadOnThisHost(lease)) {
            checkHolderApi(lease, nowNanos, raised);
        } else {
            apiFailures = 0;
        }
        if (!renewed) {
            checkJournalLocks(lease, silence, nowNanos, raised);
        } else {
            journalLockedChecks = 0;
        }
        resolveAll(nowNanos, raised);
    }

    private void checkHolderApi(Lease lease, long nowNanos, List<String> raised) {
        NodeRegistration holder = readRegistration(lease.nodeId());
        if (holder == null || holder.apiUrl() == null || probe.answers(holder.apiUrl())) {
            apiFailures = 0;
            return;
        }
        apiFailures++;
        if (apiFailures < CONFIRMING_CHECKS) {
            return;
        }
        String message = "node " + lease.nodeId() + " (host " + lease.host() + ", pid " + lease.pid() + ") renews the lease of epoch "
                + lease.epoch() + ", but its API at " + holder.apiUrl() + " has not responded to " + apiFailures
                + " checks in a row: the node is hung. Fence it (stop host " + lease.host() + " or kill pid " + lease.pid()
                + " there), then run: baton takeover --confirm-fenced " + lease.nodeId();
        raise(new ClusterAlert("holder-api-silent", lease.nodeId(), lease.host(), lease.pid(), message,
                wallClock.instant().toString(), 0), nowNanos, raised);
    }

    /** Returns true when the holder runs on this host and its pid is not a running process. */
    private boolean deadOnThisHost(Lease lease) {
        if (!localHost.equals(lease.host())) {
            return false;
        }
        return ProcessHandle.of(lease.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    private void checkJournalLocks(Lease lease, long silence, long nowNanos, List<String> raised) {
        List<LockTable.Holder> holders;
        try {
            holders = locks.holders(data.journalFile(), ownPid);
        } catch (IOException e) {
            log.warn("Node {} cannot read the lock table for {}: {}", nodeId, data.journalFile(), e.toString());
            return;
        }
        if (holders.isEmpty()) {
            journalLockedChecks = 0;
            return;
        }
        // Two checks in a row: a lock seen once may be a transaction of a node that is taking over right now.
        if (++journalLockedChecks < 2) {
            return;
        }
        long pid = holders.getFirst().pid();
        NodeRegistration owner = registrationOfPid(pid);
        // The node to fence: the registered owner of the locking pid, else the last lease holder.
        String node = "unknown";
        if (owner != null) {
            node = owner.nodeId();
        } else if (lease != null) {
            node = lease.nodeId();
        }
        String host = owner != null ? owner.host() : "this host";
        String silent = lease == null ? "there is no lease" : "the lease of node " + lease.nodeId() + " has been silent for " + silence + " ms";
        String message = "journal " + data.journalFile() + " held by pid " + pid + " on this host ("
                + (owner != null ? "node " + owner.nodeId() : "no registered node") + ", " + holders.getFirst().kind() + " "
                + holders.getFirst().mode() + " lock), but " + silent + ": that process does not renew and blocks every takeover. "
                + "Fence it (kill pid " + pid + "), then run: baton takeover --confirm-fenced " + node;
        raise(new ClusterAlert("journal-held", node, host, pid, message, wallClock.instant().toString(), 0), nowNanos, raised);
    }

    private void raise(ClusterAlert alert, long nowNanos, List<String> raised) {
        String key = alert.kind() + "/" + alert.nodeId();
        raised.add(key);
        io.baton.server.alert.AlertKind kind = io.baton.server.alert.AlertKind.fromText(alert.kind());
        if (engine != null && kind != null) {
            engine.raise(new io.baton.server.alert.Alert(kind, null, nodeId, 0, key, alert.message(), wallClock.instant()));
        }
        Open o = open.get(key);
        if (o == null) {
            o = new Open();
            o.alert = alert;
            o.lastLoggedNanos = nowNanos;
            open.put(key, o);
            log.warn("ALERT {}: {}", alert.kind(), alert.message());
            return;
        }
        o.repeats++;
        o.alert = new ClusterAlert(alert.kind(), alert.nodeId(), alert.host(), alert.pid(), alert.message(), o.alert.since(), o.repeats);
        if (nowNanos - o.lastLoggedNanos >= REPEAT_LOG_INTERVAL.toNanos()) {
            log.warn("ALERT {} (still open since {}, {} repeat(s) since it was last logged): {}", alert.kind(), o.alert.since(), o.repeats,
                    alert.message());
            o.lastLoggedNanos = nowNanos;
            o.repeats = 0;
        }
    }

    private void resolveAll(long nowNanos, List<String> raised) {
        open.entrySet().removeIf(e -> {
            if (raised.contains(e.getKey())) {
                return false;
            }
            log.info("Alert {} about node {} resolved (open since {})", e.getValue().alert.kind(), e.getValue().alert.nodeId(),
                    e.getValue().alert.since());
            if (engine != null) {
                engine.resolve(e.getKey(), "node " + nodeId + " no longer finds " + e.getValue().alert.kind() + " about node "
                        + e.getValue().alert.nodeId());
            }
            return true;
        });
        snapshot = open.values().stream().map(o -> o.alert).toList();
    }

    private static boolean sameHeartbeat(Lease a, Lease b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.counter() == b.counter() && Objects.equals(a.nodeId(), b.nodeId()) && a.released() == b.released();
    }

    private Lease readLease() {
        try {
            return new LeaseFile(data.leaseFile()).read();
        } catch (IOException e) {
            log.warn("Node {} cannot read the lease {}: {}", nodeId, data.leaseFile(), e.toString());
            return null;
        }
    }

    private NodeRegistration readRegistration(String id) {
        try {
            return new NodeRegistry(data.nodes()).read(id);
        } catch (IOException e) {
            return null;
        }
    }

    private NodeRegistration registrationOfPid(long pid) {
        try {
            return new NodeRegistry(data.nodes()).readAll().stream()
                    .filter(r -> r.pid() == pid && localHost.equals(r.host())).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
