package io.baton.server.node;

import io.baton.core.DataDirectory;
import io.baton.core.config.ClusterConfig;
import io.baton.core.config.NodeConfig;
import io.baton.core.journal.DeposedException;
import io.baton.core.journal.Journal;
import io.baton.core.journal.JournalException;
import io.baton.core.journal.JournalSchemaException;
import io.baton.core.lease.EpochStore;
import io.baton.core.lease.LeaseFile;
import io.baton.core.lease.LeaseKeeper;
import io.baton.core.lease.LeaseWatcher;
import io.baton.server.api.ApiServer;
import io.baton.server.housekeeping.Housekeeping;
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
 * guard in the journal (the takeover); write the first heartbeat; then recovery, then services. Nothing
 * else in the data directory is written before the guard bump, and a passive node writes nothing
 * there at all except its own log.
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
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Active> active = new AtomicReference<>();
    private volatile NodeRole role = NodeRole.STARTING;
    private volatile boolean shuttingDown;
    private volatile String activeHolder = "";
    private ApiServer api;
    private Thread roleThread;
    @SuppressWarnings("unused") // held only to keep the program directory locked
    private java.nio.channels.FileLock programLock;

    /** Everything that exists only while this node is active in one epoch. */
    private record Active(long epoch, LeaseKeeper keeper, Journal journal, ServiceManager services, Housekeeping housekeeping,
            CountDownLatch ended, AtomicReference<String> endReason, java.util.concurrent.atomic.AtomicBoolean fenced) {
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
     */
    public void start() throws IOException {
        MDC.put("node", config.nodeId());
        Files.createDirectories(home.resolve("run"));
        lockProgramDirectory();
        int leftovers = pidFiles.killLeftovers();
        if (leftovers > 0) {
            log.warn("Node {} killed {} worker(s) left by an earlier daemon", config.nodeId(), leftovers);
        }
        api = ApiServer.start(this, home.resolve("run"), config.apiHost(), config.apiPort());
        log.info("Node {} started: data directory {}, API on http://{}:{}, lease {} ms", config.nodeId(), data.root(),
                config.apiHost(), api.port(), cluster.leaseDuration().toMillis());
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
     * Waits as passive until the lease is free, takes the next epoch if it wins it, and serves as the
     * active node until that ends. Returns false when the node is shutting down.
     */
    private boolean serveOneTerm(LeaseFile leaseFile, EpochStore epochs, LeaseWatcher watcher) throws IOException, InterruptedException {
        role = NodeRole.PASSIVE;
        updateHolder(leaseFile);
        String why = watcher.awaitFree(epochs.highest() > 0, () -> !shuttingDown);
        if (why == null) {
            return false;
        }

        long epoch = epochs.highest() + 1;
        if (!epochs.tryClaim(epoch, config.nodeId())) {
            log.info("Node {} lost the race for epoch {} to node {}", config.nodeId(), epoch, epochs.holder(epoch));
            return true;
        }

        Active a = becomeActive(epoch, leaseFile, epochs, why);
        if (a == null) {
            sleep(cluster.leaseDuration());
            return true;
        }
        a.ended().await();
        if (shuttingDown) {
            return false;
        }
        stepDown(a);
        return true;
    }

    private Active becomeActive(long epoch, LeaseFile leaseFile, EpochStore epochs, String why) {
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<String> endReason = new AtomicReference<>();
        // Fencing stops publishing at once; an orderly stop does not, because it drains the publish queue.
        java.util.concurrent.atomic.AtomicBoolean fenced = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicReference<Active> self = new AtomicReference<>();
        LeaseKeeper keeper = new LeaseKeeper(leaseFile, config.nodeId(), epoch, host, cluster.renewInterval(), cluster.renewDeadline(),
                epochs, reason -> fence(self.get(), reason), Clock.systemUTC());
        Journal journal;
        try {
            long busyMillis = Math.min(1000, cluster.renewInterval().toMillis() / 2);
            journal = Journal.openAndTakeGuard(data.journalFile(), epoch, config.nodeId(), cluster.sameHost(), busyMillis,
                    deposed -> onDeposed(self.get(), deposed));
        } catch (JournalSchemaException e) {
            log.error("Node {} will not become active: {}", config.nodeId(), e.getMessage());
            return null;
        } catch (DeposedException e) {
            log.warn("Node {} cannot take epoch {}: {}", config.nodeId(), epoch, e.getMessage());
            return null;
        } catch (JournalException e) {
            log.error("Node {} cannot take epoch {}: {}", config.nodeId(), epoch, e.getMessage());
            return null;
        }
        try {
            keeper.start();
        } catch (IOException e) {
            log.error("Node {} took epoch {} but cannot write the lease {}: {}; stepping down", config.nodeId(), epoch,
                    leaseFile.path(), e.toString());
            journal.close();
            return null;
        }

        log.info("Node {} is active with epoch {} ({})", config.nodeId(), epoch, why);
        ActiveContext ctx = new ActiveContext(config.nodeId(), epoch, data, home, journal,
                () -> keeper.isValid() && !fenced.get(), Clock.systemDefaultZone());
        // A worker whose daemon falls silent exits before the lease could pass to another node. The
        // daemon pings every 250 ms, so the bound leaves room for a few missed pings on a loaded machine.
        Duration idle = Duration.ofMillis(Math.max(750, cluster.renewDeadline().toMillis() - 500));
        ServiceManager services = new ServiceManager(ctx, pidFiles, idle, config.maxWorkers());
        Housekeeping housekeeping = new Housekeeping(ctx, cluster.retention(),
                () -> services.list().stream().map(ServiceRuntime::descriptor).filter(java.util.Objects::nonNull).toList());
        Active a = new Active(epoch, keeper, journal, services, housekeeping, ended, endReason, fenced);
        self.set(a);
        if (keeper.isFenced()) {
            // The keeper fenced before self was set, so its call found nothing to stop.
            fence(a, "lease lost while the node was becoming active");
            return a;
        }
        try {
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
        } catch (IOException | JournalException e) {
            active.set(a);
            log.error("Node {} epoch {}: recovery or loading the services failed: {}", config.nodeId(), epoch, e.toString());
            endReason.compareAndSet(null, "recovery failed: " + e.getMessage());
            ended.countDown();
        }
        return a;
    }

    /** Called by the lease watchdog: kill everything at once, no I/O on the data directory. */
    private void fence(Active a, String reason) {
        if (a == null || !a.fenced().compareAndSet(false, true)) {
            return;
        }
        a.endReason().compareAndSet(null, reason);
        // Nothing here interrupts a thread: interrupting one that is blocked in file-channel I/O waits for
        // that I/O, which on a hung share would keep the workers alive. stepDown stops the threads later.
        a.housekeeping().stopScheduling();
        a.services().fenceAll();
        a.journal().abandon();
        log.error("Node {} fenced itself in epoch {}: {}; all workers killed, nothing more is published", config.nodeId(), a.epoch(), reason);
        a.ended().countDown();
    }

    private void onDeposed(Active a, DeposedException e) {
        fence(a, e.getMessage());
    }

    private void stepDown(Active a) {
        role = NodeRole.PASSIVE;
        active.set(null);
        log.warn("Node {} stepped down from epoch {} and is passive: {}", config.nodeId(), a.epoch(), a.endReason().get());

        // These interrupt threads that may be blocked on a hung share, so they can wait as long as the hang.
        a.housekeeping().stop();
        a.services().stopThreads();
        a.keeper().stop(false);
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
            a.housekeeping().stopAndWait(Duration.ofSeconds(5));
            a.services().stopAll();
            a.journal().close();
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
