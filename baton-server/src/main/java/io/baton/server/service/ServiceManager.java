package io.baton.server.service;

import io.baton.core.config.ConfigException;
import io.baton.core.config.DescriptorParser;
import io.baton.core.config.ServiceDescriptor;
import io.baton.server.worker.PidFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services of the active node for one epoch: loads the repository, deploys and undeploys, and
 * starts, stops and kills services. A descriptor that fails validation leaves its service INVALID
 * with the reason, so that nothing runs as a silent no-op; other services are unaffected.
 */
public final class ServiceManager {

    private static final Logger log = LoggerFactory.getLogger(ServiceManager.class);

    private final ActiveContext ctx;
    private final PidFiles pidFiles;
    private final Duration workerIdleTimeout;
    private final DescriptorParser parser;
    private final WorkerSlots slots;
    private final Map<String, ServiceRuntime> services = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler =
            Executors.newScheduledThreadPool(1, r -> Thread.ofPlatform().name("schedules").daemon().unstarted(r));

    /** @param maxWorkers the most workers this node runs at once, or {@link io.baton.core.config.NodeConfig#NO_WORKER_CAP} */
    public ServiceManager(ActiveContext ctx, PidFiles pidFiles, Duration workerIdleTimeout, int maxWorkers) {
        this.ctx = ctx;
        this.slots = new WorkerSlots(maxWorkers);
        this.pidFiles = pidFiles;
        this.workerIdleTimeout = workerIdleTimeout;
        this.parser = new DescriptorParser(ctx.data().root());
    }

    /** Loads every service folder of the repository. */
    public void load() throws IOException {
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(ctx.data().services(), Files::isDirectory)) {
            for (Path folder : folders) {
                String name = folder.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                Loaded loaded = read(folder.resolve("service.yaml"));
                if (loaded.descriptor() != null && !loaded.descriptor().name().equals(name)) {
                    loaded = new Loaded(null, folder.resolve("service.yaml") + ": field 'name' is '" + loaded.descriptor().name()
                            + "', but the service's folder is " + folder + "; deploy the service again with 'baton deploy', which"
                            + " stores it under its name, and remove this folder");
                }
                services.put(name, new ServiceRuntime(name, loaded.descriptor(), loaded.error(), ctx, pidFiles, slots, scheduler, workerIdleTimeout));
                if (loaded.error() != null) {
                    log.error("Service {} has an invalid descriptor and cannot start: {}", name, loaded.error());
                }
            }
        }
        for (ServiceRuntime s : services.values()) {
            List<io.baton.core.journal.Runs.RunRecord> last = ctx.journal().call(c -> io.baton.core.journal.Runs.ofService(c, s.name(), 1));
            if (!last.isEmpty()) {
                s.rememberLastRun(last.get(0));
            }
        }
        log.info("Loaded {} service(s) from {}", services.size(), ctx.data().services());
    }

    private record Loaded(ServiceDescriptor descriptor, String error) {
    }

    private Loaded read(Path file) {
        try {
            ServiceDescriptor d = parser.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
            return new Loaded(d, null);
        } catch (ConfigException e) {
            return new Loaded(null, e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            return new Loaded(null, "service.yaml is missing in " + file.getParent() + "; deploy the service again or remove the folder");
        } catch (IOException e) {
            return new Loaded(null, "cannot read " + file + ": " + e);
        }
    }

    /**
     * Returns a description of the first target that another deployed service also writes with the
     * same name template, or null. Two services publishing the same names into one folder would block
     * each other's outputs, because Baton never replaces a file.
     */
    private String targetClash(ServiceDescriptor d) {
        for (ServiceRuntime other : services.values()) {
            ServiceDescriptor o = other.descriptor();
            if (o == null || o.name().equals(d.name())) {
                continue;
            }
            for (ServiceDescriptor.TargetSpec mine : d.targets()) {
                for (ServiceDescriptor.TargetSpec theirs : o.targets()) {
                    if (targetFolder(mine).equals(targetFolder(theirs)) && mine.nameTemplate().equals(theirs.nameTemplate())) {
                        return targetFolder(mine) + " with name " + mine.nameTemplate() + ", also written by service " + o.name();
                    }
                }
            }
        }
        return null;
    }

    private static String targetFolder(ServiceDescriptor.TargetSpec t) {
        return t.remote() != null ? remoteFolder(t.remote()) : t.path().toString();
    }

    /**
     * Returns a description of the first source folder that another deployed service also reads, or
     * null. Folders overlap when they are equal, or when one lies inside a recursive other.
     */
    private String sourceClash(ServiceDescriptor d) {
        if (d.source().remote() != null) {
            return remoteSourceClash(d);
        }
        java.nio.file.Path mine = realish(d.source().path());
        for (ServiceRuntime other : services.values()) {
            ServiceDescriptor o = other.descriptor();
            if (o == null || o.name().equals(d.name()) || o.source().remote() != null) {
                continue;
            }
            java.nio.file.Path theirs = realish(o.source().path());
            boolean overlap = mine.equals(theirs) || (o.source().recursive() && mine.startsWith(theirs))
                    || (d.source().recursive() && theirs.startsWith(mine));
            if (overlap) {
                return d.source().path() + ", also read by service " + o.name() + " from " + o.source().path();
            }
        }
        return null;
    }

    /** Returns a description of another service that reads the same remote folder on the same server, or null. */
    private String remoteSourceClash(ServiceDescriptor d) {
        String mine = remoteFolder(d.source().remote());
        for (ServiceRuntime other : services.values()) {
            ServiceDescriptor o = other.descriptor();
            if (o != null && !o.name().equals(d.name()) && o.source().remote() != null && remoteFolder(o.source().remote()).equals(mine)) {
                return mine + ", also read by service " + o.name();
            }
        }
        return null;
    }

    private static String remoteFolder(io.baton.core.config.RemoteSpec r) {
        return r.server() + (r.folder().endsWith("/") ? r.folder() : r.folder() + "/");
    }

    private static java.nio.file.Path realish(java.nio.file.Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /**
     * Starts every valid service whose descriptor sets {@code autoStart: true}, in the order of their
     * names, so that with fewer worker slots than such services the same ones start first every time.
     */
    public void startAutomatic() {
        for (ServiceRuntime s : list()) {
            if (s.state() == ServiceState.INVALID) {
                log.error("Service {} is not started: its descriptor is invalid: {}", s.name(), s.reason());
            } else if (s.descriptor().autoStart()) {
                s.start();
            }
        }
    }

    public List<ServiceRuntime> list() {
        List<ServiceRuntime> out = new ArrayList<>(services.values());
        out.sort(java.util.Comparator.comparing(ServiceRuntime::name));
        return out;
    }

    /** The node's worker cap and the services that hold or wait for a worker slot. */
    public WorkerSlots.Usage workerSlots() {
        return slots.usage();
    }

    public ServiceRuntime get(String name) {
        return services.get(name);
    }

    /** Returns the operator actions (retry, release, reprocess) on the work items of these services. */
    public WorkItemActions itemActions() {
        return new WorkItemActions(ctx, this);
    }

    /**
     * Validates and stores a descriptor with its jars as the service's new version. A running service
     * is stopped at a commit point and started again with the new version. An invalid descriptor is
     * rejected and changes nothing.
     *
     * @param jars file names mapped to Base64-encoded jar contents
     * @throws ConfigException when the descriptor is invalid
     */
    public synchronized ServiceRuntime deploy(String fileName, String yaml, Map<String, String> jars) throws IOException {
        ServiceDescriptor d = parser.parse(fileName, yaml);
        RemoteChecks.check(fileName, d);
        String clash = targetClash(d);
        if (clash != null) {
            throw new ConfigException(fileName, "targets", clash, "a target folder or name template that no other service uses");
        }
        String shared = sourceClash(d);
        if (shared != null) {
            throw new ConfigException(fileName, "source.path", shared, "a source folder no other service reads: two services on one"
                    + " folder race for its files, and one of them silently gets none; give each service a folder of its own");
        }
        for (String jar : jars.keySet()) {
            if (!jar.matches("[A-Za-z0-9._+-]+\\.jar")) {
                throw new ConfigException(fileName, "jars", jar, "jar file names of letters, digits, '.', '_', '+' and '-' ending in .jar");
            }
        }
        Path folder = ctx.data().service(d.name());
        Path staging = ctx.data().services().resolve(".deploy-" + d.name());
        deleteTree(staging);
        Files.createDirectories(staging.resolve("lib"));
        Files.writeString(staging.resolve("service.yaml"), yaml, StandardCharsets.UTF_8);
        for (var e : jars.entrySet()) {
            Files.write(staging.resolve("lib").resolve(e.getKey()), Base64.getDecoder().decode(e.getValue()));
        }

        ServiceRuntime existing = services.get(d.name());
        boolean wasRunning = existing != null
                && (existing.state() == ServiceState.RUNNING || existing.state() == ServiceState.WAITING);
        if (existing != null) {
            existing.stop();
        }
        Path old = ctx.data().services().resolve(".old-" + d.name());
        deleteTree(old);
        if (Files.exists(folder)) {
            Files.move(folder, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);

        ServiceRuntime runtime;
        if (existing != null) {
            existing.replaceDescriptor(d, null);
            runtime = existing;
        } else {
            runtime = new ServiceRuntime(d.name(), d, null, ctx, pidFiles, slots, scheduler, workerIdleTimeout);
            services.put(d.name(), runtime);
        }
        log.info("Deployed service {} from {} ({} jar(s))", d.name(), fileName, jars.size());
        if (wasRunning) {
            runtime.start();
        }
        return runtime;
    }

    /** Stops a service and removes it from the repository. Its journal history stays. */
    public synchronized boolean undeploy(String name) throws IOException {
        ServiceRuntime s = services.get(name);
        if (s == null) {
            return false;
        }
        s.stop();
        s.shutdownThreads();
        services.remove(name);
        deleteTree(ctx.data().service(name));
        log.info("Undeployed service {}", name);
        return true;
    }

    /** Stops every service at a commit point, each within its grace period, in parallel. */
    public void stopAll() {
        slots.close();
        List<Thread> stops = new ArrayList<>();
        for (ServiceRuntime s : services.values()) {
            stops.add(Thread.ofPlatform().name("stop-" + s.name()).start(s::stop));
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        shutdown();
    }

    /**
     * The services a switch-over stopped, and the workers that were still alive afterwards.
     *
     * @param wereRunning services that were running or waiting for a worker slot, to start again if the switch-over fails
     * @param aliveWorkers pids of workers that had not exited; a switch-over must not continue while any is listed
     */
    public record HandoverStop(List<String> wereRunning, List<Long> aliveWorkers) {
    }

    /**
     * Stops every service at a commit point for a switch-over, in parallel. A service that has not
     * stopped after {@code timeout} is killed, which abandons its work item. Unlike {@link #stopAll()},
     * the manager stays usable, so that {@link #restart} can start the services again in this epoch.
     */
    public HandoverStop stopForHandover(Duration timeout) {
        List<String> wereRunning = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        List<Thread> stops = new ArrayList<>();
        List<ServiceRuntime> all = list();
        for (ServiceRuntime s : all) {
            if (s.state() == ServiceState.RUNNING || s.state() == ServiceState.WAITING || s.state() == ServiceState.STARTING) {
                wereRunning.add(s.name());
            }
            Long pid = s.workerPid();
            if (pid != null) {
                pids.add(pid);
            }
            stops.add(Thread.ofPlatform().name("handover-stop-" + s.name()).start(s::stop));
        }

        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < stops.size(); i++) {
            long leftMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            join(stops.get(i), leftMillis);
            if (stops.get(i).isAlive()) {
                log.warn("Service {} did not stop within the switch-over timeout of {} ms; killing its worker and abandoning its work item",
                        all.get(i).name(), timeout.toMillis());
                all.get(i).kill();
            }
        }
        for (Thread t : stops) {
            join(t, 0);
        }

        List<Long> alive = pids.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).toList();
        return new HandoverStop(wereRunning, alive);
    }

    /** Starts the named services again, after a switch-over that did not complete. */
    public void restart(List<String> names) {
        for (String name : names) {
            ServiceRuntime s = services.get(name);
            if (s == null) {
                continue;
            }
            String error = s.start();
            if (error != null) {
                log.error("Service {} could not be started again after the switch-over failed: {}", name, error);
            }
        }
    }

    private static void join(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills every worker at once, touching nothing on the data directory: the node is fenced or deposed. */
    public void fenceAll() {
        slots.close();
        for (ServiceRuntime s : services.values()) {
            s.fence();
        }
    }

    /**
     * Stops the scheduler and run threads of a fenced node. It interrupts them, and interrupting a
     * thread blocked in file-channel I/O waits until that I/O returns, which on a hung share may take
     * as long as the hang. So it is kept out of {@link #fenceAll}, which must never wait for storage.
     */
    public void stopThreads() {
        shutdown();
    }

    private void shutdown() {
        scheduler.shutdownNow();
        for (ServiceRuntime s : services.values()) {
            s.shutdownThreads();
        }
    }

    static void deleteTree(Path root) {
        CommittedWork.deleteTree(root);
    }
}
