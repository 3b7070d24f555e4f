package io.baton.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.core.journal.WorkItems.ActionSpec;
import io.baton.core.journal.WorkItems.ClaimOutcome;
import io.baton.core.journal.WorkItems.Claimed;
import io.baton.core.journal.WorkItems.ItemRecord;
import io.baton.core.journal.WorkItems.RunIdSource;
import io.baton.core.journal.WorkItems.Skipped;
import io.baton.core.source.FileIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkItemsTest {

    private static final String SERVICE = "orders";
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration BACKOFF = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    private Path inbox;
    private Journal journal;
    private long runId;

    @BeforeEach
    void openJournal() throws IOException {
        inbox = Files.createDirectories(temp.resolve("inbox"));
        Files.createDirectories(temp.resolve("state"));
        journal = Journal.openAndTakeGuard(temp.resolve("state/journal.db"), 1, "node-a", false, 5_000, e -> { });
        runId = journal.call(c -> Runs.start(c, SERVICE, 1, "node-a", "schedule", T0));
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    private FileIdentity deliver(String name, String content) throws IOException {
        Path file = inbox.resolve(name);
        Files.writeString(file, content);
        return FileIdentity.of(file, name);
    }

    /** Replaces the file under the same name by a new file (a new inode, because the old one still exists while it is written). */
    private FileIdentity redeliver(String name, String content) throws IOException {
        Path fresh = inbox.resolve(name + ".incoming");
        Files.writeString(fresh, content);
        Files.move(fresh, inbox.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return FileIdentity.of(inbox.resolve(name), name);
    }

    private ClaimOutcome claim(FileIdentity id, Instant now) {
        return journal.call(c -> WorkItems.claim(c, SERVICE, c2 -> runId, 1, id, now));
    }

    private long claimNew(FileIdentity id) {
        ClaimOutcome outcome = claim(id, T0);
        assertThat(outcome).as("first claim of %s", id.relPath()).isInstanceOf(Claimed.class);
        return ((Claimed) outcome).itemId();
    }

    private ItemRecord item(long itemId) {
        return journal.call(c -> WorkItems.current(c, itemId));
    }

    private ActionSpec quarantineSpec(FileIdentity id) {
        return new ActionSpec(ActionKind.QUARANTINE_INPUT, inbox.resolve(id.relPath()).toString(),
                temp.resolve("quarantine").resolve(id.relPath()).toString(), id.device(), id.inode());
    }

    private WorkItemState fail(long itemId, FileIdentity id, boolean rejected, int retries, Instant now) {
        return journal.call(c -> WorkItems.fail(c, itemId, "step failed", rejected, retries, BACKOFF, quarantineSpec(id), now));
    }

    private void commit(long itemId, List<ActionSpec> actions) {
        journal.call(c -> {
            WorkItems.commit(c, itemId, 10, 100, actions);
            return null;
        });
    }

    private void finish(long itemId, WorkItemState from, WorkItemState to) {
        journal.call(c -> {
            WorkItems.finish(c, itemId, from, to, null, T0);
            return null;
        });
    }

    /** Creates a second name for the file, as an archive or quarantine link does, and checks that its change time changed. */
    private void linkElsewhere(String name, FileIdentity before) throws IOException, InterruptedException {
        Thread.sleep(20);
        Path link = Files.createDirectories(temp.resolve("archive")).resolve(name);
        Files.createLink(link, inbox.resolve(name));
        assertThat(FileIdentity.of(inbox.resolve(name), name).ctimeNanos()).as("change time after the link").isNotEqualTo(before.ctimeNanos());
    }

    private static String reason(ClaimOutcome outcome) {
        assertThat(outcome).isInstanceOf(Skipped.class);
        return ((Skipped) outcome).reason();
    }

    @Test
    void newIdentityClaimInserts() throws IOException {
        FileIdentity id = deliver("a.csv", "1,2,3\n");

        ClaimOutcome outcome = claim(id, T0);

        assertThat(outcome).isInstanceOf(Claimed.class);
        Claimed claimed = (Claimed) outcome;
        assertThat(claimed.attempts()).isZero();
        ItemRecord row = item(claimed.itemId());
        assertThat(row.state()).isEqualTo(WorkItemState.CLAIMED);
        assertThat(row.service()).isEqualTo(SERVICE);
        assertThat(row.runId()).isEqualTo(runId);
        assertThat(row.epoch()).isEqualTo(1);
        assertThat(row.identity()).isEqualTo(id);
        assertThat(row.key()).isEqualTo(id.workItemKey(SERVICE));
        assertThat(row.claimedAt()).isEqualTo(T0.toString());
    }

    @Test
    void skippedClaimCreatesNoRun() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        claimNew(id);
        AtomicInteger runsCreated = new AtomicInteger();
        RunIdSource counting = c -> {
            runsCreated.incrementAndGet();
            return runId;
        };

        ClaimOutcome again = journal.call(c -> WorkItems.claim(c, SERVICE, counting, 1, id, T0));

        assertThat(again).isInstanceOf(Skipped.class);
        assertThat(runsCreated).hasValue(0);
    }

    @Test
    void firstClaimCreatesRunOnce() throws IOException {
        FileIdentity a = deliver("a.csv", "1\n");
        FileIdentity b = deliver("b.csv", "2\n");
        long[] memo = {0};
        AtomicInteger runsCreated = new AtomicInteger();
        RunIdSource lazyRun = c -> {
            if (memo[0] == 0) {
                runsCreated.incrementAndGet();
                memo[0] = Runs.start(c, SERVICE, 1, "node-a", "schedule", T0);
            }
            return memo[0];
        };

        journal.call(c -> List.of(WorkItems.claim(c, SERVICE, lazyRun, 1, a, T0), WorkItems.claim(c, SERVICE, lazyRun, 1, b, T0)));

        assertThat(runsCreated).hasValue(1);
        List<ItemRecord> items = journal.call(c -> WorkItems.ofRun(c, memo[0]));
        assertThat(items).extracting(ItemRecord::relPath).containsExactly("a.csv", "b.csv");
    }

    @Test
    void sameIdentitySkippedWhileClaimed() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);

        ClaimOutcome again = claim(id, T0.plusSeconds(60));

        assertThat(reason(again)).isEqualTo("known as item " + itemId + " (CLAIMED)");
    }

    @Test
    void sameIdentitySkippedWhileCommitted() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        commit(itemId, List.of());

        ClaimOutcome again = claim(id, T0.plusSeconds(60));

        assertThat(reason(again)).isEqualTo("known as item " + itemId + " (COMMITTED)");
    }

    @Test
    void committedItemMatchedDespiteArchiveLink() throws Exception {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        commit(itemId, List.of());
        linkElsewhere("a.csv", id);

        ClaimOutcome again = claim(FileIdentity.of(inbox.resolve("a.csv"), "a.csv"), T0.plusSeconds(60));

        assertThat(reason(again)).isEqualTo("known as item " + itemId + " (COMMITTED)");
    }

    @Test
    void sameIdentitySkippedWhileQuarantined() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        fail(itemId, id, true, 3, T0);

        ClaimOutcome again = claim(id, T0.plus(BACKOFF).plusSeconds(1));

        assertThat(reason(again)).isEqualTo("known as item " + itemId + " (QUARANTINED)");
    }

    @Test
    void sameIdentitySkippedWhileKept() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        commit(itemId, List.of());
        finish(itemId, WorkItemState.COMMITTED, WorkItemState.KEPT);

        ClaimOutcome again = claim(id, T0.plusSeconds(60));

        assertThat(reason(again)).isEqualTo("known as item " + itemId + " (KEPT)");
    }

    @Test
    void dispositionPendingSkippedAfterArchiveLink() throws Exception {
        // The publisher linked the input into the archive, which moved its change time, and then
        // could not remove it from the inbox. The file is still the processed delivery.
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        commit(itemId, List.of());
        linkElsewhere("a.csv", id);
        finish(itemId, WorkItemState.COMMITTED, WorkItemState.DISPOSITION_PENDING);

        ClaimOutcome again = claim(FileIdentity.of(inbox.resolve("a.csv"), "a.csv"), T0.plusSeconds(60));

        assertThat(again).isEqualTo(new Skipped("known as item " + itemId + " (DISPOSITION_PENDING)"));
    }

    @Test
    void quarantinedSkippedAfterQuarantineLink() throws Exception {
        // The publisher linked the input into quarantine and could not remove its inbox name.
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        fail(itemId, id, true, 3, T0);
        linkElsewhere("a.csv", id);

        ClaimOutcome again = claim(FileIdentity.of(inbox.resolve("a.csv"), "a.csv"), T0.plus(BACKOFF).plusSeconds(1));

        assertThat(again).isEqualTo(new Skipped("known as item " + itemId + " (QUARANTINED)"));
    }

    @Test
    void disposedPathWithNewIdentityClaimable() throws IOException {
        FileIdentity first = deliver("a.csv", "1\n");
        long firstId = claimNew(first);
        commit(firstId, List.of());
        finish(firstId, WorkItemState.COMMITTED, WorkItemState.DISPOSED);
        FileIdentity second = redeliver("a.csv", "2\n");

        ClaimOutcome outcome = claim(second, T0.plusSeconds(60));

        assertThat(second.inode()).as("inode of the new delivery").isNotEqualTo(first.inode());
        assertThat(outcome).isInstanceOf(Claimed.class);
        assertThat(((Claimed) outcome).itemId()).isNotEqualTo(firstId);
        assertThat(item(((Claimed) outcome).itemId()).identity()).isEqualTo(second);
    }

    @Test
    void replacedFileWhileClaimedIsNewDelivery() throws IOException {
        FileIdentity first = deliver("a.csv", "1\n");
        long firstId = claimNew(first);
        FileIdentity second = redeliver("a.csv", "22\n");

        ClaimOutcome outcome = claim(second, T0);

        assertThat(outcome).isInstanceOf(Claimed.class);
        assertThat(((Claimed) outcome).itemId()).isNotEqualTo(firstId);
    }

    @Test
    void failedItemWithinBackoffSkipped() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        WorkItemState state = fail(itemId, id, false, 3, T0);

        ClaimOutcome early = claim(id, T0.plus(BACKOFF).minusSeconds(1));

        assertThat(state).isEqualTo(WorkItemState.FAILED);
        assertThat(reason(early)).isEqualTo("retry of item " + itemId + " waits until " + T0.plus(BACKOFF));
    }

    @Test
    void failedItemAfterBackoffClaimedUnderSameId() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        fail(itemId, id, false, 3, T0);
        long retryRun = journal.call(c -> Runs.start(c, SERVICE, 1, "node-a", "schedule", T0.plus(BACKOFF)));

        ClaimOutcome retry = journal.call(c -> WorkItems.claim(c, SERVICE, c2 -> retryRun, 1, id, T0.plus(BACKOFF)));

        assertThat(retry).isEqualTo(new Claimed(itemId, 1));
        ItemRecord row = item(itemId);
        assertThat(row.state()).isEqualTo(WorkItemState.CLAIMED);
        assertThat(row.runId()).isEqualTo(retryRun);
        assertThat(row.error()).isNull();
    }

    @Test
    void releasedItemClaimableAtOnce() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        journal.call(c -> {
            WorkItems.release(c, itemId, "run stopped");
            return null;
        });

        ClaimOutcome again = claim(id, T0);

        assertThat(again).isEqualTo(new Claimed(itemId, 0));
    }

    @Test
    void releaseAllClaimedCountsClaims() throws IOException {
        long a = claimNew(deliver("a.csv", "1\n"));
        long b = claimNew(deliver("b.csv", "2\n"));
        commit(b, List.of());

        int released = journal.call(c -> WorkItems.releaseAllClaimed(c, "takeover"));

        assertThat(released).isEqualTo(1);
        assertThat(item(a).state()).isEqualTo(WorkItemState.RELEASED);
        assertThat(item(b).state()).isEqualTo(WorkItemState.COMMITTED);
    }

    @Test
    void exhaustedRetriesQuarantine() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        WorkItemState first = fail(itemId, id, false, 1, T0);
        claim(id, T0.plus(BACKOFF));

        WorkItemState second = fail(itemId, id, false, 1, T0.plus(BACKOFF));

        assertThat(first).isEqualTo(WorkItemState.FAILED);
        assertThat(second).isEqualTo(WorkItemState.QUARANTINED);
        assertThat(item(itemId).attempts()).isEqualTo(2);
        List<ActionRecord> actions = journal.call(c -> WorkItems.actionsOfItem(c, itemId));
        assertThat(actions).hasSize(1);
        ActionRecord quarantine = actions.get(0);
        assertThat(quarantine.kind()).isEqualTo(ActionKind.QUARANTINE_INPUT);
        assertThat(quarantine.state()).isEqualTo(ActionState.PENDING);
        assertThat(quarantine.sourcePath()).isEqualTo(inbox.resolve("a.csv").toString());
        assertThat(quarantine.inode()).isEqualTo(id.inode());
    }

    @Test
    void rejectedInputQuarantinedAtOnce() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);

        WorkItemState state = fail(itemId, id, true, 3, T0);

        assertThat(state).isEqualTo(WorkItemState.QUARANTINED);
        assertThat(item(itemId).error()).isEqualTo("step failed");
        List<ActionRecord> actions = journal.call(c -> WorkItems.actionsOfItem(c, itemId));
        assertThat(actions).extracting(ActionRecord::kind).containsExactly(ActionKind.QUARANTINE_INPUT);
    }

    @Test
    void commitRecordsActionsInOrder() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        List<ActionSpec> specs = List.of(
                new ActionSpec(ActionKind.PUBLISH_OUTPUT, "/work/staged/a.csv", "/out/one/a.csv", 1, 11),
                new ActionSpec(ActionKind.PUBLISH_OUTPUT, "/work/staged/a.csv", "/out/two/a.csv", 1, 11),
                new ActionSpec(ActionKind.ARCHIVE_INPUT, inbox.resolve("a.csv").toString(), "/archive/a.csv", id.device(), id.inode()));

        commit(itemId, specs);

        List<ActionRecord> actions = journal.call(c -> WorkItems.openActions(c));
        assertThat(actions).extracting(ActionRecord::seq).containsExactly(1, 2, 3);
        assertThat(actions).extracting(ActionRecord::targetPath).containsExactly("/out/one/a.csv", "/out/two/a.csv", "/archive/a.csv");
        assertThat(actions).extracting(ActionRecord::service).containsOnly(SERVICE);
        assertThat(item(itemId).records()).isEqualTo(10);
        assertThat(item(itemId).bytesOut()).isEqualTo(100);
    }

    @Test
    void finishedActionsLeaveOpenList() throws IOException {
        long itemId = claimNew(deliver("a.csv", "1\n"));
        commit(itemId, List.of(
                new ActionSpec(ActionKind.PUBLISH_OUTPUT, "/s", "/t1", 1, 2),
                new ActionSpec(ActionKind.PUBLISH_OUTPUT, "/s", "/t2", 1, 2)));
        List<ActionRecord> before = journal.call(c -> WorkItems.openActions(c));

        journal.call(c -> {
            WorkItems.updateAction(c, before.get(0).id(), ActionState.DONE, null);
            WorkItems.recordCopied(c, before.get(1).id(), 7, 77);
            return null;
        });

        List<ActionRecord> after = journal.call(c -> WorkItems.openActions(c));
        assertThat(after).hasSize(1);
        assertThat(after.get(0).state()).isEqualTo(ActionState.COPIED);
        assertThat(after.get(0).device()).isEqualTo(7);
        assertThat(after.get(0).inode()).isEqualTo(77);
    }

    @Test
    void illegalTransitionNamesBothStates() throws IOException {
        long itemId = claimNew(deliver("a.csv", "1\n"));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> finish(itemId, WorkItemState.CLAIMED, WorkItemState.DISPOSED));

        assertThat(e.getMessage()).isEqualTo("work item " + itemId + " cannot move from CLAIMED to DISPOSED");
        assertThat(item(itemId).state()).isEqualTo(WorkItemState.CLAIMED);
    }

    @Test
    void commitOfFailedItemNamesBothStates() throws IOException {
        FileIdentity id = deliver("a.csv", "1\n");
        long itemId = claimNew(id);
        fail(itemId, id, false, 3, T0);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> commit(itemId, List.of()));

        assertThat(e.getMessage()).isEqualTo("work item " + itemId + " is FAILED, not CLAIMED; cannot move it to COMMITTED");
        assertThat(item(itemId).state()).isEqualTo(WorkItemState.FAILED);
    }

    @Test
    void disposedItemCannotBeReopened() throws IOException {
        long itemId = claimNew(deliver("a.csv", "1\n"));
        commit(itemId, List.of());
        finish(itemId, WorkItemState.COMMITTED, WorkItemState.DISPOSED);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> finish(itemId, WorkItemState.DISPOSED, WorkItemState.COMMITTED));

        assertThat(e.getMessage()).contains("DISPOSED");
        assertThat(e.getMessage()).contains("COMMITTED");
    }

    @Test
    void unknownItemRejected() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> item(999));

        assertThat(e.getMessage()).isEqualTo("work item 999 is not in the journal");
    }
}
