package io.baton.server.service;

import io.baton.core.config.ServiceDescriptor;
import io.baton.server.worker.PidFiles;
import io.baton.server.worker.WorkerCommand;
import io.baton.core.settings.EffectiveSettings;
import io.baton.core.settings.ServiceSettings;
import io.baton.core.settings.SettingsException;
import io.baton.core.settings.SettingsStore;
import io.baton.server.worker.WorkerHandle;
import io.baton.transport.StopRequest;
import io.baton.server.worker.WorkerStartException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The supervisor of one service on the active node: its worker process, its schedule and its runs.
 *
 * <p>Runs of a service never overlap: they execute one at a time on the service's own run thread, and
 * a trigger that arrives while a run is in progress is skipped and logged. State changes happen under
 * this object's lock; waiting for a run or a worker happens outside it.
 *
 * <p>A service needs one of the node's worker slots ({@link WorkerSlots}) to start; without a free
 * slot it is WAITING until one is handed to it. A run that reaches the service's maximum run duration
 * stops at a commit point; if it has not ended a grace period later, its worker is killed and started
 * again, and the service stays RUNNING.
 */
public final class ServiceRuntime implements ScheduleTimer.SlotRunner {

    private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);

    /** Time a worker has to connect and send its hello after it was started. */
    static final Duration WORKER_START_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final ActiveContext ctx;
    private final PidFiles pidFiles;
    private final WorkerSlots slots;
    private final ScheduledExecutorService scheduler;
    private final Duration workerIdleTimeout;
    private final ExecutorService runThread;
    private volatile ServiceDescriptor descriptor;
    private volatile ServiceState state;
    private volatile String reason;
    private volatile WorkerHandle worker;
    private volatile ItemDispatch dispatch;
    private volatile ScheduleTimer schedule;
    private volatile Future<?> currentRun;
    private volatile boolean stopRequested;
    /** The stop request of the current run, which also closes the connection of its running download. */
    private volatile StopRequest runStop = new StopRequest();
    private volatile RunOutcome lastRun;
    private volatile Instant lastRunStart;
    private volatile int restarts;
    private volatile io.baton.core.source.ReadinessTracker readiness;
    /** Rejected remote file names that a run already warned about; a deploy starts a new set. */
    private volatile java.util.Set<String> warnedNames = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean paused;
    /** The effective properties the current worker started with; null while no worker runs. */
    private volatile Map<String, String> startedWith;

    ServiceRuntime(String name, ServiceDescriptor descriptor, String invalidReason, ActiveContext ctx, PidFiles pidFiles,
            WorkerSlots slots, ScheduledExecutorService scheduler, Duration workerIdleTimeout) {
        this.name = name;
        this.slots = slots;
        this.descriptor = descriptor;
        this.ctx = ctx;
        this.pidFiles = pidFiles;
        this.scheduler = scheduler;
        this.workerIdleTimeout = workerIdleTimeout;
        this.state = invalidReason == null ? ServiceState.STOPPED : ServiceState.INVALID;
        this.reason = invalidReason;
        this.runThread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("run-" + name).unstarted(r));
        this.readiness = tracker(descriptor);
    }

    public String name() { return name; }
    public ServiceDescriptor descriptor() { return descriptor; }
    public ServiceState state() { return state; }
    public String reason() { return state == ServiceState.WAITING ? slots.waitReason(name) : reason; }
    public RunOutcome lastRun() { return lastRun; }
    public Instant lastRunStart() { return lastRunStart; }
    public int restarts() { return restarts; }
    public boolean runInProgress() { Future<?> f = currentRun; return f != null && !f.isDone(); }
    public Long workerPid() { WorkerHandle w = worker; return w == null ? null : w.pid(); }

    /** Starts the worker and arms the schedule; returns an error message or null. */
    public synchronized String start() {
        try (MDC.MDCCloseable m = MDC.putCloseable("service", name)) {
            return startLocked();
        }
    }

    private String startLocked() {
        if (state == ServiceState.RUNNING || state == ServiceState.STARTING) {
            return null;
        }
        if (state == ServiceState.INVALID) {
            return "service " + name + " has an invalid descriptor: " + reason;
        }
        if (state == ServiceState.STOPPING) {
            return "service " + name + " is stopping; start it again once it has stopped";
        }
        if (!slots.acquireOrWait(this)) {
            if (state != ServiceState.WAITING) {
                state = ServiceState.WAITING;
                log.info("Service {} waits on node {}: {}", name, ctx.nodeId(), slots.waitReason(name));
            }
            return null;
        }
        state = ServiceState.STARTING;
        String error = launchWorker();
        if (error != null) {
            state = ServiceState.FAILED;
            reason = error;
            releaseSlot();
            return error;
        }
        state = ServiceState.RUNNING;
        reason = null;
        armSchedule();
        return null;
    }

    /** Starts the service with the slot that {@link WorkerSlots#release} reserved for it, unless it stopped waiting meanwhile. */
    private void startWithReservedSlot() {
        try (MDC.MDCCloseable m = MDC.putCloseable("service", name)) {
            synchronized (this) {
                if (state != ServiceState.WAITING) {
                    releaseSlot();
                    return;
                }
                log.info("Service {} got a worker slot on node {}", name, ctx.nodeId());
                startLocked();
            }
        }
    }

    /** Gives up this service's slot or place in line, and starts the service that the freed slot goes to. */
    private void releaseSlot() {
        ServiceRuntime next = slots.release(name);
        if (next != null) {
            Thread.ofPlatform().name("start-" + next.name()).start(next::startWithReservedSlot);
        }
    }

    private String launchWorker() {
        ServiceDescriptor d = descriptor;
        EffectiveSettings settings;
        try {
            settings = effectiveSettings();
        } catch (SettingsException e) {
            log.error("Service {} cannot start on node {}: {}", name, ctx.nodeId(), e.getMessage());
            return e.getMessage();
        } catch (IOException e) {
            log.error("Service {} cannot start on node {}: its settings cannot be read: {}", name, ctx.nodeId(), e.getMessage());
            return "the settings of service " + name + " cannot be read: " + e.getMessage();
        }
        ItemDispatch newDispatch = new ItemDispatch();
        try {
            WorkerCommand command = WorkerCommand.build(d, ctx.home(), ctx.data().root(), ctx.data().service(name), workerIdleTimeout,
                    settings.properties());
            WorkerHandle handle = WorkerHandle.start(command, pidFiles, WORKER_START_TIMEOUT, newDispatch::accept);
            dispatch = newDispatch;
            worker = handle;
            startedWith = settings.properties();
            handle.exit().thenAccept(status -> onWorkerExit(handle, newDispatch, status));
            log.info("Service {} started on node {}: worker pid {}, heap {}", name, ctx.nodeId(), handle.pid(), d.jvm().heap());
            ctx.alerts().workerStarted(name, handle.pid());
            return null;
        } catch (WorkerStartException | IllegalArgumentException e) {
            log.error("Service {} cannot start on node {}: {}", name, ctx.nodeId(), e.getMessage());
            return "the worker of service " + name + " could not start: " + e.getMessage();
        }
    }

    private void armSchedule() {
        ServiceDescriptor.ScheduleSpec spec = descriptor.schedule();
        if (spec == null || paused) {
            return;
        }
        ScheduleTimer timer = schedule;
        if (timer == null) {
            timer = new ScheduleTimer(name, spec.toSchedule(), spec.misfire(), ctx, scheduler, this);
            schedule = timer;
            timer.arm();
        } else {
            timer.resume();
        }
    }

    /** The next slots of the schedule with their UTC offsets; empty without a schedule or while stopped or paused. */
    public java.util.List<String> nextSlots(int count) {
        ScheduleTimer timer = schedule;
        return timer == null || paused ? java.util.List.of() : timer.upcoming(count);
    }

    /** Starts a run on an operator's request unless one is in progress; returns what happened, for the caller to show. */
    public synchronized TriggerResult trigger(String why) {
        if (state != ServiceState.RUNNING) {
            return TriggerResult.rejected("service " + name + " is " + state + "; start it first");
        }
        if (runInProgress()) {
            return TriggerResult.rejected("skipped: a run of service " + name + " is in progress");
        }
        CompletableFuture<Long> runId = new CompletableFuture<>();
        submitRun(why, null, runId);
        return new TriggerResult(true, "run started", runId);
    }

    /**
     * Starts the run of a schedule slot. The slot is recorded in the journal before the run starts, so that
     * no node runs it again. A slot that another node already recorded is not run.
     */
    @Override
    public synchronized ScheduleTimer.SlotStart startSlot(Instant slot, String why) {
        if (state != ServiceState.RUNNING || paused) {
            return ScheduleTimer.SlotStart.NOT_RUNNING;
        }
        if (runInProgress()) {
            return ScheduleTimer.SlotStart.BUSY;
        }
        java.time.ZoneId zone = descriptor.schedule().toSchedule().zone();
        boolean recorded = ctx.journal().call(c -> io.baton.core.journal.ScheduleSlots.record(c, name, slot, zone,
                io.baton.core.journal.SlotOutcome.FIRED, ctx.nodeId(), ctx.epoch(), ctx.clock().instant(),
                "schedule".equals(why) ? null : why));
        if (!recorded) {
            return ScheduleTimer.SlotStart.ALREADY_RECORDED;
        }
        submitRun("schedule slot " + io.baton.core.schedule.SlotTimes.format(slot, zone) + ("schedule".equals(why) ? "" : " (" + why + ")"), slot,
                new CompletableFuture<>());
        return ScheduleTimer.SlotStart.STARTED;
    }

    /** Submits a run. {@code runId} receives the id of a manual run once its record exists (see {@link RunExecutor#reportRunId}). */
    private void submitRun(String why, Instant slot, CompletableFuture<Long> runId) {
        WorkerHandle w = worker;
        ItemDispatch disp = dispatch;
        lastRunStart = ctx.clock().instant();
        ServiceDescriptor d = descriptor;
        StopRequest stop = new StopRequest();
        runStop = stop;
        currentRun = runThread.submit(() -> {
            MDC.put("service", name);
            RunDeadline deadline = new RunDeadline(d.limits().maxRunDuration(), d.stopGracePeriod());
            RunExecutor executor = new RunExecutor(d, ctx, w, disp, () -> stopRequested, stop, readiness, deadline);
            if (slot != null) {
                executor.schedulePaused(() -> paused);
            }
            deadline.arm(scheduler, () -> alertRunLimit(executor, deadline), () -> killAtRunLimit(w, executor));
            long started = System.nanoTime();
            try {
                RunOutcome outcome = executor.forSlot(slot).warnedNames(warnedNames).reportRunId(runId).execute(why, slot == null);
                if (outcome != null) {
                    lastRun = outcome;
                    ctx.alerts().runEnded(name, outcome.runId(), outcome.state(), outcome.failed(), outcome.quarantined(), outcome.reason());
                    ctx.metrics().runEnded(name, outcome.state().name(), outcome.committed(), outcome.failed(), outcome.quarantined(),
                            outcome.bytesIn(), outcome.bytesOut(), java.time.Duration.ofNanos(System.nanoTime() - started));
                }
            } catch (RuntimeException e) {
                if (!ctx.mayPublish().getAsBoolean()) {
                    // The node fenced itself or was deposed and closed the journal under the run: expected, not a bug.
                    log.warn("Run of service {} stopped because node {} is no longer active in epoch {}: {}", name, ctx.nodeId(),
                            ctx.epoch(), e.toString());
                } else {
                    log.error("Run of service {} ended with an error: {}", name, e.toString(), e);
                }
            } finally {
                deadline.cancel();
                MDC.remove("service");
            }
        });
    }

    /**
     * Runs an operator action on this service's run thread and counts it as the run in progress, so that
     * no run starts until it ends (a trigger meanwhile is skipped). Returns null, and runs nothing, while a
     * run is in progress.
     */
    public synchronized <T> Future<T> submitBetweenRuns(java.util.concurrent.Callable<T> action) {
        if (runInProgress()) {
            return null;
        }
        Future<T> future = runThread.submit(action);
        currentRun = future;
        return future;
    }

    /** Logs the alert for a run that reached its maximum run duration. The run checks the deadline itself and stops. */
    private void alertRunLimit(RunExecutor executor, RunDeadline deadline) {
        log.warn("Run {} of service {} on node {} reached its maximum run duration of {} after {} ms; stopping it at a commit point,"
                        + " its worker is killed if the run has not ended within stopGracePeriod ({} ms)",
                executor.runId(), name, ctx.nodeId(), io.baton.core.config.Durations.format(descriptor.limits().maxRunDuration()),
                deadline.elapsed().toMillis(), descriptor.stopGracePeriod().toMillis());
        ctx.alerts().runOverLimit(name, executor.runId(), io.baton.core.config.Durations.format(descriptor.limits().maxRunDuration()));
    }

    /**
     * Kills the worker of a run that did not reach a commit point within the grace period after its
     * limit, then starts a new worker for later runs. The service shows STARTING meanwhile, so no
     * trigger sends work to the dead worker. Runs on a thread of its own because it waits.
     */
    private void killAtRunLimit(WorkerHandle w, RunExecutor executor) {
        Thread.ofPlatform().name("run-limit-" + name).start(() -> {
            try (MDC.MDCCloseable m = MDC.putCloseable("service", name)) {
                synchronized (this) {
                    if (worker != w || state != ServiceState.RUNNING) {
                        return;
                    }
                    state = ServiceState.STARTING;
                }
                log.warn("Run {} of service {} on node {} did not reach a commit point within stopGracePeriod ({} ms) after its"
                        + " maximum run duration; killing its worker (pid {})", executor.runId(), name, ctx.nodeId(),
                        descriptor.stopGracePeriod().toMillis(), w.pid());
                w.kill();
                awaitExit(w, Duration.ofSeconds(10));
                awaitRun(Duration.ofSeconds(30));
                restartAfterRunLimit(w);
            }
        });
    }

    private synchronized void restartAfterRunLimit(WorkerHandle killed) {
        if (worker != killed || state != ServiceState.STARTING) {
            // A stop or kill arrived meanwhile; it decides the state.
            return;
        }
        log.info("Starting a new worker for service {} after the run limit kill", name);
        String error = launchWorker();
        if (error != null) {
            fail(error);
        } else {
            state = ServiceState.RUNNING;
        }
    }

    /**
     * Stops the schedule without stopping the worker: no scheduled run starts until {@link #resume}, and
     * manual triggers still work. A scheduled run that has not claimed a file yet ends without claiming,
     * while a run that claimed files, or that an operator triggered, goes on. Returns an error message or null.
     */
    public synchronized String pause() {
        if (descriptor == null || descriptor.schedule() == null) {
            return "service " + name + " has no schedule to pause";
        }
        paused = true;
        cancelSchedule();
        log.info("Schedule of service {} paused", name);
        return null;
    }

    /** Restarts a paused schedule; the first tick comes at once. Returns an error message or null. */
    public synchronized String resume() {
        if (!paused) {
            return "the schedule of service " + name + " is not paused";
        }
        paused = false;
        if (state == ServiceState.RUNNING) {
            armSchedule();
        }
        log.info("Schedule of service {} resumed", name);
        return null;
    }

    public boolean paused() {
        return paused;
    }

    /**
     * Outcome of a trigger, for the caller to show. {@code runId} completes with the id of the started run once
     * its record exists, or with 0 when the trigger was rejected or the record could not be created.
     */
    public record TriggerResult(boolean started, String message, CompletableFuture<Long> runId) {

        static TriggerResult rejected(String message) {
            return new TriggerResult(false, message, CompletableFuture.completedFuture(0L));
        }

        /** Waits up to {@code timeout} for the run's id; returns 0 when it is not known by then. */
        public long awaitRunId(Duration timeout) {
            return runId.completeOnTimeout(0L, timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        }
    }

    /**
     * Stops the service at a commit point. No new items are sent, and the items in flight finish within
     * the grace period before the worker exits. Past the grace period its process group is killed.
     */
    public void stop() {
        try (MDC.MDCCloseable m = MDC.putCloseable("service", name)) {
            stopWithinGrace();
        }
    }

    private void stopWithinGrace() {
        Duration grace;
        synchronized (this) {
            if (leaveLine()) {
                return;
            }
            if (state != ServiceState.RUNNING && state != ServiceState.FAILED && state != ServiceState.STARTING) {
                return;
            }
            state = ServiceState.STOPPING;
            stopRequested = true;
            cancelSchedule();
            grace = descriptor.stopGracePeriod();
        }
        abortTransfers();
        log.info("Stopping service {} (grace period {} ms)", name, grace.toMillis());
        boolean inTime = awaitRun(grace);
        WorkerHandle w = worker;
        if (!inTime && w != null) {
            log.warn("Service {} did not reach a commit point within {} ms; killing its worker (pid {})", name, grace.toMillis(), w.pid());
            w.kill();
            awaitRun(Duration.ofSeconds(30));
        } else if (w != null) {
            w.requestExit();
            if (!awaitExit(w, Duration.ofSeconds(5))) {
                log.warn("Worker of service {} (pid {}) did not exit when asked; killing it", name, w.pid());
                w.kill();
            }
        }
        if (w != null) {
            awaitExit(w, Duration.ofSeconds(10));
        }
        synchronized (this) {
            worker = null;
            stopRequested = false;
            state = ServiceState.STOPPED;
            releaseSlot();
        }
        log.info("Service {} stopped", name);
    }

    /** Kills the worker's process group at once; in-flight work is redone by a later run. */
    public void kill() {
        try (MDC.MDCCloseable m = MDC.putCloseable("service", name)) {
            killNow();
        }
    }

    private void killNow() {
        WorkerHandle w;
        synchronized (this) {
            if (leaveLine()) {
                return;
            }
            w = worker;
            state = ServiceState.STOPPING;
            stopRequested = true;
            cancelSchedule();
        }
        abortTransfers();
        if (w != null) {
            log.warn("Killing the worker of service {} (pid {}) on request", name, w.pid());
            w.kill();
            awaitExit(w, Duration.ofSeconds(10));
        }
        awaitRun(Duration.ofSeconds(30));
        synchronized (this) {
            worker = null;
            stopRequested = false;
            state = ServiceState.STOPPED;
            releaseSlot();
        }
    }

    /**
     * Closes the connection of the current run's running download, so that a download from a stalled
     * server ends now and not after the source's idle timeout. Called outside the lock, because closing
     * an SFTP connection also stops its SSH client.
     */
    private void abortTransfers() {
        runStop.request();
    }

    /** Takes a WAITING service out of the line for a worker slot; returns false when it was not waiting. */
    private boolean leaveLine() {
        if (state != ServiceState.WAITING) {
            return false;
        }
        state = ServiceState.STOPPED;
        releaseSlot();
        log.info("Service {} stopped waiting for a worker slot", name);
        return true;
    }

    /**
     * Kills the worker at once without waiting for anything and without touching the data directory:
     * the node lost its lease or was deposed.
     */
    void fence() {
        stopRequested = true;
        abortTransfers();
        cancelSchedule();
        WorkerHandle w = worker;
        if (w != null) {
            w.kill();
        }
        state = ServiceState.STOPPED;
    }

    void shutdownThreads() {
        runThread.shutdownNow();
    }

    /** Stops the timer; {@link #armSchedule()} starts a new one from the journal, or resumes it after a pause. */
    private void cancelSchedule() {
        ScheduleTimer timer = schedule;
        if (timer != null) {
            timer.cancel();
            if (!paused) {
                schedule = null;
            }
        }
    }

    private boolean awaitRun(Duration timeout) {
        Future<?> f = currentRun;
        if (f == null) {
            return true;
        }
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            return true;
        }
    }

    private static boolean awaitExit(WorkerHandle w, Duration timeout) {
        try {
            w.exit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    private void onWorkerExit(WorkerHandle handle, ItemDispatch disp, int status) {
        MDC.put("service", name);
        String why = "worker pid " + handle.pid() + " exited with status " + status
                + (handle.lastErrorLine().isBlank() ? "" : " (" + handle.lastErrorLine() + ")");
        disp.workerGone(new WorkerLostException(why, handle.wasKilled()));
        synchronized (this) {
            boolean unexpected = !handle.wasKilled() && handle == worker && state == ServiceState.RUNNING;
            if (!unexpected) {
                MDC.remove("service");
                return;
            }
            // From here the service shows STARTING without a worker, until a new worker is ready.
            worker = null;
            state = ServiceState.STARTING;
        }
        log.error("Worker of service {} died unexpectedly on node {}: {}", name, ctx.nodeId(), why);
        ctx.alerts().workerDied(name, why);
        awaitRun(Duration.ofSeconds(30));
        synchronized (this) {
            if (state != ServiceState.STARTING) {
                // A stop or kill arrived meanwhile; it decides the state.
                MDC.remove("service");
                return;
            }
            ServiceDescriptor.RestartPolicy policy = descriptor.restart();
            Duration uptime = handle.uptime();
            if (!automaticRestart()) {
                fail("the worker died (" + why + ") and automatic restart is off");
            } else if (uptime.compareTo(policy.minimumUptime()) < 0) {
                fail("the worker died after " + uptime.toMillis() + " ms, within the minimum uptime of "
                        + policy.minimumUptime().toMillis() + " ms (" + why + "); not restarted: fix the cause and start the service");
            } else {
                restarts++;
                log.warn("Restarting the worker of service {} (restart {})", name, restarts);
                String error = launchWorker();
                if (error != null) {
                    fail(error);
                } else {
                    state = ServiceState.RUNNING;
                }
            }
        }
        MDC.remove("service");
    }

    /**
     * Resolves the settings the service starts with now: descriptor, stored settings and variables.
     *
     * @throws SettingsException when a property refers to an undefined variable or an unset secret
     */
    public EffectiveSettings effectiveSettings() throws IOException {
        SettingsStore store = new SettingsStore(ctx.data().settings());
        return EffectiveSettings.resolve(descriptor, store.service(name), store.variables());
    }

    /** Returns whether the service starts by itself when the node becomes active: its settings' flag, else its descriptor's. */
    public boolean automaticStart() {
        return storedFlags("autoStart").autoStartOver(descriptor);
    }

    /** Returns whether a worker that dies unexpectedly is started again: its settings' flag, else its descriptor's. */
    public boolean automaticRestart() {
        return storedFlags("restart.automatic").autoRestartOver(descriptor);
    }

    /** Returns the stored settings for their flags; unreadable settings leave the descriptor's flags, with a warning. */
    private ServiceSettings storedFlags(String flag) {
        try {
            return new SettingsStore(ctx.data().settings()).service(name);
        } catch (IOException e) {
            log.warn("Service {} on node {}: the settings cannot be read, so the descriptor's {} applies: {}", name, ctx.nodeId(), flag,
                    e.getMessage());
            return ServiceSettings.NONE;
        }
    }

    /**
     * Returns whether the stored settings now resolve to other properties than those the running worker started
     * with, or no longer resolve at all. Returns false while no worker runs, because a change takes effect at the next start.
     */
    public boolean settingsChanged() {
        Map<String, String> running = startedWith;
        if (running == null || worker == null) {
            return false;
        }
        try {
            return !effectiveSettings().properties().equals(running);
        } catch (IOException | SettingsException e) {
            return true;
        }
    }

    private void fail(String why) {
        cancelSchedule();
        state = ServiceState.FAILED;
        reason = why;
        releaseSlot();
        log.error("Service {} failed: {}", name, why);
    }

    private static io.baton.core.source.ReadinessTracker tracker(ServiceDescriptor d) {
        return d == null ? null : new io.baton.core.source.ReadinessTracker(d.source().ready());
    }

    /** Files that were not ready at the last poll, with the reason each one waits. */
    public java.util.List<io.baton.core.source.ReadinessTracker.Waiting> waiting() {
        io.baton.core.source.ReadinessTracker r = readiness;
        return r == null ? java.util.List.of() : r.waiting();
    }

    /** Sets the last run from the journal, so that a restarted node shows it. */
    void rememberLastRun(io.baton.core.journal.Runs.RunRecord r) {
        lastRun = new RunOutcome(r.id(), r.state(), r.itemsCommitted(), r.itemsFailed(), r.itemsQuarantined(), r.bytesIn(), r.bytesOut(),
                r.reason());
    }

    /** Replaces the descriptor of a stopped service (after a deploy). */
    synchronized void replaceDescriptor(ServiceDescriptor d, String invalidReason) {
        this.descriptor = d;
        this.readiness = tracker(d);
        this.warnedNames = java.util.concurrent.ConcurrentHashMap.newKeySet();
        this.state = invalidReason == null ? ServiceState.STOPPED : ServiceState.INVALID;
        this.reason = invalidReason;
    }
}
