package io.baton.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.baton.core.journal.ActionKind;
import io.baton.core.journal.ActionState;
import io.baton.core.journal.Journal;
import io.baton.core.journal.Runs;
import io.baton.core.journal.WorkItemState;
import io.baton.core.journal.WorkItems;
import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.core.journal.WorkItems.ActionSpec;
import io.baton.core.journal.WorkItems.Claimed;
import io.baton.core.publish.FileKeys.FileKey;
import io.baton.core.publish.Publisher.FencedException;
import io.baton.core.publish.Publisher.ItemActions;
import io.baton.core.publish.Publisher.ItemResult;
import io.baton.core.source.FileIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing on real files. The journal only builds the item and action records. The publisher
 * reports progress to a recorder that keeps a list, so a test can replay a batch from the records
 * as they were before a simulated crash.
 */
class PublisherTest {

    private static final String SERVICE = "orders";
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path temp;

    private Path inbox;
    private Path out;
    private Path archive;
    private Path quarantine;
    private Journal journal;
    private long runId;
    private final RecordingActionRecorder recorder = new RecordingActionRecorder();
    private Path otherDevice;

    /** An {@link ActionRecorder} that keeps every call in a list. */
    static final class RecordingActionRecorder implements ActionRecorder {

        record Call(String method, long actionId, ActionState state, String detail, long device, long inode) {
        }

        final List<Call> calls = new CopyOnWriteArrayList<>();

        @Override
        public void record(long actionId, ActionState state, String detail) {
            calls.add(new Call("record", actionId, state, detail, 0, 0));
        }

        @Override
        public void recordCopied(long actionId, long device, long inode) {
            calls.add(new Call("recordCopied", actionId, ActionState.COPIED, null, device, inode));
        }

        List<Call> of(long actionId) {
            return calls.stream().filter(c -> c.actionId() == actionId).toList();
        }

        /** Returns the only end state recorded for the action, and fails the test when there is none or more than one. */
        Call ended(long actionId) {
            List<Call> ends = of(actionId).stream().filter(c -> c.method().equals("record")).toList();
            assertThat(ends).as("end states recorded for action %d", actionId).hasSize(1);
            return ends.get(0);
        }
    }

    /** One committed or quarantined work item with its input, staged output and publish actions. */
    private record Delivery(Path input, Path staged, FileIdentity identity, long itemId) {
    }

    @BeforeEach
    void openJournal() throws IOException {
        inbox = Files.createDirectories(temp.resolve("inbox"));
        out = temp.resolve("out");
        archive = temp.resolve("archive");
        quarantine = temp.resolve("quarantine");
        Files.createDirectories(temp.resolve("state"));
        journal = Journal.openAndTakeGuard(temp.resolve("state/journal.db"), 1, "node-a", false, 5_000, e -> { });
        runId = journal.call(c -> Runs.start(c, SERVICE, 1, "node-a", "test", NOW));
    }

    @AfterEach
    void cleanUp() throws IOException {
        journal.close();
        if (otherDevice != null) {
            deleteTree(otherDevice);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Publisher publisher() {
        return new Publisher(recorder, () -> true);
    }

    /** Delivers an input and claims it. The staged output is written under {@code stagingRoot}. */
    private Delivery claimed(String name, Path stagingRoot) throws IOException {
        Path input = inbox.resolve(name);
        Files.writeString(input, "input " + name + "\n");
        Path staged = Files.createDirectories(stagingRoot.resolve(name + ".work")).resolve(name);
        Files.writeString(staged, "output of " + name + "\n");
        FileIdentity identity = FileIdentity.of(input, name);
        Claimed claim = (Claimed) journal.call(c -> WorkItems.claim(c, SERVICE, c2 -> runId, 1, identity, NOW));
        return new Delivery(input, staged, identity, claim.itemId());
    }

    private Delivery committed(String name, Path stagingRoot, ActionKind disposition) throws IOException {
        Delivery d = claimed(name, stagingRoot);
        FileKey stagedKey = FileKeys.of(d.staged());
        List<ActionSpec> actions = new ArrayList<>();
        actions.add(new ActionSpec(ActionKind.PUBLISH_OUTPUT, d.staged().toString(), out.resolve(name).toString(),
                stagedKey.device(), stagedKey.inode()));
        if (disposition == ActionKind.ARCHIVE_INPUT) {
            actions.add(new ActionSpec(ActionKind.ARCHIVE_INPUT, d.input().toString(), archive.resolve(name).toString(),
                    d.identity().device(), d.identity().inode()));
        } else if (disposition == ActionKind.DELETE_INPUT) {
            actions.add(new ActionSpec(ActionKind.DELETE_INPUT, d.input().toString(), d.input().toString(),
                    d.identity().device(), d.identity().inode()));
        }
        journal.call(c -> {
            WorkItems.commit(c, d.itemId(), 1, 10, actions);
            return null;
        });
        return d;
    }

    private Delivery committed(String name) throws IOException {
        return committed(name, temp.resolve("work"), ActionKind.ARCHIVE_INPUT);
    }

    private Delivery quarantined(String name, String error) throws IOException {
        Delivery d = claimed(name, temp.resolve("work"));
        ActionSpec spec = new ActionSpec(ActionKind.QUARANTINE_INPUT, d.input().toString(), quarantine.resolve(name).toString(),
                d.identity().device(), d.identity().inode());
        journal.call(c -> WorkItems.fail(c, d.itemId(), error, true, 3, Duration.ofSeconds(30), spec, NOW));
        return d;
    }

    /** Reads the item and its actions as the journal contains them now, as a replay would. */
    private ItemActions batchOf(Delivery d) {
        return journal.call(c -> new ItemActions(WorkItems.current(c, d.itemId()), WorkItems.actionsOfItem(c, d.itemId())));
    }

    private ActionRecord action(ItemActions ia, ActionKind kind) {
        return ia.actions().stream().filter(a -> a.kind() == kind).findFirst().orElseThrow();
    }

    private static List<String> names(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static FileIdentity identityOf(Path file) throws IOException {
        return FileIdentity.of(file, file.getFileName().toString());
    }

    private List<ItemResult> publish(ItemActions ia) {
        return publisher().publish(List.of(ia), Map.of());
    }

    @Test
    void outputIsHardLinkUnderFinalName() throws IOException {
        Delivery d = committed("a.csv");
        ItemActions ia = batchOf(d);

        List<ItemResult> results = publish(ia);

        Path target = out.resolve("a.csv");
        assertThat(FileKeys.of(target)).isEqualTo(FileKeys.of(d.staged()));
        assertThat(target).hasContent("output of a.csv");
        assertThat(names(out)).containsExactly("a.csv");
        assertThat(recorder.ended(action(ia, ActionKind.PUBLISH_OUTPUT).id()).state()).isEqualTo(ActionState.DONE);
        assertThat(results).containsExactly(new ItemResult(d.itemId(), WorkItemState.DISPOSED, null));
    }

    @Test
    void archiveLinksInputAndRemovesIt() throws IOException {
        Delivery d = committed("a.csv");
        ItemActions ia = batchOf(d);

        publish(ia);

        assertThat(FileKeys.of(archive.resolve("a.csv"))).isEqualTo(new FileKey(d.identity().device(), d.identity().inode()));
        assertThat(d.input()).doesNotExist();
        assertThat(recorder.ended(action(ia, ActionKind.ARCHIVE_INPUT).id()).state()).isEqualTo(ActionState.DONE);
    }

    @Test
    void batchPublishesEveryItem() throws IOException {
        Delivery a = committed("a.csv");
        Delivery b = committed("b.csv");

        List<ItemResult> results = publisher().publish(List.of(batchOf(a), batchOf(b)), Map.of());

        assertThat(names(out)).containsExactly("a.csv", "b.csv");
        assertThat(names(archive)).containsExactly("a.csv", "b.csv");
        assertThat(names(inbox)).isEmpty();
        assertThat(results).extracting(ItemResult::state).containsExactly(WorkItemState.DISPOSED, WorkItemState.DISPOSED);
    }

    @Test
    void existingTargetNeverReplaced() throws IOException {
        Delivery d = committed("a.csv");
        Files.createDirectories(out);
        Path target = out.resolve("a.csv");
        Files.writeString(target, "someone else's file\n");
        FileKey before = FileKeys.of(target);
        ItemActions ia = batchOf(d);

        List<ItemResult> results = publish(ia);

        assertThat(target).hasContent("someone else's file");
        assertThat(FileKeys.of(target)).isEqualTo(before);
        RecordingActionRecorder.Call call = recorder.ended(action(ia, ActionKind.PUBLISH_OUTPUT).id());
        assertThat(call.state()).isEqualTo(ActionState.FAILED);
        assertThat(call.detail()).contains("target file exists: " + target);
        assertThat(results).hasSize(1);
        assertThat(results.get(0).state()).isEqualTo(WorkItemState.PUBLISH_BLOCKED);
        assertThat(results.get(0).detail()).contains("target file exists");
        assertThat(identityOf(d.input())).isEqualTo(d.identity());
        assertThat(archive).doesNotExist();
        assertThat(recorder.of(action(ia, ActionKind.ARCHIVE_INPUT).id())).isEmpty();
    }

    @Test
    void blockedItemDoesNotStopOthers() throws IOException {
        Delivery blocked = committed("a.csv");
        Delivery free = committed("b.csv");
        Files.createDirectories(out);
        Files.writeString(out.resolve("a.csv"), "someone else's file\n");

        List<ItemResult> results = publisher().publish(List.of(batchOf(blocked), batchOf(free)), Map.of());

        assertThat(results).extracting(ItemResult::state).containsExactly(WorkItemState.PUBLISH_BLOCKED, WorkItemState.DISPOSED);
        assertThat(FileKeys.of(out.resolve("b.csv"))).isEqualTo(FileKeys.of(free.staged()));
        assertThat(blocked.input()).exists();
        assertThat(free.input()).doesNotExist();
    }

    @Test
    void existingArchiveFileNeverReplaced() throws IOException {
        Delivery d = committed("a.csv");
        Files.createDirectories(archive);
        Files.writeString(archive.resolve("a.csv"), "an older archive\n");
        ItemActions ia = batchOf(d);

        List<ItemResult> results = publish(ia);

        assertThat(archive.resolve("a.csv")).hasContent("an older archive");
        assertThat(recorder.ended(action(ia, ActionKind.ARCHIVE_INPUT).id()).state()).isEqualTo(ActionState.FAILED);
        assertThat(results.get(0).state()).isEqualTo(WorkItemState.DISPOSITION_PENDING);
        assertThat(identityOf(d.input())).isEqualTo(d.identity());
    }

    @Test
    void replayWithLinkedTargetAddsNoFile() throws IOException {
        // Crash after link(2) of the output, before its DONE state was recorded.
        Delivery d = committed("a.csv");
        Files.createDirectories(out);
        Files.createLink(out.resolve("a.csv"), d.staged());
        ItemActions ia = batchOf(d);

        List<ItemResult> results = publish(ia);

        RecordingActionRecorder.Call call = recorder.ended(action(ia, ActionKind.PUBLISH_OUTPUT).id());
        assertThat(call.state()).isEqualTo(ActionState.DONE);
        assertThat(call.detail()).isEqualTo("already published");
        assertThat(names(out)).containsExactly("a.csv");
        assertThat(FileKeys.of(out.resolve("a.csv"))).isEqualTo(FileKeys.of(d.staged()));
        assertThat(results.get(0).state()).isEqualTo(WorkItemState.DISPOSED);
    }

    @Test
    void replayWithArchiveLinkedRemovesInput() throws IOException {
        // Crash after the archive link, before the input's name was removed.
        Delivery d = committed("a.csv");
        Files.createDirectories(out);
        Files.createLink(out.resolve("a.csv"), d.staged());
        Files.createDirectories(archive);
        Files.createLink(archive.resolve("a.csv"), d.input());
        ItemActions ia = batchOf(d);

        List<ItemResult> results = publish(ia);

        assertThat(d.input()).doesNotExist();
        assertThat(FileKeys.of(archive.resolve("a.csv"))).isEqualTo(new FileKey(d.identity().device(), d.identity().inode()));
        assertThat(names(archive)).containsExactly("a.csv");
        assertThat(recorder.ended(action(ia, ActionKind.ARCHIVE_INPUT).id()).state()).isEqualTo(ActionState.DONE);
        assertThat(results.get(0).state()).isEqualTo(WorkItemState.DISPOSED);
    }

    @Test
    void replayAfterInputRemovedIsDone() throws IOException {
        // Crash after the input's name was removed, before the DONE state was recorded.
        Delivery d = committed("a.csv");
        Files.createDirectories(out);
        Files.createLink(out.resolve("a.csv"), d.staged());
        Files.createDirectories(archive);
        Files.createLink(archive.resolve("a.csv"), d.input());
        Files.delete(d.input());
        ItemActions ia = batchOf(d);

        List<ItemResult> results = publish(ia);

        RecordingActionRecorder.Call call = recorder.ended(action(ia, ActionKind.ARCHIVE_INPUT).id());
        assertThat(call.state()).isEqualTo(ActionState.DONE);
        assertThat(archive.resolve("a.csv")).hasContent("input a.csv");
        assertThat(results.get(0).state()).isEqualTo(WorkItemState.DISPOSED);
    }

    @Test
    void replayWithArchiveLinkedLeavesNewDelivery() throws IOException {
        // Crash after the archive link. Then a new file arrived under the input's name.
        Delivery d = committed("a.csv");
        Files.createDirectories(archive);
        Files.createLink(archive.resolve("a.csv"), d.input());
        Path incoming = inbox.resolve("a.csv.incoming");
        Files.writeString(incoming, "a new delivery\n");
        Files.move(incoming, d.input(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ItemActions ia = batchOf(d);

        publish(ia);

        assertThat(d.input()).hasContent("a new delivery");
        assertThat(archive.resolve("a.csv")).hasContent("input a.csv");
    }

    @Test
    void replaySkipsActionsRecordedDone() throws IOException {
        Delivery d = committed("a.csv");
        publish(batchOf(d));
        List<ActionRecord> first = batchOf(d).actions();
        journal.call(c -> {
            for (ActionRecord a : first) {
                WorkItems.updateAction(c, a.id(), ActionState.DONE, null);
            }
            return null;
        });
        recorder.calls.clear();

        List<ItemResult> results = publish(batchOf(d));

        assertThat(recorder.calls).isEmpty();
        assertThat(results.get(0).state()).isEqualTo(WorkItemState.DISPOSED);
    }

    @Test
    void replacedInputLeftInPlace() throws IOException {
        Delivery d = committed("a.csv");
        Path incoming = inbox.resolve("a.csv.incoming");
        Files.writeString(incoming, "a new delivery\n");
        Files.move(incoming, d.input(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ItemActions ia = batchOf(d);

        List<ItemResult> results = publish(ia);

        RecordingActionRecorder.Call call = recorder.ended(action(ia, ActionKind.ARCHIVE_INPUT).id());
        assertThat(call.state()).isEqualTo(ActionState.SKIPPED);
        assertThat(call.detail()).contains("replaced by a new delivery");
        assertThat(d.input()).hasContent("a new delivery");
        assertThat(names(archive)).isEmpty();
        assertThat(out.resolve("a.csv")).hasContent("output of a.csv");
        assertThat(results.get(0).state()).isEqualTo(WorkItemState.DISPOSED);
    }

    @Test
    void deletedInputSkippedNotFailed() throws IOException {
        Delivery d = committed("a.csv");
        Files.delete(d.input());
        ItemActions ia = batchOf(d);

        List<ItemResult> results = publish(ia);

        RecordingActionRecorder.Call call = recorder.ended(action(ia, ActionKind.ARCHIVE_INPUT).id());
        assertThat(call.state()).isEqualTo(ActionState.SKIPPED);
        assertThat(call.detail()).contains("input vanished");
        assertThat(results.get(0).state()).isEqualTo(WorkItemState.DISPOSED);
        assertThat(names(archive)).isEmpty();
    }

    @Test
    void deleteDispositionRemovesClaimedInput() throws IOException {
        Delivery d = committed("a.csv", temp.resolve("work"), ActionKind.DELETE_INPUT);
        ItemActions ia = batchOf(d);

        List<ItemResult> results = publish(ia);

        assertThat(d.input()).doesNotExist();
        assertThat(recorder.ended(action(ia, ActionKind.DELETE_INPUT).id()).state()).isEqualTo(ActionState.DONE);
        assertThat(results.get(0).state()).isEqualTo(WorkItemState.DISPOSED);
    }

    @Test
    void deleteDispositionLeavesReplacedInput() throws IOException {
        Delivery d = committed("a.csv", temp.resolve("work"), ActionKind.DELETE_INPUT);
        Path incoming = inbox.resolve("a.csv.incoming");
        Files.writeString(incoming, "a new delivery\n");
        Files.move(incoming, d.input(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ItemActions ia = batchOf(d);

        publish(ia);

        assertThat(d.input()).hasContent("a new delivery");
        assertThat(recorder.ended(action(ia, ActionKind.DELETE_INPUT).id()).state()).isEqualTo(ActionState.SKIPPED);
    }

    @Test
    void keepDispositionEndsKept() throws IOException {
        Delivery d = committed("a.csv", temp.resolve("work"), null);

        List<ItemResult> results = publisher().publish(List.of(batchOf(d)), Map.of(d.itemId(), true));

        assertThat(results).containsExactly(new ItemResult(d.itemId(), WorkItemState.KEPT, null));
        assertThat(identityOf(d.input())).isEqualTo(d.identity());
    }

    @Test
    void quarantineWritesReasonBesideInput() throws IOException {
        Delivery d = quarantined("a.csv", "bad header in line 1");
        ItemActions ia = batchOf(d);

        List<ItemResult> results = publish(ia);

        assertThat(FileKeys.of(quarantine.resolve("a.csv"))).isEqualTo(new FileKey(d.identity().device(), d.identity().inode()));
        Path reason = quarantine.resolve("a.csv.reason.txt");
        assertThat(reason).exists();
        assertThat(Files.readString(reason)).contains("work item " + d.itemId() + " (a.csv)");
        assertThat(Files.readString(reason)).contains("reason: bad header in line 1");
        assertThat(d.input()).doesNotExist();
        assertThat(recorder.ended(action(ia, ActionKind.QUARANTINE_INPUT).id()).state()).isEqualTo(ActionState.DONE);
        assertThat(results).isEmpty();
    }

    @Test
    void failedQuarantineMoveNotQuarantined() throws IOException {
        Delivery d = quarantined("a.csv", "bad header in line 1");
        Files.writeString(quarantine, "a regular file where the quarantine folder belongs\n");
        ItemActions ia = batchOf(d);

        List<ItemResult> failed = publish(ia);

        assertThat(failed).containsExactly(new ItemResult(d.itemId(), WorkItemState.DISPOSITION_PENDING, null));
        assertThat(identityOf(d.input())).as("input after the failed move").isEqualTo(d.identity());
        assertThat(recorder.ended(action(ia, ActionKind.QUARANTINE_INPUT).id()).state()).isEqualTo(ActionState.FAILED);
        assertThat(recorder.ended(action(ia, ActionKind.QUARANTINE_INPUT).id()).detail()).as("detail of the failed move")
                .contains("is a file, not a folder").contains("move that file away");
        assertThat(WorkItemState.QUARANTINED.canMoveTo(WorkItemState.DISPOSITION_PENDING)).isTrue();

        Files.delete(quarantine);
        journal.call(c -> {
            WorkItems.finish(c, d.itemId(), WorkItemState.QUARANTINED, WorkItemState.DISPOSITION_PENDING, null, NOW);
            return null;
        });
        List<ItemResult> retried = publish(batchOf(d));

        assertThat(retried).containsExactly(new ItemResult(d.itemId(), WorkItemState.QUARANTINED, null));
        assertThat(quarantine.resolve("a.csv")).exists();
        assertThat(d.input()).doesNotExist();
    }

    @Test
    void fencedBeforeBatchCreatesNothing() throws IOException {
        Delivery d = committed("a.csv");
        Publisher fenced = new Publisher(recorder, () -> false);

        assertThrows(FencedException.class, () -> fenced.publish(List.of(batchOf(d)), Map.of()));

        assertThat(out).doesNotExist();
        assertThat(archive).doesNotExist();
        assertThat(identityOf(d.input())).isEqualTo(d.identity());
        assertThat(recorder.calls).isEmpty();
    }

    @Test
    void fencedAfterOutputsKeepsInput() throws IOException {
        Delivery d = committed("a.csv");
        AtomicInteger checks = new AtomicInteger();
        // Checks pass for the batch and the output's sub-step, and fail at the start of the archive phase.
        Publisher fencedLater = new Publisher(recorder, () -> checks.incrementAndGet() <= 2);
        ItemActions ia = batchOf(d);

        assertThrows(FencedException.class, () -> fencedLater.publish(List.of(ia), Map.of()));

        assertThat(out.resolve("a.csv")).exists();
        assertThat(recorder.ended(action(ia, ActionKind.PUBLISH_OUTPUT).id()).state()).isEqualTo(ActionState.DONE);
        assertThat(archive).doesNotExist();
        assertThat(identityOf(d.input())).isEqualTo(d.identity());
        assertThat(recorder.of(action(ia, ActionKind.ARCHIVE_INPUT).id())).isEmpty();
    }

    @Test
    void fencedBeforeRemovalKeepsInputName() throws IOException {
        Delivery d = committed("a.csv");
        AtomicInteger checks = new AtomicInteger();
        // Checks pass for the batch, the output's sub-step, the archive phase and the archive's sub-step,
        // and fail at the start of the removal phase.
        Publisher fencedLater = new Publisher(recorder, () -> checks.incrementAndGet() <= 4);

        assertThrows(FencedException.class, () -> fencedLater.publish(List.of(batchOf(d)), Map.of()));

        assertThat(archive.resolve("a.csv")).exists();
        assertThat(d.input()).exists();
    }

    @Test
    void fencedBetweenOutputsPublishesNoMore() throws IOException {
        Delivery first = committed("a.csv");
        Delivery second = committed("b.csv");
        AtomicInteger checks = new AtomicInteger();
        // Checks pass for the batch and the first output's sub-step, then fail before the second output.
        Publisher fencedLater = new Publisher(recorder, () -> checks.incrementAndGet() <= 2);

        assertThrows(FencedException.class, () -> fencedLater.publish(List.of(batchOf(first), batchOf(second)), Map.of()));

        assertThat(out.resolve("a.csv")).exists();
        assertThat(out.resolve("b.csv")).doesNotExist();
        assertThat(second.input()).exists();
    }

    /** Returns a folder on another file system than the temporary folder, or skips the test. */
    private Path otherDevice() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "needs a writable /dev/shm");
        otherDevice = Files.createTempDirectory(shm, "baton-publisher-test-");
        assumeTrue(FileKeys.of(otherDevice).device() != FileKeys.of(temp).device(), "/dev/shm is on the same device as " + temp);
        return otherDevice;
    }

    @Test
    void crossDeviceOutputIsSyncedCopy() throws IOException {
        Delivery d = committed("a.csv", otherDevice(), ActionKind.ARCHIVE_INPUT);
        ItemActions ia = batchOf(d);
        long actionId = action(ia, ActionKind.PUBLISH_OUTPUT).id();

        List<ItemResult> results = publish(ia);

        Path target = out.resolve("a.csv");
        assertThat(target).hasContent("output of a.csv");
        assertThat(names(out)).containsExactly("a.csv");
        List<RecordingActionRecorder.Call> calls = recorder.of(actionId);
        assertThat(calls).extracting(RecordingActionRecorder.Call::method).containsExactly("recordCopied", "record");
        assertThat(calls.get(0).inode()).isEqualTo(FileKeys.of(target).inode());
        assertThat(calls.get(1).state()).isEqualTo(ActionState.DONE);
        assertThat(results.get(0).state()).isEqualTo(WorkItemState.DISPOSED);
    }

    @Test
    void crossDeviceReplayLinksRecordedCopy() throws IOException {
        // Crash after the copy's inode was recorded, before it was linked under the final name.
        Delivery d = committed("a.csv", otherDevice(), ActionKind.ARCHIVE_INPUT);
        long actionId = action(batchOf(d), ActionKind.PUBLISH_OUTPUT).id();
        Files.createDirectories(out);
        Path copy = out.resolve(".baton-" + actionId + ".tmp");
        Files.copy(d.staged(), copy);
        FileKey copyKey = FileKeys.of(copy);
        journal.call(c -> {
            WorkItems.recordCopied(c, actionId, copyKey.device(), copyKey.inode());
            return null;
        });
        ItemActions ia = batchOf(d);

        publish(ia);

        assertThat(FileKeys.of(out.resolve("a.csv"))).isEqualTo(copyKey);
        assertThat(names(out)).containsExactly("a.csv");
        assertThat(recorder.of(actionId)).extracting(RecordingActionRecorder.Call::method).containsExactly("record");
        assertThat(recorder.ended(actionId).state()).isEqualTo(ActionState.DONE);
    }

    @Test
    void crossDeviceReplayRemovesLinkedCopy() throws IOException {
        // Crash after the copy was linked under the final name, before its temporary name was removed.
        Delivery d = committed("a.csv", otherDevice(), ActionKind.ARCHIVE_INPUT);
        long actionId = action(batchOf(d), ActionKind.PUBLISH_OUTPUT).id();
        Files.createDirectories(out);
        Path copy = out.resolve(".baton-" + actionId + ".tmp");
        Files.copy(d.staged(), copy);
        Files.createLink(out.resolve("a.csv"), copy);
        FileKey copyKey = FileKeys.of(copy);
        journal.call(c -> {
            WorkItems.recordCopied(c, actionId, copyKey.device(), copyKey.inode());
            return null;
        });

        publish(batchOf(d));

        assertThat(recorder.ended(actionId).state()).isEqualTo(ActionState.DONE);
        assertThat(names(out)).as("files in the target folder").containsExactly("a.csv");
    }

    @Test
    void crossDeviceReplayRedoesUnrecordedCopy() throws IOException {
        // Crash during the copy: a partial temporary file exists, and no inode was recorded.
        Delivery d = committed("a.csv", otherDevice(), ActionKind.ARCHIVE_INPUT);
        long actionId = action(batchOf(d), ActionKind.PUBLISH_OUTPUT).id();
        Files.createDirectories(out);
        Files.writeString(out.resolve(".baton-" + actionId + ".tmp"), "out");

        publish(batchOf(d));

        assertThat(out.resolve("a.csv")).hasContent("output of a.csv");
        assertThat(names(out)).containsExactly("a.csv");
    }
}
