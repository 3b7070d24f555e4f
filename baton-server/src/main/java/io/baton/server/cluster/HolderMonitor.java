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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A passive node's watch on the active node, for the cases that failover cannot report or handle alone: a
 * holder whose daemon is hung or dead while its lease still keeps the other nodes passive. Two conditions
 * raise an alert:
 *
 * <ul>
 *   <li>{@code holder-api-silent}: the lease names another node and is not released, but that node's API
 *       does not respond to {@code /health/live}. The lease need not move: a daemon paused with SIGSTOP stops
 *       its lease keeper too, and the alert must come while its lease is still valid, before the takeover. If the
 *       holder keeps renewing, it stays hung and needs fencing; if not, failover takes over once the lease
 *       expires. A holder on this host whose pid is not running raises nothing: it is dead, and the failover
 *       alert follows. The alert resolves when the API responds again, when the lease changes hands or is
 *       released, or when this node becomes active. See {@link #checkHolderApi} for when a probe fails and
 *       when failures raise the alert.
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

    /**
     * Check period and the wait for a probe while the lease is silent, each as a share of the lease duration. A
     * holder that stops right after a renewal has a silent lease a quarter of the lease later (see
     * {@link #SILENT_LEASE_SHARE}); from then on each check of one period plus one wait fails a probe, so
     * {@link #CONFIRMING_CHECKS} failures come at most three quarters of the lease after the last renewal, and
     * sooner where {@link #UNRESPONSIVE_LEASE_SHARE} applies. No node takes over before a whole lease has passed
     * since the last renewal, so the alert comes first, with a quarter of the lease to spare for checks that
     * overrun on a loaded machine.
     */
    static final int LEASE_SHARE = 4 * CONFIRMING_CHECKS;

    /**
     * The lease counts as silent once this node has not seen it renewed for this share of the lease duration.
     * NOTE: with a renew interval near a quarter of the lease or longer, a renewing holder looks silent for part of
     * each interval, and its probes get only the short wait then.
     */
    static final int SILENT_LEASE_SHARE = 4;

    /**
     * While the lease is silent, an API that has not responded for this share of the lease duration raises the
     * alert even before {@link #CONFIRMING_CHECKS} failures, so that slow checks on a loaded machine do not delay
     * it past the takeover. A GC pause shorter than a third of the lease still raises nothing.
     */
    static final int UNRESPONSIVE_LEASE_SHARE = 3;

    /**
     * Maximum wait for a probe while the holder keeps renewing its lease: its process runs, so a slow response,
     * such as a TLS handshake on a loaded machine, is no sign of a hang.
     */
    static final Duration RENEWED_PROBE_TIMEOUT = Duration.ofSeconds(2);

    /** Time allowed past a probe's own timeout for the HTTP client to report it on a loaded machine. */
    static final Duration PROBE_TIMEOUT_SLACK = Duration.ofSeconds(1);

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
    /** The probe still waiting for a response, kept across checks while the lease is renewed; null when none. */
    private ApiProbe.Pending pendingProbe;
    private String pendingUrl;
    private long pendingSentNanos;
    /** Check time at which the first probe of the current run of failures was sent. */
    private long unresponsiveSinceNanos;
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

    /** Returns how long a check waits for a probe of the holder's API while the lease is silent; see {@link #LEASE_SHARE}. */
    public static Duration probeTimeout(Duration leaseDuration) {
        return leaseDuration.dividedBy(LEASE_SHARE);
    }

    /** Returns the timeout of the {@link ApiProbe} for this lease duration: {@link #RENEWED_PROBE_TIMEOUT}, or the silent-lease wait if longer. */
    public static Duration renewedProbeTimeout(Duration leaseDuration) {
        Duration silentWait = probeTimeout(leaseDuration);
        return silentWait.compareTo(RENEWED_PROBE_TIMEOUT) > 0 ? silentWait : RENEWED_PROBE_TIMEOUT;
    }

    /** Returns the pause between two checks with this lease duration; see {@link #LEASE_SHARE}. */
    public static Duration checkPeriod(Duration leaseDuration) {
        return leaseDuration.dividedBy(LEASE_SHARE);
    }

    /** Starts checking every {@code period} (plus the time a check takes) on a thread of its own. */
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
            dropPendingProbe();
            apiFailures = 0;
            resolveAll(nowNanos, List.of(), alert -> "node " + nodeId + " is active now");
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
        String apiResolution = null;
        if (heldByOther && !deadOnThisHost(lease)) {
            apiResolution = checkHolderApi(lease, silence, nowNanos, raised);
        } else {
            dropPendingProbe();
            apiFailures = 0;
        }
        boolean renewed = heldByOther && silence < leaseDuration.toMillis();
        if (!renewed) {
            checkJournalLocks(lease, silence, nowNanos, raised);
        } else {
            journalLockedChecks = 0;
        }
        String holderResolution = apiResolution;
        resolveAll(nowNanos, raised, alert -> holderResolution != null && alert.kind().equals("holder-api-silent")
                && alert.nodeId().equals(lease.nodeId()) ? holderResolution : describeLease(lease));
    }

    /**
     * Probes the holder's API and raises the alert once the failures confirm it; returns the reason for a resolved
     * notice about it.
     *
     * <p>Each check waits up to {@link #probeTimeout} for the probe. While the lease is renewed, a probe that has
     * not responded by then stays pending into the next checks, up to the probe's own timeout, and keeps an open
     * alert open without counting. Once the lease is silent, a probe without a response after that wait fails. The
     * alert is raised after {@link #CONFIRMING_CHECKS} failures in a row, or, while the lease is silent, at a
     * failure once the API has not responded for a third of the lease since the first failed probe was sent.
     */
    private String checkHolderApi(Lease lease, long silence, long nowNanos, List<String> raised) {
        NodeRegistration holder = readRegistration(lease.nodeId());
        if (holder == null || holder.apiUrl() == null) {
            dropPendingProbe();
            apiFailures = 0;
            return "node " + lease.nodeId() + " has no API address in its registry entry";
        }
        boolean leaseSilent = silence >= leaseDuration.dividedBy(SILENT_LEASE_SHARE).toMillis();
        String key = "holder-api-silent/" + lease.nodeId();

        if (pendingProbe == null || !pendingUrl.equals(holder.apiUrl())) {
            dropPendingProbe();
            pendingProbe = probe.send(holder.apiUrl());
            pendingUrl = holder.apiUrl();
            pendingSentNanos = nowNanos;
        }
        boolean answered = pendingProbe.await(checkWait());
        if (!answered && !leaseSilent) {
            // The holder still renews, so its process runs: give a slow response until the probe's own timeout.
            if (open.containsKey(key)) {
                raised.add(key);
            }
            return null;
        }

        ApiProbe.Pending finished = pendingProbe;
        long sentNanos = pendingSentNanos;
        pendingProbe = null;
        String failure;
        if (answered) {
            failure = finished.failure();
        } else {
            finished.cancel();
            failure = "no response within " + finished.elapsedMillis() + " ms while the lease was silent";
        }
        if (failure == null) {
            apiFailures = 0;
            return "the API of node " + lease.nodeId() + " at " + holder.apiUrl() + " responds again";
        }

        if (apiFailures++ == 0) {
            unresponsiveSinceNanos = sentNanos;
        }
        long unresponsiveMillis = (nowNanos - unresponsiveSinceNanos) / 1_000_000;
        boolean silentLongEnough = leaseSilent && unresponsiveMillis >= leaseDuration.dividedBy(UNRESPONSIVE_LEASE_SHARE).toMillis();
        if (apiFailures < CONFIRMING_CHECKS && !silentLongEnough) {
            return "the API of node " + lease.nodeId() + " failed " + apiFailures + " probe(s), fewer than " + CONFIRMING_CHECKS;
        }
        String message = "node " + lease.nodeId() + " (host " + lease.host() + ", pid " + lease.pid() + ") holds the lease of epoch "
                + lease.epoch() + ", but its API at " + holder.apiUrl() + " has failed " + apiFailures + (apiFailures == 1 ? " probe" : " probes")
                + " in a row and not responded for " + unresponsiveMillis + " ms (last: " + failure + "): its daemon is hung or dead. "
                + "This node last saw the lease renewed " + silence + " ms ago; it expires " + leaseDuration.toMillis()
                + " ms after its last renewal, and then a passive node takes over. If the lease keeps being renewed, "
                + "the node is hung: fence it (stop host " + lease.host() + " or kill pid " + lease.pid()
                + " there), then run: baton takeover --confirm-fenced " + lease.nodeId();
        raise(new ClusterAlert("holder-api-silent", lease.nodeId(), lease.host(), lease.pid(), message,
                wallClock.instant().toString(), 0), nowNanos, raised);
        return null;
    }

    /**
     * Returns how long a check waits for the pending probe: the silent-lease wait, or, for a probe that times out
     * within it, the probe's own timeout plus {@link #PROBE_TIMEOUT_SLACK}, so that it ends by itself in this check.
     */
    private Duration checkWait() {
        Duration silentWait = probeTimeout(leaseDuration);
        return probe.timeout().compareTo(silentWait) <= 0 ? probe.timeout().plus(PROBE_TIMEOUT_SLACK) : silentWait;
    }

    private void dropPendingProbe() {
        if (pendingProbe != null) {
            pendingProbe.cancel();
            pendingProbe = null;
        }
    }

    /** Describes who holds the lease, for the resolved notice of an alert about an earlier holder. */
    private String describeLease(Lease lease) {
        if (lease == null) {
            return "there is no lease";
        }
        if (lease.released()) {
            return "node " + lease.nodeId() + " released the lease";
        }
        if (deadOnThisHost(lease)) {
            return "node " + lease.nodeId() + " holds the lease, but its pid " + lease.pid() + " is not running here; failover takes over";
        }
        return "node " + lease.nodeId() + " holds the lease of epoch " + lease.epoch();
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

    /** Resolves every open alert that this check did not raise again; {@code resolution} returns what cleared each one. */
    private void resolveAll(long nowNanos, List<String> raised, Function<ClusterAlert, String> resolution) {
        open.entrySet().removeIf(e -> {
            if (raised.contains(e.getKey())) {
                return false;
            }
            String reason = resolution.apply(e.getValue().alert);
            log.info("Alert {} about node {} resolved (open since {}): {}", e.getValue().alert.kind(), e.getValue().alert.nodeId(),
                    e.getValue().alert.since(), reason);
            if (engine != null) {
                engine.resolve(e.getKey(), "node " + nodeId + " no longer finds " + e.getValue().alert.kind() + " about node "
                        + e.getValue().alert.nodeId() + ": " + reason);
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
