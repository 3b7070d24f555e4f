package io.baton.server.node;

import io.baton.core.BatonVersion;
import io.baton.core.DataDirectory;
import io.baton.core.cluster.LockTable;
import io.baton.core.cluster.NodeRegistration;
import io.baton.core.cluster.NodeRegistry;
import io.baton.core.cluster.StaleRule;
import io.baton.core.config.ClusterConfig;
import io.baton.core.config.NodeConfig;
import io.baton.core.journal.DeposedException;
import io.baton.core.journal.Journal;
import io.baton.core.journal.JournalException;
import io.baton.core.journal.JournalSchemaException;
import io.baton.core.journal.JournalSchemaMismatchException;
import io.baton.core.journal.OperatorActions;
import io.baton.core.lease.EpochRecord;
import io.baton.core.journal.RoleChangeCause;
import io.baton.core.journal.RoleChanges;
import io.baton.core.journal.Takeover;
import io.baton.core.journal.TakeoverRejectedException;
import io.baton.core.lease.EpochStore;
import io.baton.core.lease.LeaseFile;
import io.baton.core.lease.LeaseKeeper;
import io.baton.core.lease.LeaseWatcher;
import io.baton.core.lease.Vacancy;
import io.baton.server.alert.AlertEngine;
import io.baton.server.alert.DiskSpaceMonitor;
import io.baton.server.alert.NodeAlerts;
import io.baton.server.alert.ServiceAlerts;
import io.baton.server.alert.SilenceStore;
import io.baton.server.api.ApiServer;
import io.baton.server.cluster.ApiProbe;
import io.baton.server.cluster.HolderMonitor;
import io.baton.server.cluster.RegistryWriter;
import io.baton.server.housekeeping.Housekeeping;
import io.baton.server.metrics.NodeMetrics;
import io.baton.server.service.ActiveContext;
import io.baton.server.service.Recovery;
import io.baton.server.service.ServiceManager;
import io.baton.server.service.ServiceRuntime;
import io.baton.server.worker.PidFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The node daemon. It waits as passive until the lease is free and becomes active by compare-and-set
 * on the next epoch. Then it recovers and runs the services. It steps down at once when its lease is
 * in doubt or another node holds a newer epoch.
 *
 * <p>Becoming active, in order: claim {@code state/epochs/<e+1>} by exclusive create; bump the epoch
 * guard in the journal (the takeover); write the first heartbeat; then recovery, then services. On the
 * first start of a data directory the heartbeat comes before the guard bump instead. The other nodes then
 * see the new holder alive while it creates the journal, which on a loaded machine can take longer than a lease. Nothing else in
 * the data directory is written before the guard bump, and a passive node writes nothing there at all
 * except its own log, its registry entry ({@code state/nodes/<id>}) and, when no node has yet, the
 * cluster secret ({@code state/cluster.secret}).
 *
 * <p>Every node, active or passive, rewrites its registry entry on a thread of its own, and a passive
 * node watches the active one for a hung holder ({@link HolderMonitor}).
 */
public final class NodeDaemon {

    private static final Logger log = LoggerFactory.getLogger(NodeDaemon.class);

    private final Path home;
    private final NodeConfig config;
    private final boolean autoStart;
    private final DataDirectory data;
    private final ClusterConfig cluster;
    private final String host;
    private final PidFiles pidFiles;
    private final Instant startedAt = Instant.now();
    private final HolderMonitor holderMonitor;
    private final NodeMetrics metrics;
    private final AlertEngine alerts;
    private final NodeAlerts nodeAlerts;
    private final DiskSpaceMonitor diskSpace;
    private RegistryWriter registryWriter;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Active> active = new AtomicReference<>();
    private volatile NodeRole role = NodeRole.STARTING;
    private volatile boolean shuttingDown;
    private volatile String activeHolder = "";
    private volatile ForcedTakeover.Request forcedTakeover;
    private final java.util.concurrent.atomic.AtomicBoolean switchOverRunning = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile String lastTakeoverFailure;
    private volatile long forcedEpoch;
    private volatile String fatalError;
    private ApiServer api;
    private Thread roleThread;
    @SuppressWarnings("unused") // held only to keep the program directory locked
    private java.nio.channels.FileLock programLock;

    /**
     * Everything that exists only while this node is active in one epoch. {@code handoverOffered} is set
     * while a switch-over offers the epoch, so that being deposed then counts as the hand-over's success;
     * {@code deposedBy} holds the deposition and {@code steppedDown} opens once the node is passive again.
     */
    record Active(long epoch, ActiveContext ctx, LeaseKeeper keeper, Journal journal, ServiceManager services,
            AtomicReference<Housekeeping> housekeeping, CountDownLatch ended, AtomicReference<String> endReason,
            java.util.concurrent.atomic.AtomicBoolean fenced, java.util.concurrent.atomic.AtomicBoolean handoverOffered,
            AtomicReference<DeposedException> deposedBy, CountDownLatch steppedDown) {
    }

    /**
     * Checks the data directory and cluster settings; nothing is started yet.
     *
     * @throws io.baton.core.config.ConfigException when cluster.yaml is invalid
     * @throws io.baton.core.DataDirectoryException when the data directory cannot be used
     */
    public NodeDaemon(Path home, NodeConfig config, boolean autoStart) {
        this.home = home.toAbsolutePath().normalize();
        this.config = config;
        this.autoStart = autoStart;
        this.data = new DataDirectory(config.dataDirectory());
        this.cluster = data.open();
        this.host = hostName();
        this.pidFiles = new PidFiles(this.home.resolve("run").resolve("workers"));
        this.holderMonitor = new HolderMonitor(config.nodeId(), host, data, cluster.leaseDuration(), new LockTable(),
                new ApiProbe(HolderMonitor.renewedProbeTimeout(cluster.leaseDuration())), () -> role == NodeRole.ACTIVE, Clock.systemUTC());
        this.metrics = new NodeMetrics(config.nodeId());
        this.alerts = AlertEngine.start(cluster.alerts(), new SilenceStore(data.settings().resolve("silences.json")), Clock.systemUTC());
        this.nodeAlerts = new NodeAlerts(alerts, config.nodeId(), cluster.renewInterval(), Clock.systemUTC());
        this.diskSpace = new DiskSpaceMonitor(alerts, config.nodeId(), data.root(), cluster.alerts().diskMinFreePercent(),
                () -> role == NodeRole.ACTIVE, Clock.systemUTC());
        holderMonitor.alertVia(alerts);
        metrics.bindNode(() -> role() == NodeRole.ACTIVE ? 1 : 0, this::epoch);
        metrics.bindServices(this::serviceSamples);
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    /** Reads what the per-service meters show: the services of the active epoch, none while passive. */
    private java.util.List<NodeMetrics.ServiceSample> serviceSamples() {
        ServiceManager services = services();
        if (services == null) {
            return java.util.List.of();
        }
        return services.list().stream().map(s -> new NodeMetrics.ServiceSample(s.name(),
                s.state() == io.baton.server.service.ServiceState.RUNNING || s.state() == io.baton.server.service.ServiceState.WAITING,
                s.waiting().size(), s.restarts())).toList();
    }

    public String nodeId() { return config.nodeId(); }
    /**
     * Returns the node's role. An active node that is fenced, or past its renew deadline (for example
     * just after a pause), is reported as STOPPING until it has stepped down. So no caller sees two
     * active nodes in the moment before a woken node notices that it lost its lease.
     */
    public NodeRole role() {
        Active a = active.get();
        if (role == NodeRole.ACTIVE && (a == null || a.fenced().get() || !a.keeper().isValid())) {
            return NodeRole.STOPPING;
        }
        return role;
    }
    public DataDirectory data() { return data; }
    public String activeHolder() { return activeHolder; }
    public ClusterConfig cluster() { return cluster; }
    public String host() { return host; }
    public HolderMonitor holderMonitor() { return holderMonitor; }
    public AlertEngine alerts() { return alerts; }

    public long epoch() {
        Active a = active.get();
        return a == null ? 0 : a.epoch();
    }

    /** Returns the services of the active node, or null on a passive node. */
    public ServiceManager services() {
        Active a = active.get();
        return a == null ? null : a.services();
    }

    public Journal journal() {
        Active a = active.get();
        return a == null ? null : a.journal();
    }

    /**
     * Locks the program directory, kills leftover workers, starts the API and the role loop.
     *
     * @throws ProgramDirectoryInUseException when another daemon runs on this program directory
     * @throws NodeIdInUseException when a live node with the same node id is registered
     */
    public void start() throws IOException {
        MDC.put("node", config.nodeId());
        Files.createDirectories(home.resolve("run"));
        lockProgramDirectory();
        int leftovers = pidFiles.killLeftovers();
        if (leftovers > 0) {
            log.warn("Node {} killed {} worker(s) left by an earlier daemon", config.nodeId(), leftovers);
        }
        // Before the API and the registry writer, so that a rejected node leaves the live one's API file and entry alone.
        StaleRule staleRule = new StaleRule(NodeRegistry.staleAfter(cluster.renewInterval(), cluster.leaseDuration()), host);
        new NodeIdCheck(new NodeRegistry(data.nodes()), staleRule).requireUnused(config.nodeId(), host, home, Instant.now());
        api = ApiServer.start(this, home.resolve("run"), config.apiHost(), config.apiPort(), config.apiTls());
        log.info("Node {} started: data directory {}, API on {}://{}:{}, lease {} ms", config.nodeId(), data.root(), apiScheme(),
                config.apiHost(), api.port(), cluster.leaseDuration().toMillis());
        registryWriter = new RegistryWriter(new NodeRegistry(data.nodes()), config.nodeId(), this::registration,
                NodeRegistry.writeInterval(cluster.renewInterval()));
        registryWriter.start();
        holderMonitor.start(HolderMonitor.checkPeriod(cluster.leaseDuration()));
        diskSpace.start(cluster.alerts().diskCheckEvery());
        roleThread = Thread.ofPlatform().name("role").start(this::roleLoop);
    }

    /**
     * Holds an exclusive lock on {@code run/node.lock} for the daemon's lifetime: two daemons on one
     * program directory would share worker sockets, pid files and the API token. The channel is never
     * closed, because closing any channel to a file drops the JVM's lock on it.
     */
    private void lockProgramDirectory() throws IOException {
        Path lockFile = home.resolve("run/node.lock");
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            Path pidFile = home.resolve("run/daemon.pid");
            String owner = Files.exists(pidFile) ? Files.readString(pidFile).trim() : "unknown";
            throw new ProgramDirectoryInUseException("the program directory " + home + " is in use by another node daemon (pid "
                    + owner + "); each node needs a program directory of its own: copy bin/, lib/ and conf/ (not run/) and set BATON_HOME to the copy");
        }
        programLock = lock;
        Files.writeString(home.resolve("run/daemon.pid"), ProcessHandle.current().pid() + "\n");
    }

    public int apiPort() {
        return api.port();
    }

    /** Returns why the daemon stopped by itself, such as a journal it must not use, or null after an orderly stop. */
    public String fatalError() {
        return fatalError;
    }

    /** Blocks until the daemon has stopped. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private void roleLoop() {
        MDC.put("node", config.nodeId());
        LeaseFile leaseFile = new LeaseFile(data.leaseFile());
        EpochStore epochs = new EpochStore(data.epochs());
        LeaseWatcher watcher = new LeaseWatcher(leaseFile, config.nodeId(), host, cluster.leaseDuration(), cluster.pollInterval());
        int failures = 0;
        try {
            while (!shuttingDown) {
                try {
                    if (!serveOneTerm(leaseFile, epochs, watcher)) {
                        break;
                    }
                    failures = 0;
                } catch (IOException e) {
                    // The share may be unreachable for a while (permissions, a hung mount): stay passive and
                    // try again, because a role loop that ended would leave this node passive for good.
                    role = NodeRole.PASSIVE;
                    if (failures++ == 0) {
                        log.error("Node {} cannot read the lease or epochs in {}: {}; it stays passive and retries every {} ms",
                                config.nodeId(), data.state(), e.toString(), cluster.pollInterval().toMillis());
                    }
                    sleep(cluster.pollInterval());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits as passive until the lease is free (or a forced takeover is requested), takes the next epoch
     * if it wins it, and serves as the active node until that ends. Returns false when the node is
     * shutting down.
     */
    private boolean serveOneTerm(LeaseFile leaseFile, EpochStore epochs, LeaseWatcher watcher) throws IOException, InterruptedException {
        role = NodeRole.PASSIVE;
        updateHolder(leaseFile);
        Vacancy vacancy = watcher.awaitFree(epochs.highest() > 0, () -> !shuttingDown && forcedTakeover == null);
        ForcedTakeover.Request forced = forcedTakeover;
        if (vacancy == null && (forced == null || shuttingDown)) {
            return false;
        }

        Takeover takeover = forced != null ? forced.takeover() : takeoverFor(vacancy);
        long epoch = epochs.highest() + 1;
        EpochRecord claim = new EpochRecord(epoch, config.nodeId(), host, ProcessHandle.current().pid(), Instant.now().toString(),
                takeover.cause().text() + ": " + takeover.detail());
        if (!epochs.tryClaim(claim)) {
            log.info("Node {} lost the race for epoch {} to node {}", config.nodeId(), epoch, epochs.holder(epoch));
            finishForced(forced, "node " + epochs.holder(epoch) + " claimed epoch " + epoch + " first");
            return true;
        }

        Active a = becomeActive(epoch, leaseFile, epochs, takeover);
        finishForced(forced, a == null ? lastTakeoverFailure : null);
        if (a == null) {
            sleep(takeover.cause() == RoleChangeCause.SWITCHOVER ? cluster.pollInterval() : cluster.leaseDuration());
            return true;
        }
        a.ended().await();
        if (shuttingDown) {
            return false;
        }
        stepDown(a);
        return true;
    }

    private static Takeover takeoverFor(Vacancy vacancy) {
        return new Takeover(vacancy.cause(), vacancy.since(), vacancy.handoverEpoch(), null, null, vacancy.reason());
    }

    /** Completes a forced takeover request with its failure, or with success when {@code failure} is null. */
    private void finishForced(ForcedTakeover.Request forced, String failure) {
        if (forced == null) {
            return;
        }
        forcedTakeover = null;
        forced.complete(failure);
    }

    /** Raises the role-change alert; a fault in it is logged, because an alert must never stop the node from serving its role. */
    private void raiseBecameActive(RoleChangeCause cause, long epoch, String why, Journal journal) {
        try {
            nodeAlerts.becameActive(cause, epoch, why, previousHolder(journal, epoch));
        } catch (RuntimeException e) {
            log.error("Node {} epoch {}: the alert of becoming active failed; the node stays active: {}", config.nodeId(), epoch, e.toString(), e);
        }
    }

    /** Returns the node that held the epoch before {@code epoch}, as its role change recorded it, or null. */
    private String previousHolder(Journal journal, long epoch) {
        try {
            // A first start has no previous node, so the row is looked up first and its field read after.
            return journal.call(c -> RoleChanges.recent(c, 1)).stream().filter(r -> r.epoch() == epoch).findFirst()
                    .map(RoleChanges.RoleChange::previousNode).orElse(null);
        } catch (JournalException e) {
            log.warn("Node {} epoch {}: cannot read the previous holder for the role-change alert: {}", config.nodeId(), epoch, e.getMessage());
            return null;
        }
    }

    private Active becomeActive(long epoch, LeaseFile leaseFile, EpochStore epochs, Takeover takeover) {
        String why = takeover.detail();
        lastTakeoverFailure = null;
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<String> endReason = new AtomicReference<>();
        // Fencing stops publishing at once; an orderly stop does not, because it drains the publish queue.
        java.util.concurrent.atomic.AtomicBoolean fenced = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicReference<Active> self = new AtomicReference<>();
        LeaseKeeper keeper = new LeaseKeeper(leaseFile, config.nodeId(), epoch, host, cluster.renewInterval(), cluster.renewDeadline(),
                epochs, reason -> fence(self.get(), reason), Clock.systemUTC()).observeRenewals(nanos -> {
                    metrics.leaseRenewed(nanos);
                    nodeAlerts.renewed(nanos);
                });
        // On a first start the heartbeat comes first: the journal is created now, which on a loaded machine can
        // take longer than a lease. After an earlier holder it comes after the guard bump, so that a claim the
        // journal rejects (a holder hung inside a transaction) leaves the lease naming the real holder.
        boolean heartbeatFirst = takeover.cause() == RoleChangeCause.FIRST_START;
        if (heartbeatFirst && !startKeeper(keeper, epoch, leaseFile, null)) {
            return null;
        }

        Journal journal;
        try {
            long busyMillis = Math.min(1000, cluster.renewInterval().toMillis() / 2);
            journal = Journal.openAndTakeGuard(data.journalFile(), epoch, config.nodeId(), cluster.sameHost(), busyMillis,
                    deposed -> onDeposed(self.get(), deposed), takeover);
        } catch (JournalSchemaMismatchException e) {
            // Every node would fail the same way, so waiting as passive would only hide the fault.
            log.error("Node {} stops: {}", config.nodeId(), e.getMessage());
            lastTakeoverFailure = e.getMessage();
            keeper.stop(false);
            fatalError = e.getMessage();
            Thread.ofPlatform().name("fatal-stop").start(this::shutdown);
            return null;
        } catch (JournalSchemaException e) {
            log.error("Node {} will not become active: {}", config.nodeId(), e.getMessage());
            lastTakeoverFailure = e.getMessage();
            keeper.stop(false);
            return null;
        } catch (DeposedException | TakeoverRejectedException e) {
            log.warn("Node {} cannot take epoch {}: {}", config.nodeId(), epoch, e.getMessage());
            lastTakeoverFailure = e.getMessage();
            keeper.stop(false);
            return null;
        } catch (JournalException e) {
            log.error("Node {} cannot take epoch {}: {}", config.nodeId(), epoch, e.getMessage());
            // A holder that hung inside a journal transaction keeps SQLite's lock until its process ends.
            lastTakeoverFailure = e.getMessage().contains("SQLITE_BUSY")
                    ? "the journal is still locked by a process of the previous holder (it hung inside a journal"
                            + " transaction): stop every process of that node (kill -9, or power its host off), then run the"
                            + " command again; " + e.getMessage()
                    : e.getMessage();
            keeper.stop(false);
            return null;
        }
        if (!heartbeatFirst && !startKeeper(keeper, epoch, leaseFile, journal)) {
            return null;
        }
        if (!keeper.isValid()) {
            log.error("Node {} took epoch {} in the journal but its lease is no longer valid; stepping down", config.nodeId(), epoch);
            lastTakeoverFailure = "took epoch " + epoch + " but lost the lease while opening the journal";
            keeper.stop(false);
            journal.close();
            return null;
        }

        log.info("Node {} is active with epoch {} ({}: {})", config.nodeId(), epoch, takeover.cause().text(), why);
        // A forced takeover is done once the guard bump is committed; recovery and service starts follow.
        forcedEpoch = epoch;
        finishForced(takeover.cause() == RoleChangeCause.FORCED_TAKEOVER ? forcedTakeover : null, null);
        journal.observeCommits(metrics::journalCommitted);
        ActiveContext ctx = new ActiveContext(config.nodeId(), epoch, data, home, journal,
                () -> keeper.isValid() && !fenced.get(), Clock.systemDefaultZone(), metrics,
                new ServiceAlerts(alerts, config.nodeId(), Clock.systemUTC()));
        // A worker whose daemon falls silent exits before the lease could pass to another node.
        Duration idle = cluster.workerSilenceBound();
        ServiceManager services = new ServiceManager(ctx, pidFiles, idle, config.maxWorkers(), cluster.retention().versionsKeep());
        Housekeeping housekeeping = newHousekeeping(ctx, services);
        Active a = new Active(epoch, ctx, keeper, journal, services, new AtomicReference<>(housekeeping), ended, endReason, fenced,
                new java.util.concurrent.atomic.AtomicBoolean(), new AtomicReference<>(), new CountDownLatch(1));
        self.set(a);
        if (keeper.isFenced()) {
            // The keeper fenced before self was set, so its call found nothing to stop.
            fence(a, "lease lost while the node was becoming active");
            return a;
        }
        try {
            alerts.shareOpenAlerts(data.state().resolve("alerts.json"), epoch, config.nodeId(), () -> keeper.isValid() && !fenced.get());
            Recovery.run(ctx);
            services.load();
            // The API shows the node active only once its services are loaded.
            active.set(a);
            role = NodeRole.ACTIVE;
            activeHolder = config.nodeId();
            if (autoStart) {
                services.startAutomatic();
            } else {
                log.info("Node {} starts no service: automatic startup is off (--no-autostart)", config.nodeId());
            }
            housekeeping.start();
            raiseBecameActive(takeover.cause(), epoch, why, journal);
        } catch (IOException | JournalException e) {
            active.set(a);
            log.error("Node {} epoch {}: recovery or loading the services failed: {}", config.nodeId(), epoch, e.toString());
            endReason.compareAndSet(null, "recovery failed: " + e.getMessage());
            ended.countDown();
        }
        return a;
    }

    /** Writes the first heartbeat and starts renewing; on failure closes the journal, if open, and returns false. */
    private boolean startKeeper(LeaseKeeper keeper, long epoch, LeaseFile leaseFile, Journal journal) {
        try {
            keeper.start();
            return true;
        } catch (IOException e) {
            log.error("Node {} claimed epoch {} but cannot write the lease {}: {}; stepping down", config.nodeId(), epoch,
                    leaseFile.path(), e.toString());
            lastTakeoverFailure = "claimed epoch " + epoch + " but cannot write the lease " + leaseFile.path() + ": " + e;
            keeper.stop(false);
            if (journal != null) {
                journal.close();
            }
            return false;
        }
    }

    private Housekeeping newHousekeeping(ActiveContext ctx, ServiceManager services) {
        return new Housekeeping(ctx, cluster.retention(),
                () -> services.list().stream().map(ServiceRuntime::descriptor).filter(java.util.Objects::nonNull).toList());
    }

    /**
     * Hands this node's epoch over to {@code target}, or to the first passive node that sees the offer
     * when it is null; see {@link SwitchOver}. Returns once the target committed the newer epoch and this
     * node is passive, or once the switch-over failed and this node is active again.
     *
     * @throws IllegalArgumentException when {@code target} is this node or not a passive node with a fresh registry entry
     * @throws IllegalStateException when this node is not active or a switch-over is already running
     */
    public SwitchOverResult switchOver(String target, Duration timeout, OperatorActions.Actor requestedBy) {
        Active a = active.get();
        if (a == null || role != NodeRole.ACTIVE) {
            throw new IllegalStateException("node " + config.nodeId() + " is " + role + ", not ACTIVE");
        }
        if (config.nodeId().equals(target)) {
            throw new IllegalArgumentException("node " + target + " is already the active node; name a passive node with --to");
        }
        if (target != null) {
            StaleRule staleRule = new StaleRule(NodeRegistry.staleAfter(cluster.renewInterval(), cluster.leaseDuration()), host);
            new SwitchOverTarget(new NodeRegistry(data.nodes()), staleRule).requirePassive(target, Instant.now());
        }
        if (!switchOverRunning.compareAndSet(false, true)) {
            throw new IllegalStateException("a switch-over of node " + config.nodeId() + " is already in progress");
        }
        try {
            return new SwitchOver(config.nodeId(), a, this::switchOverRole, () -> restartHousekeeping(a)).run(target, timeout, requestedBy);
        } finally {
            switchOverRunning.set(false);
        }
    }

    /** Sets the role during a switch-over; the open alerts are written before the offer, so that the target loads the latest. */
    private void switchOverRole(NodeRole next) {
        if (next == NodeRole.HANDING_OVER) {
            alerts.flushShared();
        }
        role = next;
    }

    private void restartHousekeeping(Active a) {
        Housekeeping fresh = newHousekeeping(a.ctx(), a.services());
        a.housekeeping().set(fresh);
        fresh.start();
    }

    /**
     * Takes the next epoch from {@code holder} without waiting for its lease to expire, after an
     * operator confirmed that the holder is fenced; see {@link ForcedTakeover}. Returns the epoch taken.
     *
     * @throws ForcedTakeoverRefusedException when this node is not passive, {@code holder} is not the
     *     holder, its lease is still renewed, or the takeover failed
     */
    public long forceTakeover(String holder, String actor) {
        if (role != NodeRole.PASSIVE) {
            throw new ForcedTakeoverRefusedException("node " + config.nodeId() + " is " + role
                    + "; a forced takeover runs on a passive node");
        }
        ForcedTakeover check = new ForcedTakeover(new LeaseFile(data.leaseFile()), config.nodeId(), host,
                cluster.renewInterval().multipliedBy(2).plus(cluster.pollInterval()));
        ForcedTakeover.Request request = check.request(holder, actor);
        synchronized (this) {
            if (forcedTakeover != null) {
                throw new ForcedTakeoverRefusedException("a forced takeover on node " + config.nodeId() + " is already in progress");
            }
            forcedTakeover = request;
        }
        log.warn("Node {}: forced takeover from node {} requested by {}; the operator confirmed that node {} is fenced",
                config.nodeId(), holder, actor, holder);
        request.await(Duration.ofSeconds(60));
        return forcedEpoch;
    }

    /** Called by the lease watchdog: kill everything at once, no I/O on the data directory. */
    private void fence(Active a, String reason) {
        if (a == null || !a.fenced().compareAndSet(false, true)) {
            return;
        }
        a.endReason().compareAndSet(null, reason);
        // Nothing here interrupts a thread: interrupting one that is blocked in file-channel I/O waits for
        // that I/O, which on a hung share would keep the workers alive. stepDown stops the threads later.
        a.housekeeping().get().stopScheduling();
        a.services().fenceAll();
        a.journal().abandon();
        alerts.stopSharing();
        log.error("Node {} fenced itself in epoch {}: {}; all workers killed, nothing more is published", config.nodeId(), a.epoch(), reason);
        a.ended().countDown();
    }

    private void onDeposed(Active a, DeposedException e) {
        if (a != null && a.handoverOffered().get()) {
            handedOver(a, e);
            return;
        }
        fence(a, e.getMessage());
    }

    /** Ends the epoch after a switch-over: the services are already stopped and the publish queue drained. */
    private void handedOver(Active a, DeposedException e) {
        if (!a.fenced().compareAndSet(false, true)) {
            return;
        }
        a.deposedBy().set(e);
        a.endReason().compareAndSet(null, "handed epoch " + a.epoch() + " over to node " + e.guardNode() + " (epoch " + e.guardEpoch() + ")");
        a.services().fenceAll();
        a.journal().abandon();
        alerts.stopSharing();
        a.ended().countDown();
    }

    private void stepDown(Active a) {
        active.set(null);
        role = NodeRole.PASSIVE;
        alerts.stopSharing();
        if (a.deposedBy().get() != null && a.handoverOffered().get()) {
            log.info("Node {} {} and is passive", config.nodeId(), a.endReason().get());
        } else {
            log.warn("Node {} stepped down from epoch {} and is passive: {}", config.nodeId(), a.epoch(), a.endReason().get());
            if (a.fenced().get()) {
                nodeAlerts.leaseLost(a.epoch(), a.endReason().get());
            }
        }

        // These interrupt threads that may be blocked on a hung share, so they can wait as long as the hang.
        a.housekeeping().get().stop();
        a.services().stopThreads();
        a.keeper().stop(false);
        a.steppedDown().countDown();
    }

    /**
     * Orderly stop (SIGTERM, {@code baton node stop}): no new runs, every service stopped at a commit
     * point within its grace period, every worker confirmed exited, the journal's queue committed, and
     * the lease released so that a passive node may take over at once.
     */
    public void shutdown() {
        if (shuttingDown) {
            awaitQuietly();
            return;
        }
        shuttingDown = true;
        role = NodeRole.STOPPING;
        log.info("Node {} is stopping", config.nodeId());
        Active a = active.getAndSet(null);
        if (a != null && a.endReason().compareAndSet(null, "node stopping")) {
            a.housekeeping().get().stopAndWait(Duration.ofSeconds(5));
            a.services().stopAll();
            a.journal().close();
            alerts.flushShared();
            alerts.stopSharing();
            a.keeper().stop(true);
            a.ended().countDown();
            log.info("Node {} released epoch {}", config.nodeId(), a.epoch());
        }
        if (roleThread != null) {
            roleThread.interrupt();
            try {
                roleThread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        holderMonitor.stop();
        diskSpace.stop();
        alerts.stop();
        if (registryWriter != null) {
            registryWriter.stop(Duration.ofSeconds(2));
        }
        if (api != null) {
            api.stop();
        }
        log.info("Node {} stopped", config.nodeId());
        stopped.countDown();
    }

    private void awaitQuietly() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void updateHolder(LeaseFile leaseFile) {
        try {
            var lease = leaseFile.read();
            activeHolder = lease == null ? "" : lease.nodeId();
        } catch (IOException e) {
            activeHolder = "";
        }
    }

    /** Builds this node's registry entry. Only the registry thread calls it, so a hung read of the lease blocks that thread alone. */
    private NodeRegistration registration() {
        NodeRole now = role;
        long epoch = now == NodeRole.ACTIVE ? epoch() : epochInLease();
        String apiHost = config.apiHost().equals("0.0.0.0") || config.apiHost().equals("::") ? host : config.apiHost();
        String apiUrl = apiScheme() + "://" + (apiHost.contains(":") ? "[" + apiHost + "]" : apiHost) + ":" + api.port();
        return new NodeRegistration(config.nodeId(), host, ProcessHandle.current().pid(), home.toString(), BatonVersion.get(), apiUrl,
                now.name(), epoch, startedAt.toString(), Instant.now().toString());
    }

    private String apiScheme() {
        return config.apiTls() == null ? "http" : "https";
    }

    private long epochInLease() {
        try {
            var lease = new LeaseFile(data.leaseFile()).read();
            return lease == null ? 0 : lease.epoch();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
