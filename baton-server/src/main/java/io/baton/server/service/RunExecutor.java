package io.baton.server.service;

import io.baton.core.config.ServiceDescriptor;
import io.baton.core.config.ServiceDescriptor.DispositionKind;
import io.baton.core.config.ServiceDescriptor.TargetSpec;
import io.baton.core.control.ControlMessage;
import io.baton.core.journal.ActionKind;
import io.baton.core.journal.ItemAttempts;
import io.baton.core.journal.RunState;
import io.baton.core.journal.Runs;
import io.baton.core.journal.WorkItemState;
import io.baton.core.journal.WorkItems;
import io.baton.core.journal.WorkItems.ActionSpec;
import io.baton.core.journal.WorkItems.Claimed;
import io.baton.core.journal.WorkItems.ClaimOutcome;
import io.baton.core.journal.WorkItems.ItemRecord;
import io.baton.core.publish.FileKeys;
import io.baton.core.publish.FileKeys.FileKey;
import io.baton.core.publish.Publisher.ItemActions;
import io.baton.core.source.ClaimCheck;
import io.baton.core.source.FileIdentity;
import io.baton.core.source.FolderSource;
import io.baton.core.source.FolderSource.Candidate;
import io.baton.transport.RemoteSource;
import io.baton.transport.StopRequest;
import io.baton.server.worker.WorkerHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One run of a service: list, claim, process in the worker, commit, publish, in batches.
 *
 * <p>Order within a batch: claims are committed before an item is sent to the worker (nothing reads a file
 * it has not claimed); outputs are synced by the worker before it reports an item done; the commit
 * records the publish actions; publishing happens in the daemon after the commit. A stop request, or
 * the run reaching its maximum run duration, is honoured at a commit point: no item is sent after it,
 * and the items in flight finish or are killed. Items that were claimed but never processed are
 * released, without counting an attempt.
 */
final class RunExecutor {

    private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);

    /** Items claimed in one journal transaction and published together. */
    static final int BATCH = 64;
    /** Items sent to the worker ahead of its replies, to keep it busy without piling up work a stop must undo. */
    static final int WINDOW = 8;
    /** The name of a remote input's download in its item's staging folder, beside the worker's outputs. */
    static final String DOWNLOAD = "input";

    private final ServiceDescriptor d;
    private final ActiveContext ctx;
    private final WorkerHandle worker;
    private final ItemDispatch dispatch;
    private final BooleanSupplier stopRequested;
    /** The same stop request, through which a stop closes the connection of a running download. */
    private final StopRequest transferStop;
    private final RunDeadline deadline;
    private final CommittedWork committed;
    private final FolderSource source;
    /** The remote source, or null when the source is a local folder. */
    private RemoteSource remoteSource;
    /** Rejected remote names already warned about, shared by the runs of the service. */
    private java.util.Set<String> warnedNames = new java.util.HashSet<>();
    /** The paused flag of the schedule that started this run, read before the first claim. Always false for a manual trigger. */
    private BooleanSupplier schedulePaused = () -> false;
    /** The reason the run stopped using its remote server, or null while the connection works. */
    private String transportFailure;
    private final ClaimCheck claimCheck = new ClaimCheck();
    private final java.util.concurrent.ConcurrentLinkedQueue<FailureOutcome> outcomes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Items of the current batch whose attempt failed, so their outputs are removed from staging before the journal records it. */
    private final List<ItemRecord> failedAttempts = new ArrayList<>();
    private volatile long runId;
    private CompletableFuture<Long> recordedRunId = new CompletableFuture<>();
    private String trigger;
    private java.time.Instant slot;
    private boolean announced;
    private long committedCount;
    private long failedCount;
    private long quarantinedCount;
    private long records;
    private long bytesIn;
    private long bytesOut;
    private long unpublished;
    private long released;

    private final io.baton.core.source.ReadinessTracker readiness;

    RunExecutor(ServiceDescriptor d, ActiveContext ctx, WorkerHandle worker, ItemDispatch dispatch, BooleanSupplier stopRequested,
            StopRequest transferStop, io.baton.core.source.ReadinessTracker readiness, RunDeadline deadline) {
        this.transferStop = transferStop;
        this.readiness = readiness;
        this.deadline = deadline;
        this.d = d;
        this.ctx = ctx;
        this.worker = worker;
        this.dispatch = dispatch;
        this.stopRequested = stopRequested;
        this.committed = new CommittedWork(ctx, DeployedDescriptors.of(ctx, d));
        this.source = d.source().remote() == null ? new FolderSource(d.source()) : null;
    }

    /** Uses the service's set of rejected remote names already warned about, so that a name is not reported on every run. */
    RunExecutor warnedNames(java.util.Set<String> names) {
        this.warnedNames = names;
        return this;
    }

    /**
     * Ends the run without claiming anything when {@code paused} turns true before its first claim. Only
     * a run that the schedule started uses this, because a pause stops the schedule, not manual triggers.
     */
    RunExecutor schedulePaused(BooleanSupplier paused) {
        this.schedulePaused = paused;
        return this;
    }

    /**
     * Sets the future that receives the run's id as soon as a manual run has recorded itself, before it claims
     * anything, so that the trigger can name the run. It receives 0 when the record could not be created.
     */
    RunExecutor reportRunId(CompletableFuture<Long> target) {
        this.recordedRunId = target;
        return this;
    }

    /** Links the run to the schedule slot that started it (null for a manual trigger). */
    RunExecutor forSlot(java.time.Instant slotInstant) {
        this.slot = slotInstant;
        return this;
    }

    /**
     * Executes the run. A scheduled run creates its run record only when it claims its first file;
     * a manual trigger always creates one, so the operator sees the run even when it found nothing.
     * Returns null when a scheduled run found nothing to claim.
     */
    RunOutcome execute(String trigger, boolean recordEmpty) {
        this.trigger = trigger;
        if (recordEmpty) {
            try {
                ctx.journal().call(this::runId);
            } finally {
                recordedRunId.complete(runId);
            }
            announce();
        }
        try {
            String reason = work();
            if (runId == 0) {
                log.debug("Service {}: {} found nothing to claim", d.name(), trigger);
                return null;
            }
            if (deadline.reached() && reason != null) {
                return finish(RunState.TIMED_OUT, reason);
            }
            boolean clean = reason == null && failedCount == 0 && quarantinedCount == 0 && unpublished == 0;
            if (reason == null && !clean) {
                reason = failedCount + " item(s) failed, " + quarantinedCount + " quarantined, " + unpublished
                        + " processed but not fully published or disposed of; see baton run " + runId;
            }
            return finish(clean ? RunState.SUCCEEDED : RunState.FAILED, reason);
        } catch (WorkerLostException e) {
            if (deadline.killed()) {
                return finish(RunState.TIMED_OUT, deadline.reason() + " (" + e.getMessage() + ")");
            }
            return finish(RunState.FAILED, e.getMessage());
        } catch (io.baton.core.publish.Publisher.FencedException | io.baton.core.journal.DeposedException e) {
            log.warn("Run {} of service {} stopped: {}", runId, d.name(), e.getMessage());
            return new RunOutcome(runId, RunState.ABANDONED, committedCount, failedCount, quarantinedCount, bytesIn, bytesOut, e.getMessage());
        } finally {
            committed.close();
            MDC.remove("run");
        }
    }

    /** Returns the run's id, or 0 while a scheduled run has claimed nothing yet and so has no record. */
    long runId() {
        return runId;
    }

    /** Creates the run record on first use, inside the journal transaction that needs it. */
    private long runId(java.sql.Connection c) throws java.sql.SQLException {
        if (runId == 0) {
            runId = Runs.start(c, d.name(), ctx.epoch(), ctx.nodeId(), trigger, ctx.clock().instant());
            if (slot != null) {
                io.baton.core.journal.ScheduleSlots.attachRun(c, d.name(), slot, runId);
            }
        }
        return runId;
    }

    /** Logs the start of the run once its record exists; called on the run's own thread, where the MDC applies. */
    private void announce() {
        if (runId != 0 && !announced) {
            announced = true;
            MDC.put("run", Long.toString(runId));
            log.info("Run {} of service {} started on node {} epoch {} ({})", runId, d.name(), ctx.nodeId(), ctx.epoch(), trigger);
        }
    }

    /** Runs the batches; returns null on a normal end or the reason the run stopped early. */
    private String work() {
        committed.publishOpen(d.name());

        String precheck = checkFolders();
        if (precheck != null) {
            ctx.journal().call(this::runId);
            announce();
            log.error("Run {} of service {} claims nothing: {}", runId, d.name(), precheck);
            return precheck;
        }

        if (pausedBeforeClaim("listing")) {
            return null;
        }
        List<Candidate> candidates;
        try {
            candidates = listReady();
        } catch (IOException e) {
            String reason = d.source().remote() == null ? "cannot list the source folder " + d.source().path() + ": " + e
                    : "cannot list the remote folder " + d.source().remote().folder() + " on " + d.source().remote().server() + ": "
                            + e.getMessage();
            ctx.journal().call(this::runId);
            announce();
            log.error("Run {} of service {}: {}", runId, d.name(), reason);
            return reason;
        }

        // Checked again after the listing, because a pause that returned before a file was written is
        // either seen here or came after the listing ended, and then the listing cannot contain the file.
        // So a scheduled run claims no file written after the pause.
        if (pausedBeforeClaim("claiming")) {
            return null;
        }

        int claimed = 0;
        int next = 0;
        while (next < candidates.size() && claimed < d.source().maxFilesPerRun()) {
            if (stopping()) {
                return stopReason();
            }
            int limit = Math.min(BATCH, d.source().maxFilesPerRun() - claimed);
            List<Candidate> slice = new ArrayList<>();
            while (next < candidates.size() && slice.size() < limit) {
                slice.add(candidates.get(next++));
            }
            List<ItemRecord> items = claim(slice);
            announce();
            claimed += items.size();
            processBatch(items);
            if (transportFailure != null) {
                return transportFailure;
            }
        }
        // A stop during the last batch leaves no batch to skip, but its unsent items were released.
        return stopping() && released > 0 ? stopReason() : null;
    }

    /** Returns whether the schedule that started this run was paused, and logs that the run ends without claiming. */
    private boolean pausedBeforeClaim(String step) {
        if (!schedulePaused.getAsBoolean()) {
            return false;
        }
        // A scheduled run gets its run id at its first claim, so there is none to log yet.
        log.info("Service {}: {} on node {} ends before {} without claiming, because the schedule was paused", d.name(), trigger,
                ctx.nodeId(), step);
        return true;
    }

    /** Tells whether the run must stop at its next commit point: a stop request or its maximum run duration. */
    private boolean stopping() {
        return stopRequested.getAsBoolean() || deadline.reached();
    }

    private String stopReason() {
        return deadline.reached() ? deadline.reason() : "stopped by request";
    }

    /** Lists the source and returns the candidates that are ready, in order. */
    private List<Candidate> listReady() throws IOException {
        if (d.source().remote() == null) {
            List<Candidate> listed = source.list();
            List<Candidate> ready = readiness.ready(listed, source.present(), System.nanoTime(), ctx.clock().instant());
            reportLinks();
            return ready;
        }
        remoteSource = new RemoteSource(d.name(), d.source(), committed.remote().connection(d.name(), d.source().remote()), warnedNames);
        List<Candidate> listed = remoteSource.list();
        return readiness.ready(listed, remoteSource.present(), System.nanoTime(), ctx.clock().instant());
    }

    /** Lists the symbolic links of the inbox as waiting, and logs each one once per deployed service, not at every poll. */
    private void reportLinks() {
        readiness.neverTaken(List.copyOf(source.skippedLinks()),
                "a symbolic link: links are not followed, so it is never taken; put the file itself in the inbox", ctx.clock().instant());
        for (String link : source.skippedLinks()) {
            if (warnedNames.add("link:" + link)) {
                log.warn("Service {}: skipping symbolic link {} in source folder {}: links are not followed, so it is never taken;"
                        + " put the file itself in the inbox", d.name(), link, d.source().path());
            }
        }
    }

    private String checkFolders() {
        String inbox = d.source().remote() == null ? writableFolder(d.source().path()) : null;
        if (inbox != null) {
            return "source " + inbox;
        }
        for (TargetSpec t : d.targets()) {
            if (t.remote() != null) {
                continue;
            }
            String problem = writableFolder(t.path());
            if (problem != null) {
                return "target " + problem;
            }
        }
        if (d.onSuccess().kind() == DispositionKind.ARCHIVE && d.source().remote() == null) {
            Path archive = Naming.archiveFolder(d.onSuccess().archiveTemplate(), ZonedDateTime.now(ctx.clock()));
            String problem = writableFolder(archive);
            if (problem != null) {
                return "archive " + problem;
            }
        }
        return null;
    }

    /** Creates a folder when it is missing and returns why it cannot be used, or null when it can. */
    static String writableFolder(Path folder) {
        Path file = fileOnPath(folder);
        if (file != null) {
            return "folder " + folder + " cannot be created because " + file + " is a file, not a folder;"
                    + " move that file away or change the path in the descriptor";
        }
        try {
            Files.createDirectories(folder);
        } catch (java.nio.file.AccessDeniedException e) {
            return "folder " + folder + " cannot be created: permission denied on " + e.getFile()
                    + "; give the node's user write access";
        } catch (IOException e) {
            return "folder " + folder + " cannot be created: " + e;
        }
        if (!Files.isWritable(folder)) {
            return "folder " + folder + " is not writable: permission denied; give the node's user write access";
        }
        return null;
    }

    /** Returns the first path from {@code folder} upwards that exists and is not a folder, or null. */
    private static Path fileOnPath(Path folder) {
        for (Path p = folder.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return Files.isDirectory(p) ? null : p;
            }
        }
        return null;
    }

    /**
     * Claims the files of a slice that pass the claim check. A file that fails it (unreadable, locked by
     * a writer, vanished) is not claimed, so no attempt is counted and no worker reads it; a later run
     * tries it again.
     */
    private List<ItemRecord> claim(List<Candidate> slice) {
        List<FileIdentity> fresh = remoteSource == null ? checkLocal(slice) : checkRemote(slice);
        return ctx.journal().call(c -> {
            List<ItemRecord> out = new ArrayList<>();
            for (FileIdentity id : fresh) {
                ClaimOutcome outcome = WorkItems.claim(c, d.name(), this::runId, ctx.epoch(), id, ctx.clock().instant());
                if (outcome instanceof Claimed claimed) {
                    out.add(WorkItems.current(c, claimed.itemId()));
                }
            }
            return out;
        });
    }

    /**
     * Reads the identity of each remote candidate again just before its claim. A file that vanished
     * or changed since the listing waits for the next run. A connection that fails ends the claims of
     * this batch, so the run claims nothing it could not download.
     */
    private List<FileIdentity> checkRemote(List<Candidate> slice) {
        List<FileIdentity> fresh = new ArrayList<>();
        for (Candidate c : slice) {
            String rel = c.identity().relPath();
            try {
                FileIdentity id = remoteSource.identity(rel);
                if (id == null) {
                    log.info("Service {}: {} vanished from {} before it was claimed", d.name(), rel, d.source().remote().server());
                } else if (id.size() != c.identity().size() || id.mtimeNanos() != c.identity().mtimeNanos()) {
                    log.info("Service {}: {} changed on {} since it was listed; a later run claims it", d.name(), rel,
                            d.source().remote().server());
                } else {
                    readiness.claimPassed(rel);
                    fresh.add(id);
                }
            } catch (IOException e) {
                transportFailure = "the connection to " + d.source().remote().server() + " failed while claiming " + rel + ": "
                        + e.getMessage();
                log.error("Run {} of service {}: {}", runId, d.name(), transportFailure);
                break;
            }
        }
        return fresh;
    }

    private List<FileIdentity> checkLocal(List<Candidate> slice) {
        List<FileIdentity> fresh = new ArrayList<>();
        for (Candidate c : slice) {
            String rel = c.identity().relPath();
            try {
                // Identity is read again just before the claim: the listing may be old by now.
                FileIdentity id = FileIdentity.of(c.path(), rel);
                String problem = claimCheck.problem(c.path(), id);
                if (problem == null) {
                    readiness.claimPassed(rel);
                    fresh.add(id);
                } else if (readiness.claimFailed(rel, problem, ctx.clock().instant())) {
                    log.warn("Service {}: {} is not claimed: {}", d.name(), rel, problem);
                } else {
                    log.debug("Service {}: {} is still not claimed: {}", d.name(), rel, problem);
                }
            } catch (NoSuchFileException e) {
                log.info("Service {}: {} vanished before it was claimed", d.name(), rel);
            } catch (IOException e) {
                String problem = "its attributes cannot be read: " + e;
                if (readiness.claimFailed(rel, problem, ctx.clock().instant())) {
                    log.warn("Service {}: {} is not claimed: {}", d.name(), rel, problem);
                }
            }
        }
        return fresh;
    }

    private final Map<Long, ItemRecord> batchItems = new HashMap<>();
    private final java.util.Set<Long> unsyncedDone = new java.util.HashSet<>();

    private ItemRecord itemById(long id) {
        return batchItems.get(id);
    }

    private void processBatch(List<ItemRecord> items) {
        batchItems.clear();
        unsyncedDone.clear();
        for (ItemRecord item : items) {
            batchItems.put(item.id(), item);
        }
        Map<Long, ControlMessage> replies = new HashMap<>();
        Deque<ItemRecord> queue = new ArrayDeque<>(items);
        Deque<Map.Entry<ItemRecord, CompletableFuture<ControlMessage>>> inFlight = new ArrayDeque<>();
        List<ItemRecord> notSent = new ArrayList<>();
        List<ItemRecord> empty = new ArrayList<>();
        WorkerLostException lost = null;

        while ((!queue.isEmpty() || !inFlight.isEmpty()) && lost == null) {
            while (!queue.isEmpty() && inFlight.size() < WINDOW && !stopping() && transportFailure == null) {
                ItemRecord item = queue.poll();
                if (remoteSource != null && !download(item)) {
                    notSent.add(item);
                    continue;
                }
                if (item.size() == 0 && !d.source().acceptEmptyFiles()) {
                    empty.add(item);
                    continue;
                }
                inFlight.add(Map.entry(item, send(item)));
            }
            if (stopping() || transportFailure != null) {
                notSent.addAll(queue);
                queue.clear();
            }
            if (inFlight.isEmpty()) {
                break;
            }
            var head = inFlight.poll();
            try {
                replies.put(head.getKey().id(), head.getValue().get());
            } catch (ExecutionException e) {
                lost = e.getCause() instanceof WorkerLostException w ? w : new WorkerLostException(e.getCause().toString(), false);
                notSent.add(head.getKey());
                inFlight.forEach(x -> notSent.add(x.getKey()));
                notSent.addAll(queue);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lost = new WorkerLostException("interrupted", true);
                notSent.add(head.getKey());
                inFlight.forEach(x -> notSent.add(x.getKey()));
                notSent.addAll(queue);
            }
        }

        lost = awaitSync(replies, notSent, lost);
        commitAndPublish(items, replies, empty, notSent, lost);
        if (lost != null) {
            throw lost;
        }
    }

    /**
     * Asks the worker to make the outputs it reported done durable, and waits for it. If the worker is
     * lost before it confirms, those items are released instead of committed: a commit must never
     * refer to an output that a crash could still lose.
     */
    private WorkerLostException awaitSync(Map<Long, ControlMessage> replies, List<ItemRecord> notSent, WorkerLostException lost) {
        boolean anyDone = replies.values().stream().anyMatch(r -> "done".equals(r.type()));
        if (!anyDone) {
            return lost;
        }
        WorkerLostException failure = lost;
        if (failure == null) {
            CompletableFuture<ControlMessage> synced = dispatch.expectSync();
            try {
                worker.send(ControlMessage.of("sync"));
                synced.get();
                return null;
            } catch (IOException e) {
                failure = new WorkerLostException("the worker's control channel failed: " + e, false);
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof WorkerLostException w ? w : new WorkerLostException(e.getCause().toString(), false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new WorkerLostException("interrupted", true);
            }
        }
        // Unsynced outputs: release their items, so a later run processes them again. They were
        // finished, so none of them is to blame for the worker's death.
        replies.entrySet().removeIf(e -> {
            if (!"done".equals(e.getValue().type())) {
                return false;
            }
            notSent.add(itemById(e.getKey()));
            unsyncedDone.add(e.getKey());
            return true;
        });
        return failure;
    }

    /** Returns the staging folder of an item in this run: the worker's outputs, and a remote input's download. */
    private Path stagingOf(ItemRecord item) {
        return ctx.data().work().resolve(d.name()).resolve(ctx.epoch() + "-" + runId).resolve(Long.toString(item.id()));
    }

    /** Returns where the worker reads an item's input: the source folder, or the download in staging. */
    private Path localInput(ItemRecord item) {
        return remoteSource == null ? d.source().path().resolve(item.relPath()) : stagingOf(item).resolve(DOWNLOAD);
    }

    /**
     * Downloads a claimed remote input into the item's staging. Returns false when the item is not to
     * be sent: its size changed since the claim (it is released, and a later run takes it), or a stop
     * request ended the download (it is released with the rest of the batch). It also returns false when
     * the connection failed, and then the run stops and releases the rest of its batch.
     */
    private boolean download(ItemRecord item) {
        try {
            if (remoteSource.download(item.identity(), localInput(item), transferStop)) {
                return true;
            }
            readiness.claimFailed(item.relPath(), "its size changed after the claim: it is still being written", ctx.clock().instant());
        } catch (IOException e) {
            if (transferStop.requested()) {
                // RemoteSource removed the partial download, and the remote file was only read, so it is unchanged.
                log.info("Run {} of service {} on node {}: the download of {} from {} was stopped by request; the item is released"
                        + " and a later run downloads it again", runId, d.name(), ctx.nodeId(), item.relPath(),
                        d.source().remote().server());
                return false;
            }
            transportFailure = "the download of " + item.relPath() + " from " + d.source().remote().server() + " failed: "
                    + e.getMessage() + "; the items not yet processed are left for the next run";
            log.error("Run {} of service {}: {}", runId, d.name(), transportFailure);
        }
        return false;
    }

    private CompletableFuture<ControlMessage> send(ItemRecord item) {
        CompletableFuture<ControlMessage> reply = dispatch.expect(item.id());
        Path staging = stagingOf(item);
        Path input = localInput(item);
        try {
            worker.send(ControlMessage.process(item.id(), runId, input.toString(), item.relPath(), staging.toString(), item.key()));
        } catch (IOException e) {
            reply.completeExceptionally(new WorkerLostException("the worker's control channel failed: " + e, false));
        }
        return reply;
    }

    /** One item's journal change, run in a savepoint of its own inside the batch's transaction. */
    @FunctionalInterface
    private interface ItemChange {
        void apply(java.sql.Connection c) throws java.sql.SQLException;
    }

    private void commitAndPublish(List<ItemRecord> items, Map<Long, ControlMessage> replies, List<ItemRecord> empty,
            List<ItemRecord> notSent, WorkerLostException lost) {
        List<ItemChange> changes = new ArrayList<>();
        Map<Long, Boolean> keep = new HashMap<>();
        long current = dispatch.currentItem();
        long blamed = lost != null && !lost.killedOnPurpose() && !unsyncedDone.contains(current) ? current : -1;

        for (ItemRecord item : items) {
            ControlMessage reply = replies.get(item.id());
            if (reply != null && "done".equals(reply.type())) {
                changes.add(commit(item, reply));
                keep.put(item.id(), d.onSuccess().kind() == DispositionKind.KEEP);
            } else if (reply != null) {
                changes.add(fail(item, reply.error(), Boolean.TRUE.equals(reply.rejected()), reply.sha256()));
            } else if (empty.contains(item)) {
                changes.add(fail(item, "empty file (0 bytes); set source.acceptEmptyFiles: true to process empty files", true));
            } else if (item.id() == blamed) {
                changes.add(fail(item, "the worker died while processing it: " + lost.getMessage(), false));
            } else if (notSent.contains(item)) {
                String reason = lost != null ? lost.getMessage()
                        : transportFailure != null ? transportFailure
                        : stopping() ? "the run was stopped before the item was processed"
                        : "its size changed after the claim; a later run takes it";
                changes.add(release(item, reason));
                released++;
            }
        }

        // A failed attempt's outputs are never published, and a retry on a full staging disk needs their space.
        FailedAttemptStaging failedStaging = new FailedAttemptStaging(d.name(), runId, ctx.nodeId());
        for (ItemRecord item : failedAttempts) {
            failedStaging.remove(stagingOf(item), DOWNLOAD);
        }
        failedAttempts.clear();

        // One transaction for the whole batch: every item's change, then what is left to publish.
        List<String> errors = new ArrayList<>();
        List<ItemActions> batch = ctx.journal().call(c -> {
            for (ItemChange change : changes) {
                applyIsolated(c, change, errors);
            }
            List<ItemActions> out = new ArrayList<>();
            for (ItemRecord item : items) {
                ItemRecord now = WorkItems.current(c, item.id());
                if (now.state() == WorkItemState.COMMITTED || now.state() == WorkItemState.QUARANTINED) {
                    out.add(new ItemActions(now, WorkItems.actionsOfItem(c, item.id())));
                }
            }
            return out;
        });
        for (String error : errors) {
            log.error("Run {} of service {}: recording an item failed: {}", runId, d.name(), error);
        }
        logFailures();

        if (!batch.isEmpty()) {
            for (var r : committed.publish(batch, keep)) {
                if (r.state() == WorkItemState.PUBLISH_BLOCKED || r.state() == WorkItemState.DISPOSITION_PENDING) {
                    unpublished++;
                }
            }
        }
    }

    private static void applyIsolated(java.sql.Connection c, ItemChange change, List<String> errors) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SAVEPOINT item");
            try {
                change.apply(c);
                s.execute("RELEASE item");
            } catch (java.sql.SQLException | RuntimeException e) {
                s.execute("ROLLBACK TO item");
                s.execute("RELEASE item");
                errors.add(e.getMessage());
            }
        }
    }

    private ItemChange commit(ItemRecord item, ControlMessage reply) {
        Path staged = Path.of(reply.output());
        FileKey key;
        try {
            key = FileKeys.of(staged);
        } catch (IOException e) {
            return fail(item, "cannot read the staged output " + staged + ": " + e, false);
        }
        if (key == null) {
            return fail(item, "the staged output " + staged + " is missing", false);
        }

        List<ActionSpec> actions = new ArrayList<>();
        String relDir = parentOf(item.relPath());
        String fileName = nameOf(item.relPath());
        try {
            for (TargetSpec t : d.targets()) {
                String outputName = Naming.outputName(t.nameTemplate(), fileName, runId, ctx.epoch());
                if (t.remote() != null) {
                    // A remote target is one flat folder: outputs of a recursive source keep their file names only.
                    actions.add(new ActionSpec(ActionKind.PUBLISH_REMOTE, staged.toString(),
                            RemoteLocation.of(t.remote(), t.remote().pathOf(Naming.checkedName(outputName))).toString(), 0, 0));
                    continue;
                }
                Path target = Naming.inside(t.path(), relDir, outputName);
                actions.add(new ActionSpec(ActionKind.PUBLISH_OUTPUT, staged.toString(), target.toString(), key.device(), key.inode()));
            }
            if (remoteSource != null) {
                remoteDisposition(item, fileName).ifPresent(actions::add);
                return commitChange(item, reply, actions);
            }
            Path input = d.source().path().resolve(item.relPath());
            switch (d.onSuccess().kind()) {
                case ARCHIVE -> {
                    Path folder = Naming.archiveFolder(d.onSuccess().archiveTemplate(), ZonedDateTime.now(ctx.clock()));
                    Path archived = Naming.inside(folder, relDir, Naming.unique(fileName, "run-" + runId));
                    if (Files.exists(archived, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        // A file that Baton did not put there has that name, so the item id makes another name unique.
                        archived = Naming.inside(folder, relDir, Naming.unique(fileName, "run-" + runId + ".item-" + item.id()));
                    }
                    actions.add(new ActionSpec(ActionKind.ARCHIVE_INPUT, input.toString(), archived.toString(), item.device(), item.inode()));
                }
                case DELETE -> actions.add(new ActionSpec(ActionKind.DELETE_INPUT, input.toString(), input.toString(), item.device(), item.inode()));
                case KEEP -> { }
            }
        } catch (IllegalArgumentException | IOException e) {
            return fail(item, e.getMessage(), true);
        }
        return commitChange(item, reply, actions);
    }

    /** Returns the disposition of a remote input on its server: an archive move, a delete, or none (keep). */
    private java.util.Optional<ActionSpec> remoteDisposition(ItemRecord item, String fileName) throws IOException {
        String input = RemoteLocation.of(d.source().remote(), remoteSource.remotePath(item.relPath())).toString();
        return switch (d.onSuccess().kind()) {
            case ARCHIVE -> {
                String folder = Naming.archiveFolder(d.onSuccess().archiveTemplate(), ZonedDateTime.now(ctx.clock())).toString();
                String archived = (folder.endsWith("/") ? folder : folder + "/") + Naming.unique(fileName, "run-" + runId);
                yield java.util.Optional.of(new ActionSpec(ActionKind.ARCHIVE_REMOTE_INPUT, input,
                        RemoteLocation.of(d.source().remote(), archived).toString(), 0, 0));
            }
            case DELETE -> java.util.Optional.of(new ActionSpec(ActionKind.DELETE_REMOTE_INPUT, input, input, 0, 0));
            case KEEP -> java.util.Optional.empty();
        };
    }

    private ItemChange commitChange(ItemRecord item, ControlMessage reply, List<ActionSpec> actions) {
        long itemRecords = reply.records() == null ? 0 : reply.records();
        long itemBytes = reply.bytes() == null ? 0 : reply.bytes();
        return c -> {
            WorkItems.commit(c, item.id(), itemRecords, itemBytes, actions);
            WorkItems.recordSha256(c, item.id(), reply.sha256());
            ItemAttempts.end(c, item.id(), ItemAttempts.Outcome.COMMITTED, null, ctx.clock().instant());
            committedCount++;
            records += itemRecords;
            bytesIn += item.size();
            bytesOut += itemBytes;
        };
    }

    /** A recorded failure, logged on the run's thread where the service and run are in the MDC. */
    private record FailureOutcome(ItemRecord item, WorkItemState state, String error) {
    }

    private void logFailures() {
        FailureOutcome f;
        while ((f = outcomes.poll()) != null) {
            if (f.state() == WorkItemState.QUARANTINED) {
                quarantinedCount++;
                log.error("Run {} of service {}: {} quarantined: {}", runId, d.name(), f.item().relPath(), f.error());
                ctx.alerts().fileQuarantined(d.name(), runId, f.item().relPath(), f.error());
            } else {
                failedCount++;
                log.warn("Run {} of service {}: {} failed (attempt {} of {}), retried after {}: {}", runId, d.name(),
                        f.item().relPath(), f.item().attempts() + 1, d.onFailure().retries() + 1, d.onFailure().backoff(), f.error());
            }
        }
    }

    private ItemChange fail(ItemRecord item, String error, boolean rejected) {
        return fail(item, error, rejected, null);
    }

    /** Records a failed attempt; {@code sha256} is the input's hash from the worker's reply, or null. */
    private ItemChange fail(ItemRecord item, String error, boolean rejected, String sha256) {
        Path input = localInput(item);
        Path quarantined;
        try {
            quarantined = Naming.inside(d.onFailure().quarantine(), parentOf(item.relPath()),
                    Naming.quarantineName(nameOf(item.relPath()), item.id()));
        } catch (IllegalArgumentException e) {
            quarantined = d.onFailure().quarantine().resolve("item-" + item.id());
        }
        ActionSpec quarantine = remoteSource == null
                ? new ActionSpec(ActionKind.QUARANTINE_INPUT, input.toString(), quarantined.toString(), item.device(), item.inode())
                : quarantineDownload(input, quarantined);
        failedAttempts.add(item);
        return c -> {
            WorkItemState state = WorkItems.fail(c, item.id(), error, rejected, d.onFailure().retries(), d.onFailure().backoff(),
                    quarantine, ctx.clock().instant());
            WorkItems.recordSha256(c, item.id(), sha256);
            ItemAttempts.end(c, item.id(), attemptOutcome(state, rejected), error, ctx.clock().instant());
            outcomes.add(new FailureOutcome(item, state, error));
        };
    }

    /** Returns the quarantine action of a remote input, which copies its download under the download's own file key. */
    private static ActionSpec quarantineDownload(Path download, Path quarantined) {
        FileKey key = null;
        try {
            key = FileKeys.of(download);
        } catch (IOException e) {
            log.warn("Cannot read the downloaded input {}: {}", download, e.toString());
        }
        return new ActionSpec(ActionKind.QUARANTINE_DOWNLOAD, download.toString(), quarantined.toString(),
                key == null ? 0 : key.device(), key == null ? 0 : key.inode());
    }

    private static ItemAttempts.Outcome attemptOutcome(WorkItemState state, boolean rejected) {
        if (rejected) {
            return ItemAttempts.Outcome.REJECTED;
        }
        return state == WorkItemState.QUARANTINED ? ItemAttempts.Outcome.QUARANTINED : ItemAttempts.Outcome.FAILED;
    }

    private ItemChange release(ItemRecord item, String reason) {
        return c -> {
            WorkItems.release(c, item.id(), reason);
            ItemAttempts.end(c, item.id(), ItemAttempts.Outcome.RELEASED, reason, ctx.clock().instant());
        };
    }

    private RunOutcome finish(RunState state, String reason) {
        Runs.RunTotals totals = new Runs.RunTotals(committedCount, failedCount, quarantinedCount, records, bytesIn, bytesOut);
        ctx.journal().call(c -> {
            Runs.finish(c, runId, state, totals, reason, ctx.clock().instant());
            return null;
        });
        log.info("Run {} of service {} ended {}: {} committed, {} failed, {} quarantined, {} records, {} bytes in, {} bytes out{}",
                runId, d.name(), state, committedCount, failedCount, quarantinedCount, records, bytesIn, bytesOut,
                reason == null ? "" : " (" + reason + ")");
        return new RunOutcome(runId, state, committedCount, failedCount, quarantinedCount, bytesIn, bytesOut, reason);
    }

    private static String parentOf(String relPath) {
        int slash = relPath.lastIndexOf('/');
        return slash < 0 ? "" : relPath.substring(0, slash);
    }

    private static String nameOf(String relPath) {
        return relPath.substring(relPath.lastIndexOf('/') + 1);
    }
}
