package io.baton.core.publish;

import io.baton.core.journal.ActionKind;
import io.baton.core.journal.ActionState;
import io.baton.core.journal.WorkItemState;
import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.core.journal.WorkItems.ItemRecord;
import io.baton.core.publish.FileKeys.FileKey;
import io.baton.core.source.FileIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the publish actions that commits recorded: creates outputs under their final names and
 * disposes of inputs. Only the daemon publishes, never a worker.
 *
 * <p>Rules that make a replay after a crash safe:
 * <ul>
 *   <li>A final name is created with {@code link(2)}, which fails when the name exists: an existing
 *       file is never replaced. Across file systems the file is first copied to a temporary name in the
 *       target folder, synced, and that copy's inode recorded before it is linked.</li>
 *   <li>Whether a step was already done is decided from the inode recorded in the journal, never from
 *       a guess such as "a file of the same size exists".</li>
 *   <li>An input is archived or deleted only when it is still the claimed file (device, inode, size,
 *       modification time). A file replaced in the meantime is a new delivery and is left alone.</li>
 *   <li>Phases run over a whole batch with one fsync per folder: outputs are durable under their final
 *       names before any input is removed, and an archived copy is durable before the input's name goes.</li>
 *   <li>The fencing check runs before each batch, each phase and each sub-step. A node that is no
 *       longer sure of its lease publishes nothing more.</li>
 * </ul>
 */
public final class Publisher {

    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private final ActionRecorder recorder;
    private final BooleanSupplier mayPublish;
    private final RemoteActions remote;
    /** Folders known to exist, so that a batch does not ask the file system again for every file. */
    private final Set<Path> knownFolders = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param mayPublish returns false once this node may no longer publish (lease in doubt, deposed)
     */
    public Publisher(ActionRecorder recorder, BooleanSupplier mayPublish) {
        this(recorder, mayPublish, null);
    }

    /**
     * @param remote carries out the actions on remote servers; null when no service has a remote source or target
     */
    public Publisher(ActionRecorder recorder, BooleanSupplier mayPublish, RemoteActions remote) {
        this.recorder = recorder;
        this.mayPublish = mayPublish;
        this.remote = remote;
    }

    /** One item with its open actions, in sequence order. */
    public record ItemActions(ItemRecord item, List<ActionRecord> actions) {
    }

    /** The state each item reached, with the reason when it is not the normal end. */
    public record ItemResult(long itemId, WorkItemState state, String detail) {
    }

    /** Thrown when the fencing check fails in the middle of a batch; what was done is recorded. */
    public static final class FencedException extends RuntimeException {
        public FencedException() {
            super("publishing stopped: this node is no longer sure that it is the active node");
        }
    }

    /**
     * Publishes a batch of committed items. Returns, for every item whose actions all ended, its end
     * state; items whose actions failed end as {@code PUBLISH_BLOCKED} or {@code DISPOSITION_PENDING}.
     *
     * @param keep whether each item's disposition is to keep the input (then it ends as KEPT)
     */
    public List<ItemResult> publish(List<ItemActions> batch, Map<Long, Boolean> keep) {
        checkFence();
        Map<Long, String> blocked = new java.util.HashMap<>();

        Set<Path> outputFolders = new LinkedHashSet<>();
        for (ItemActions ia : batch) {
            for (ActionRecord a : ia.actions()) {
                if (a.kind().createsOutput() && !blocked.containsKey(ia.item().id())) {
                    String failure = run(a, () -> a.kind() == ActionKind.PUBLISH_REMOTE ? deliverRemote(a, ia.item()) : publishOutput(a));
                    if (failure != null) {
                        blocked.put(ia.item().id(), failure);
                    }
                    if (!a.kind().remote()) {
                        outputFolders.add(Path.of(a.targetPath()).getParent());
                    }
                }
            }
        }
        syncAll(outputFolders);

        checkFence();
        Set<Path> linkedFolders = new LinkedHashSet<>();
        List<ActionRecord> removals = new ArrayList<>();
        Map<Long, String> pending = new java.util.HashMap<>();
        for (ItemActions ia : batch) {
            if (blocked.containsKey(ia.item().id())) {
                continue;
            }
            for (ActionRecord a : ia.actions()) {
                if (a.kind().createsOutput()) {
                    continue;
                }
                String failure = run(a, () -> dispose(a, ia.item(), removals));
                if (failure != null) {
                    pending.put(ia.item().id(), failure);
                }
                if (!a.kind().remote()) {
                    linkedFolders.add(Path.of(a.targetPath()).getParent());
                }
            }
        }
        syncAll(linkedFolders);

        checkFence();
        Set<Path> inputFolders = new LinkedHashSet<>();
        for (ActionRecord a : removals) {
            ItemRecord item = itemOf(batch, a.itemId());
            String failure = run(a, () -> removeInput(a, item));
            if (failure != null) {
                pending.put(a.itemId(), failure);
            }
            inputFolders.add(Path.of(a.sourcePath()).getParent());
        }
        syncAll(inputFolders);

        List<ItemResult> results = new ArrayList<>();
        for (ItemActions ia : batch) {
            long id = ia.item().id();
            if (movesToQuarantine(ia)) {
                quarantineResult(ia.item(), pending.get(id)).ifPresent(results::add);
                continue;
            }
            if (blocked.containsKey(id)) {
                results.add(new ItemResult(id, WorkItemState.PUBLISH_BLOCKED, blocked.get(id)));
            } else if (pending.containsKey(id)) {
                results.add(new ItemResult(id, WorkItemState.DISPOSITION_PENDING, pending.get(id)));
            } else {
                results.add(new ItemResult(id, keep.getOrDefault(id, false) ? WorkItemState.KEPT : WorkItemState.DISPOSED, null));
            }
        }
        return results;
    }

    /**
     * Tells whether the batch moves the item's input into quarantine. A retried item keeps the finished
     * quarantine action of its earlier attempt, so only an open one counts for an item past quarantine.
     */
    private static boolean movesToQuarantine(ItemActions ia) {
        if (ia.item().state() == WorkItemState.QUARANTINED) {
            return true;
        }
        return ia.item().state() == WorkItemState.DISPOSITION_PENDING && ia.actions().stream()
                .anyMatch(a -> isQuarantine(a.kind()) && !a.state().isFinal());
    }

    private static boolean isQuarantine(ActionKind kind) {
        return kind == ActionKind.QUARANTINE_INPUT || kind == ActionKind.QUARANTINE_DOWNLOAD;
    }

    /**
     * Returns the state change of an item whose input is being moved to quarantine, if any. The item is
     * reported as quarantined only once its input is in the quarantine folder. Until then it is
     * DISPOSITION_PENDING, with the input still in the source folder, and the move is retried like an archive.
     */
    private static Optional<ItemResult> quarantineResult(ItemRecord item, String failure) {
        if (failure != null) {
            return Optional.of(new ItemResult(item.id(), WorkItemState.DISPOSITION_PENDING, null));
        }
        if (item.state() == WorkItemState.DISPOSITION_PENDING) {
            return Optional.of(new ItemResult(item.id(), WorkItemState.QUARANTINED, null));
        }
        return Optional.empty();
    }

    private static ItemRecord itemOf(List<ItemActions> batch, long itemId) {
        for (ItemActions ia : batch) {
            if (ia.item().id() == itemId) {
                return ia.item();
            }
        }
        throw new IllegalStateException("work item " + itemId + " is not in the batch");
    }

    private void checkFence() {
        if (!mayPublish.getAsBoolean()) {
            throw new FencedException();
        }
    }

    /** A sub-step that ends an action (returns its end state) or leaves it to a later phase (returns null). */
    private interface Step {
        Outcome run() throws IOException;
    }

    private record Outcome(ActionState state, String detail) {
        static final Outcome LATER = new Outcome(null, null);
    }

    /** Runs a sub-step, records its end state, and returns the failure message, if any. */
    private String run(ActionRecord a, Step step) {
        if (a.state().isFinal()) {
            return null;
        }
        // Checked before every sub-step, so that a node woken from a pause stops after at most the one
        // file-system call it was in, not after the rest of its batch.
        checkFence();
        Outcome outcome;
        try {
            outcome = step.run();
        } catch (IOException e) {
            outcome = new Outcome(ActionState.FAILED, describe(e));
        }
        if (outcome.state() == null) {
            return null;
        }
        recorder.record(a.id(), outcome.state(), outcome.detail());
        if (outcome.state() == ActionState.FAILED) {
            boolean repeat = a.state() == ActionState.FAILED && java.util.Objects.equals(a.detail(), outcome.detail());
            if (repeat) {
                // Retried at the start of every run: the first failure was logged, the same failure again is not news.
                log.debug("Publish action {} of work item {} failed again: {}", a.kind(), a.itemId(), outcome.detail());
            } else {
                log.error("Publish action {} of work item {} failed: {} -> {}: {}", a.kind(), a.itemId(),
                        a.sourcePath(), a.targetPath(), outcome.detail());
            }
            return outcome.detail();
        }
        if (outcome.state() == ActionState.SKIPPED) {
            log.warn("Publish action {} of work item {} skipped for {}: {}", a.kind(), a.itemId(), a.sourcePath(), outcome.detail());
        }
        return null;
    }

    private Outcome publishOutput(ActionRecord a) throws IOException {
        Path staged = Path.of(a.sourcePath());
        Path target = Path.of(a.targetPath());
        FileKey expected = new FileKey(a.device(), a.inode());
        FileKey existing = FileKeys.of(target);
        if (existing != null) {
            if (existing.equals(expected)) {
                Files.deleteIfExists(tempOf(target, a));
                return new Outcome(ActionState.DONE, "already published");
            }
            return new Outcome(ActionState.FAILED, "target file exists: " + target
                    + "; Baton never replaces a file: move it away, and the next run publishes this output");
        }
        ensureFolder(target.getParent());
        linkOrCopy(a, staged, target, expected);
        return new Outcome(ActionState.DONE, null);
    }

    /**
     * Creates {@code target} as a new name of {@code source}; across file systems, as a synced copy
     * under a temporary name in the target folder, recorded before it is linked.
     */
    private void linkOrCopy(ActionRecord a, Path source, Path target, FileKey expected) throws IOException {
        Path temp = tempOf(target, a);
        if (a.state() == ActionState.COPIED && expected.equals(FileKeys.of(temp))) {
            link(target, temp);
            Files.deleteIfExists(temp);
            return;
        }
        try {
            link(target, source);
        } catch (FileSystemException e) {
            if (!isCrossDevice(e)) {
                throw e;
            }
            copyToTemp(source, temp);
            FileKey copied = FileKeys.of(temp);
            recorder.recordCopied(a.id(), copied.device(), copied.inode());
            link(target, temp);
            Files.delete(temp);
        }
    }

    /**
     * Copies and syncs {@code source} to {@code temp}. On failure the partial copy is removed, so that
     * it takes no space, and the error names the target side: the JDK's copy error names the source
     * even when the target's file system is the full one.
     */
    private static void copyToTemp(Path source, Path temp) throws IOException {
        try {
            Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
            FileKeys.syncFile(temp);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
            throw new FileSystemException(temp.toString(), source.toString(), "copy into the target folder failed: " + reason);
        }
    }

    /** Returns the temporary name of a cross-device copy, unique per action, in the target's folder. */
    private static Path tempOf(Path target, ActionRecord a) {
        return target.resolveSibling(".baton-" + a.id() + ".tmp");
    }

    private void ensureFolder(Path folder) throws IOException {
        if (!knownFolders.contains(folder)) {
            try {
                Files.createDirectories(folder);
            } catch (FileAlreadyExistsException e) {
                // The JDK reports a file at the folder's own path this way; the cause is the same as below it.
                throw new FileSystemException(e.getFile(), null, "Not a directory");
            }
            knownFolders.add(folder);
        }
    }

    private void link(Path target, Path existing) throws IOException {
        try {
            Files.createLink(target, existing);
        } catch (NoSuchFileException e) {
            if (!Files.exists(existing)) {
                throw e;
            }
            // The target folder was removed since it was last seen: create it again, once.
            knownFolders.remove(target.getParent());
            Files.createDirectories(target.getParent());
            Files.createLink(target, existing);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(target.toString(), null, "target file exists; Baton never replaces a file");
        }
    }

    private static boolean isCrossDevice(FileSystemException e) {
        String reason = e.getReason();
        return reason != null && reason.contains("cross-device");
    }

    private Outcome dispose(ActionRecord a, ItemRecord item, List<ActionRecord> removals) throws IOException {
        Path input = Path.of(a.sourcePath());
        FileIdentity claimed = item.identity();
        if (a.kind() == ActionKind.ARCHIVE_REMOTE_INPUT || a.kind() == ActionKind.DELETE_REMOTE_INPUT) {
            String leftAlone = remote().dispose(a, claimed);
            return leftAlone == null ? new Outcome(ActionState.DONE, null) : new Outcome(ActionState.SKIPPED, leftAlone);
        }
        if (a.kind() == ActionKind.DELETE_INPUT) {
            return checkInput(input, claimed, removals, a);
        }
        if (a.kind() != ActionKind.ARCHIVE_INPUT && !isQuarantine(a.kind())) {
            return new Outcome(ActionState.FAILED, "unknown publish action " + a.kind() + "; a newer Baton wrote it");
        }
        Path target = Path.of(a.targetPath());
        FileKey expected = new FileKey(a.device(), a.inode());
        FileKey existing = FileKeys.of(target);
        if (existing != null && !existing.equals(expected)) {
            return new Outcome(ActionState.FAILED, (a.kind() == ActionKind.ARCHIVE_INPUT ? "archive" : "quarantine")
                    + " file exists: " + target + "; Baton never replaces a file");
        }
        if (existing != null) {
            Files.deleteIfExists(tempOf(target, a));
        } else if (a.kind() == ActionKind.QUARANTINE_DOWNLOAD) {
            // The downloaded copy lies in staging, which no one else writes: no identity check, and no input to remove.
            ensureFolder(target.getParent());
            writeReason(target, item);
            linkOrCopy(a, input, target, expected);
            return new Outcome(ActionState.DONE, null);
        } else {
            Outcome check = checkInput(input, claimed, null, a);
            if (check != Outcome.LATER) {
                return check;
            }
            ensureFolder(target.getParent());
            if (a.kind() == ActionKind.QUARANTINE_INPUT) {
                writeReason(target, item);
            }
            linkOrCopy(a, input, target, expected);
        }
        if (a.kind() == ActionKind.QUARANTINE_DOWNLOAD) {
            return new Outcome(ActionState.DONE, null);
        }
        removals.add(a);
        return Outcome.LATER;
    }

    /** Uploads and renames one remote output; the "uploaded" sub-step is committed before the rename. */
    private Outcome deliverRemote(ActionRecord a, ItemRecord item) throws IOException {
        remote().deliver(a, item.epoch(), epoch -> recorder.recordCopied(a.id(), epoch, 1));
        return new Outcome(ActionState.DONE, null);
    }

    private RemoteActions remote() throws IOException {
        if (remote == null) {
            throw new IOException("no remote client is configured for this publisher; a remote action needs the node's transport module");
        }
        return remote;
    }

    /** Checks that the input is still the claimed file, and queues its removal when {@code removals} is given. */
    private static Outcome checkInput(Path input, FileIdentity claimed, List<ActionRecord> removals, ActionRecord a) throws IOException {
        FileIdentity now;
        try {
            now = FileIdentity.of(input, claimed.relPath());
        } catch (NoSuchFileException e) {
            return new Outcome(ActionState.SKIPPED, "input vanished before its disposition: " + input);
        }
        if (!now.sameContentAs(claimed)) {
            return new Outcome(ActionState.SKIPPED, "input was replaced by a new delivery and is left in place: " + input);
        }
        if (removals != null) {
            removals.add(a);
        }
        return Outcome.LATER;
    }

    private Outcome removeInput(ActionRecord a, ItemRecord item) throws IOException {
        Path input = Path.of(a.sourcePath());
        FileKey key = FileKeys.of(input);
        if (key != null && key.device() == item.device() && key.inode() == item.inode()) {
            Files.delete(input);
        }
        return new Outcome(ActionState.DONE, null);
    }

    private static void writeReason(Path target, ItemRecord item) throws IOException {
        Path reason = target.resolveSibling(target.getFileName() + ".reason.txt");
        String text = "work item " + item.id() + " (" + item.relPath() + ") was quarantined after " + item.attempts()
                + " failed attempt(s)\nreason: " + item.error() + "\n";
        Files.writeString(reason, text, StandardCharsets.UTF_8);
    }

    private static void syncAll(Set<Path> folders) {
        for (Path folder : folders) {
            try {
                FileKeys.syncDirectory(folder);
            } catch (IOException e) {
                log.warn("Cannot sync folder {}: {}", folder, e.toString());
            }
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        if (e instanceof FileSystemException f && "Not a directory".equals(f.getReason())) {
            return "a part of the path " + f.getFile() + " is a file, not a folder; move that file away, and the next run"
                    + " tries again";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + ": " + f.getFile();
        }
        return e.toString();
    }
}
