package io.baton.server.service;

import io.baton.core.config.ConfigException;
import io.baton.core.config.DescriptorParser;
import io.baton.core.config.ServiceDescriptor;
import io.baton.core.journal.OperatorActions.Actor;
import io.baton.server.worker.PidFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    private final VersionStore versions;
    private final ServiceFolderSwap swap;
    private final int versionsKept;
    private final Map<String, ServiceRuntime> services = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler =
            Executors.newScheduledThreadPool(1, r -> Thread.ofPlatform().name("schedules").daemon().unstarted(r));

    /**
     * @param maxWorkers the most workers this node runs at once, or {@link io.baton.core.config.NodeConfig#NO_WORKER_CAP}
     * @param versionsKept the most versions kept per service, the current one included
     */
    public ServiceManager(ActiveContext ctx, PidFiles pidFiles, Duration workerIdleTimeout, int maxWorkers, int versionsKept) {
        this.ctx = ctx;
        this.slots = new WorkerSlots(maxWorkers);
        this.versions = new VersionStore(ctx.data().services());
        this.swap = new ServiceFolderSwap(ctx.data().services());
        this.versionsKept = versionsKept;
        this.pidFiles = pidFiles;
        this.workerIdleTimeout = workerIdleTimeout;
        this.parser = new DescriptorParser(ctx.data().root());
    }

    /**
     * Loads every service folder of the repository, after undoing what a crashed deploy left behind.
     * A folder deployed before versions were kept becomes version 1 of its service.
     */
    public void load() throws IOException {
        swap.recover();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(ctx.data().services(), Files::isDirectory)) {
            for (Path folder : folders) {
                String name = folder.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                reconcileVersions(name, folder);
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
     * Starts every valid service whose settings, or else its descriptor, set {@code autoStart: true}, in the order of their
     * names, so that with fewer worker slots than such services the same ones start first every time.
     */
    public void startAutomatic() {
        for (ServiceRuntime s : list()) {
            if (s.state() == ServiceState.INVALID) {
                log.error("Service {} is not started: its descriptor is invalid: {}", s.name(), s.reason());
            } else if (s.automaticStart()) {
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

    /** The per-service settings and cluster-wide variables in the data directory. */
    public io.baton.core.settings.SettingsStore settings() {
        return new io.baton.core.settings.SettingsStore(ctx.data().settings());
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
    public synchronized Deployed deploy(String fileName, String yaml, Map<String, String> jars, Actor caller) throws IOException {
        Map<String, byte[]> decoded = new TreeMap<>();
        for (var e : jars.entrySet()) {
            checkJarName(fileName, e.getKey());
            decoded.put(e.getKey(), Base64.getDecoder().decode(e.getValue()));
        }
        return install(fileName, ServiceContent.of(yaml, decoded), caller, null);
    }

    /**
     * Deploys the version that a service archive contains, as the service's new version.
     *
     * @throws InvalidArchiveException when the archive is damaged, foreign or changed after its export
     * @throws ConfigException when its descriptor is invalid here
     */
    public synchronized Deployed deployArchive(byte[] archive, Actor caller) throws IOException {
        ServiceArchive.Contents contents = ServiceArchive.read(archive);
        String fileName = "service.yaml in the archive of service " + contents.manifest().service() + " version "
                + contents.manifest().version();
        ServiceDescriptor d = parser.parse(fileName, contents.content().descriptor());
        if (!d.name().equals(contents.manifest().service())) {
            throw new InvalidArchiveException(VersionStore.DESCRIPTOR, "service.yaml names service '" + d.name() + "', but "
                    + ServiceArchive.MANIFEST + " names '" + contents.manifest().service() + "': the archive was changed after the"
                    + " export; export the service again with 'baton export'");
        }
        for (String jar : contents.content().jars().keySet()) {
            checkJarName(fileName, jar);
        }
        Deployed deployed = install(fileName, contents.content(), caller, null);
        if (contents.settings() == null) {
            return deployed;
        }
        List<String> toSet = contents.settings().addMissing(d.name(), settings());
        if (!toSet.isEmpty()) {
            log.warn("Service {} version {} was deployed from an archive with {} secret(s) that are not set on this cluster;"
                    + " it cannot start until they are: {}", d.name(), deployed.version().version(), toSet.size(), toSet);
        }
        return new Deployed(deployed.runtime(), deployed.version(), toSet);
    }

    /**
     * Deploys a kept version again as a new version, so that the history only grows. Without a
     * version, the one before the current version is taken.
     *
     * @throws VersionNotFoundException when the service has no such version
     */
    public synchronized Deployed rollback(String name, Integer version, Actor caller) throws IOException {
        List<Integer> kept = versions.list(name).stream().map(ServiceVersion::version).toList();
        Integer current = currentVersion(name);
        int target;
        if (version != null) {
            if (!kept.contains(version)) {
                throw new VersionNotFoundException(name, "version " + version, kept);
            }
            target = version;
        } else {
            target = kept.stream().filter(n -> current == null || n < current).reduce((a, b) -> b)
                    .orElseThrow(() -> new VersionNotFoundException(name, "version before the current version " + current, kept));
        }
        log.info("Rolling back service {} to version {} (requested by {} from {})", name, target, caller.name(), caller.remoteAddress());
        return install("service.yaml of version " + target + " of service " + name, versions.read(name, target), caller, target);
    }

    /** The kept versions of a service, oldest first, and the number of the current one (null when none is deployed). */
    public record VersionList(String service, Integer current, List<ServiceVersion> versions) {
    }

    /** Returns the kept versions of a service; an empty list for a name that was never deployed. */
    public VersionList versions(String name) throws IOException {
        return new VersionList(name, currentVersion(name), versions.list(name));
    }

    /**
     * Writes a kept version as a service archive; without a version, the current one.
     *
     * @throws VersionNotFoundException when the service has no such version
     */
    public byte[] export(String name, Integer version) throws IOException {
        List<Integer> kept = versions.list(name).stream().map(ServiceVersion::version).toList();
        Integer number = version != null ? version : currentVersion(name);
        if (number == null || !kept.contains(number)) {
            throw new VersionNotFoundException(name, number == null ? "current version" : "version " + number, kept);
        }
        ServiceContent content = versions.read(name, number);
        return ServiceArchive.write(versions.find(name, number), content, exportedSettings(name, content));
    }

    /** Returns the service's settings for an archive, masked; null when it has none and its properties use no variable. */
    private ArchivedSettings exportedSettings(String name, ServiceContent content) throws IOException {
        ServiceDescriptor d;
        try {
            d = parser.parse("service.yaml of service " + name, content.descriptor());
        } catch (ConfigException e) {
            // A kept version that no longer validates here is still exported; only its settings are left out.
            log.warn("Service {}: the exported version's descriptor is invalid here, so its settings are not exported: {}", name, e.getMessage());
            return null;
        }
        ArchivedSettings archived = ArchivedSettings.of(d, settings().service(name), settings().variables());
        boolean empty = archived.properties().isEmpty() && archived.variables().isEmpty() && archived.autoStart() == null
                && archived.autoRestart() == null;
        return empty ? null : archived;
    }

    /**
     * A deployed service and the version the deploy created.
     *
     * @param secretsToSet commands that set the secrets an archive brought as required but not set on this cluster
     */
    public record Deployed(ServiceRuntime runtime, ServiceVersion version, List<String> secretsToSet) {

        public Deployed(ServiceRuntime runtime, ServiceVersion version) {
            this(runtime, version, List.of());
        }
    }

    private static void checkJarName(String fileName, String jar) {
        if (!jar.matches(ServiceContent.JAR_NAME)) {
            throw new ConfigException(fileName, "jars", jar, "jar file names of letters, digits, '.', '_', '+' and '-' ending in .jar");
        }
    }

    /**
     * Validates content, stores it as a new version and makes that version current. A deploy that fails
     * before the swap leaves the old version current and running; see {@link ServiceFolderSwap} for a crash.
     */
    private Deployed install(String fileName, ServiceContent content, Actor caller, Integer rollbackOf) throws IOException {
        ServiceDescriptor d = parser.parse(fileName, content.descriptor());
        RemoteChecks.check(fileName, d);
        String clash = targetClash(d);
        if (clash != null) {
            throw new ConfigException(fileName, "targets", clash, "a target folder or name template that no other service uses");
        }
        String shared = sourceClash(d);
        if (shared != null) {
            throw new ConfigException(fileName, d.source().remote() != null ? "source.uri" : "source.path", shared,
                    "a source folder no other service reads: two services on one"
                    + " folder race for its files, and one of them silently gets none; give each service a folder of its own");
        }

        ServiceVersion version = versions.add(d.name(), content, caller, rollbackOf, ctx.clock().instant());
        ServiceRuntime existing = services.get(d.name());
        boolean wasRunning = existing != null
                && (existing.state() == ServiceState.RUNNING || existing.state() == ServiceState.WAITING);
        if (existing != null) {
            existing.stop();
        }
        try {
            swap.install(d.name(), versions.folder(d.name(), version.version()));
        } catch (IOException e) {
            log.error("Deploy of version {} of service {} failed while replacing {}; the earlier version stays current: {}",
                    version.version(), d.name(), ctx.data().service(d.name()), e.toString());
            versions.removeNewerThan(d.name(), version.version() - 1);
            if (wasRunning) {
                existing.start();
            }
            throw e;
        }

        ServiceRuntime runtime;
        if (existing != null) {
            existing.replaceDescriptor(d, null);
            runtime = existing;
        } else {
            runtime = new ServiceRuntime(d.name(), d, null, ctx, pidFiles, slots, scheduler, workerIdleTimeout);
            services.put(d.name(), runtime);
        }
        log.info("Deployed service {} version {} from {} ({} jar(s)), requested by {} from {}", d.name(), version.version(), fileName,
                content.jars().size(), caller.name(), caller.remoteAddress());
        if (wasRunning) {
            runtime.start();
        }
        versions.prune(d.name(), versionsKept);
        return new Deployed(runtime, version);
    }

    /** Returns the version number recorded in a service's current folder, or null when it has none. */
    private Integer currentVersion(String name) throws IOException {
        Path folder = ctx.data().service(name);
        if (!Files.exists(folder.resolve(VersionStore.RECORD))) {
            return null;
        }
        return VersionStore.readRecord(folder).version();
    }

    /**
     * Removes versions that a crashed deploy stored but never made current, and adopts a folder deployed
     * before versions were kept as version 1, so that a rollback can return to it.
     */
    private void reconcileVersions(String name, Path folder) throws IOException {
        Integer current = currentVersion(name);
        if (current != null) {
            versions.removeNewerThan(name, current);
            return;
        }
        if (!Files.isRegularFile(folder.resolve(VersionStore.DESCRIPTOR)) || !versions.list(name).isEmpty()) {
            return;
        }
        Map<String, byte[]> jars = new TreeMap<>();
        Path lib = folder.resolve(VersionStore.LIB);
        if (Files.isDirectory(lib)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(lib, "*.jar")) {
                for (Path jar : files) {
                    jars.put(jar.getFileName().toString(), Files.readAllBytes(jar));
                }
            }
        }
        ServiceContent content = ServiceContent.of(Files.readString(folder.resolve(VersionStore.DESCRIPTOR), StandardCharsets.UTF_8), jars);
        Instant deployedAt = Files.getLastModifiedTime(folder.resolve(VersionStore.DESCRIPTOR)).toInstant();
        ServiceVersion adopted = versions.add(name, content, new Actor("unknown (deployed before versions were kept)", ""), null, deployedAt);
        // Only the record is added, by a rename, so that nothing else an operator put into the folder is lost.
        Path partial = folder.resolve(VersionStore.RECORD + ".new");
        Files.copy(versions.folder(name, adopted.version()).resolve(VersionStore.RECORD), partial, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(partial, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(partial, folder.resolve(VersionStore.RECORD), StandardCopyOption.ATOMIC_MOVE);
        log.info("Service {} had no version record; its current folder is now version {}", name, adopted.version());
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
