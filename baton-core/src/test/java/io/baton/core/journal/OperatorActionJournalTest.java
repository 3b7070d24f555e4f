package io.baton.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.baton.core.journal.OperatorActions.Actor;
import io.baton.core.journal.OperatorActions.Entry;
import io.baton.core.journal.OperatorActions.Outcome;
import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.core.journal.WorkItems.ActionSpec;
import io.baton.core.journal.WorkItems.ClaimOutcome;
import io.baton.core.journal.WorkItems.Claimed;
import io.baton.core.journal.WorkItems.ItemRecord;
import io.baton.core.source.FileIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journal side of operator actions on a real SQLite journal: state rules, item changes, filters and the audit trail. */
class OperatorActionJournalTest {

    private static final String SERVICE = "orders";
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Actor ACTOR = new Actor("api-token", "127.0.0.1");

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

    private FileIdentity deliver(String name) throws IOException {
        Path file = inbox.resolve(name);
        Files.writeString(file, "content of " + name + "\n");
        return FileIdentity.of(file, name);
    }

    private ClaimOutcome claim(String service, FileIdentity id, Instant now) {
        return journal.call(c -> WorkItems.claim(c, service, c2 -> runId, 1, id, now));
    }

    private long claimNew(String service, FileIdentity id, Instant now) {
        ClaimOutcome outcome = claim(service, id, now);
        assertThat(outcome).as("claim of %s", id.relPath()).isInstanceOf(Claimed.class);
        return ((Claimed) outcome).itemId();
    }

    private ItemRecord item(long itemId) {
        return journal.call(c -> WorkItems.current(c, itemId));
    }

    private void quarantine(long itemId, FileIdentity id, Instant now) {
        ActionSpec spec = new ActionSpec(ActionKind.QUARANTINE_INPUT, inbox.resolve(id.relPath()).toString(),
                temp.resolve("quarantine").resolve(id.relPath()).toString(), id.device(), id.inode());
        WorkItemState state = journal.call(c -> WorkItems.fail(c, itemId, "invalid UTF-8 at line 2", true, 3, Duration.ofMinutes(1),
                spec, now));
        assertThat(state).as("state after a rejected attempt").isEqualTo(WorkItemState.QUARANTINED);
    }

    private void commitAndEnd(long itemId, WorkItemState end, Instant now) {
        ActionSpec output = new ActionSpec(ActionKind.PUBLISH_OUTPUT, temp.resolve("work/1/out").toString(),
                temp.resolve("outbox/out").toString(), 1, 2);
        journal.call(c -> {
            WorkItems.commit(c, itemId, 1, 10, List.of(output));
            WorkItems.finish(c, itemId, WorkItemState.COMMITTED, end, null, now);
            return null;
        });
    }

    @Test
    void failingPublishActionGivesUpAfterLimit() throws IOException {
        long id = claimNew(SERVICE, deliver("blocked.csv"), T0);
        ActionSpec output = new ActionSpec(ActionKind.PUBLISH_OUTPUT, temp.resolve("work/1/out").toString(),
                temp.resolve("outbox/out").toString(), 1, 2);
        ActionSpec archive = new ActionSpec(ActionKind.ARCHIVE_INPUT, inbox.resolve("blocked.csv").toString(),
                temp.resolve("archive/blocked.csv").toString(), 1, 3);
        journal.call(c -> {
            WorkItems.commit(c, id, 1, 10, List.of(output, archive));
            return null;
        });
        long outputAction = journal.call(c -> WorkItems.actionsOfItem(c, id)).get(0).id();

        journal.call(c -> WorkItems.updateAction(c, outputAction, ActionState.FAILED, "Permission denied: outbox/out"));
        // The whole item waits out the backoff: its archive action must not run before its output is published.
        assertThat(journal.call(WorkItems::actionsToRetry)).as("actions retried during the first backoff").isEmpty();

        List<Boolean> gaveUp = new java.util.ArrayList<>();
        for (int attempt = 2; attempt <= WorkItems.MAX_ACTION_ATTEMPTS; attempt++) {
            gaveUp.add(journal.call(c -> WorkItems.updateAction(c, outputAction, ActionState.FAILED, "Permission denied: outbox/out")));
        }

        assertThat(gaveUp.subList(0, WorkItems.MAX_ACTION_ATTEMPTS - 2)).as("attempts before the limit").containsOnly(false);
        assertThat(gaveUp.get(WorkItems.MAX_ACTION_ATTEMPTS - 2)).as("the last allowed attempt").isTrue();
        // The archive action of the same item must not run on its own: its output is not published.
        assertThat(journal.call(WorkItems::actionsToRetry)).as("actions runs retry").isEmpty();
        assertThat(journal.call(WorkItems::openActions)).as("open actions, which keep the staged files").hasSize(2);

        int reopened = journal.call(c -> WorkItems.reopenActions(c, id));

        assertThat(reopened).isEqualTo(1);
        assertThat(journal.call(WorkItems::actionsToRetry)).extracting(WorkItems.ActionRecord::attempts).containsExactly(0, 0);
    }

    @Test
    void actionRulesMatchStateMoves() {
        for (OperatorAction action : OperatorAction.values()) {
            for (WorkItemState state : WorkItemState.values()) {
                String refusal = action.refusal(7, state);
                if (action.allowedStates().contains(state)) {
                    assertThat(refusal).as("%s of a %s item", action, state).isNull();
                } else {
                    assertThat(refusal).as("%s of a %s item", action, state)
                            .contains("work item 7 is " + state).contains(action.allowedText());
                }
            }
        }
        assertThat(WorkItemState.QUARANTINED.canMoveTo(WorkItemState.RELEASED)).as("retry of a quarantined item").isTrue();
        assertThat(WorkItemState.FAILED.canMoveTo(WorkItemState.RELEASED)).as("retry of a failed item").isTrue();
        assertThat(WorkItemState.QUARANTINED.canMoveTo(WorkItemState.RETURNED)).as("release of a quarantined item").isTrue();
        assertThat(WorkItemState.PUBLISH_BLOCKED.canMoveTo(WorkItemState.RETURNED)).as("release of a blocked item").isTrue();
        assertThat(WorkItemState.KEPT.canMoveTo(WorkItemState.RETURNED)).as("reprocess of a kept item").isTrue();
        assertThat(WorkItemState.DISPOSED.canMoveTo(WorkItemState.RETURNED)).as("a disposed item keeps its state").isFalse();
        assertThat(WorkItemState.RETURNED.canMoveTo(WorkItemState.CLAIMED)).as("a returned item is over").isFalse();
    }

    @Test
    void refusalPointsToFittingAction() {
        assertThat(OperatorAction.RETRY.refusal(3, WorkItemState.DISPOSED)).contains("use baton reprocess");
        assertThat(OperatorAction.REPROCESS.refusal(3, WorkItemState.QUARANTINED)).contains("use baton retry");
        assertThat(OperatorAction.RETRY.refusal(3, WorkItemState.CLAIMED)).contains("wait for the run to end");
        assertThat(OperatorAction.fromLabel("retry")).isEqualTo(OperatorAction.RETRY);
        assertThat(OperatorAction.fromLabel("RETRY")).as("labels are lower case").isNull();
    }

    @Test
    void requeuedQuarantinedItemClaimedUnderSameId() throws IOException {
        FileIdentity id = deliver("a.csv");
        long itemId = claimNew(SERVICE, id, T0);
        quarantine(itemId, id, T0);
        assertThat(claim(SERVICE, id, T0.plusSeconds(600))).as("claim of a quarantined input").isNotInstanceOf(Claimed.class);

        long newCtime = id.ctimeNanos() + 1_000;
        journal.call(c -> {
            WorkItems.requeue(c, itemId, WorkItemState.QUARANTINED, newCtime, "retry requested by an operator", T0.plusSeconds(1));
            return null;
        });

        ItemRecord requeued = item(itemId);
        assertThat(requeued.state()).isEqualTo(WorkItemState.RELEASED);
        assertThat(requeued.attempts()).as("attempts after a retry").isZero();
        assertThat(requeued.ctimeNanos()).as("change time of the input moved back").isEqualTo(newCtime);
        FileIdentity movedBack = new FileIdentity(id.relPath(), id.size(), id.mtimeNanos(), id.device(), id.inode(), newCtime);
        ClaimOutcome again = claim(SERVICE, movedBack, T0.plusSeconds(2));
        assertThat(again).as("claim right after the retry, inside the old backoff").isInstanceOf(Claimed.class);
        assertThat(((Claimed) again).itemId()).as("item id of the retried input").isEqualTo(itemId);
    }

    @Test
    void requeueSkipsUnfinishedQuarantineMove() throws IOException {
        FileIdentity id = deliver("a.csv");
        long itemId = claimNew(SERVICE, id, T0);
        quarantine(itemId, id, T0);
        assertThat(journal.call(WorkItems::openActions)).as("open actions before the retry").hasSize(1);

        journal.call(c -> {
            WorkItems.requeue(c, itemId, WorkItemState.QUARANTINED, id.ctimeNanos(), "retry requested by an operator", T0);
            return null;
        });

        assertThat(journal.call(WorkItems::openActions)).as("open actions after the retry").isEmpty();
    }

    @Test
    void returnedItemMakesFileNewDelivery() throws IOException {
        FileIdentity id = deliver("k.csv");
        long itemId = claimNew(SERVICE, id, T0);
        commitAndEnd(itemId, WorkItemState.KEPT, T0);
        assertThat(claim(SERVICE, id, T0.plusSeconds(1))).as("claim of a kept input").isNotInstanceOf(Claimed.class);

        journal.call(c -> {
            WorkItems.returnToSource(c, itemId, WorkItemState.KEPT, "reprocess requested by an operator", T0.plusSeconds(2));
            return null;
        });

        assertThat(item(itemId).state()).isEqualTo(WorkItemState.RETURNED);
        long next = claimNew(SERVICE, id, T0.plusSeconds(3));
        assertThat(next).as("id of the new delivery").isNotEqualTo(itemId);
        assertThat(item(next).key()).as("work item key of the same file").isEqualTo(item(itemId).key());
    }

    @Test
    void returnSkipsOpenPublishActions() throws IOException {
        FileIdentity id = deliver("b.csv");
        long itemId = claimNew(SERVICE, id, T0);
        commitAndEnd(itemId, WorkItemState.PUBLISH_BLOCKED, T0);
        assertThat(journal.call(WorkItems::openActions)).as("open actions of a blocked item").hasSize(1);

        journal.call(c -> {
            WorkItems.returnToSource(c, itemId, WorkItemState.PUBLISH_BLOCKED, "released by an operator", T0);
            return null;
        });

        assertThat(journal.call(WorkItems::openActions)).as("open actions after the release").isEmpty();
        ActionRecord skipped = journal.call(c -> WorkItems.actionsOfItem(c, itemId)).get(0);
        assertThat(skipped.state()).isEqualTo(ActionState.SKIPPED);
        assertThat(skipped.detail()).isEqualTo("released by an operator");
    }

    @Test
    void returnFromWrongStateRejected() throws IOException {
        FileIdentity id = deliver("c.csv");
        long itemId = claimNew(SERVICE, id, T0);
        commitAndEnd(itemId, WorkItemState.DISPOSED, T0);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> journal.call(c -> {
            WorkItems.returnToSource(c, itemId, WorkItemState.DISPOSED, "wrong", T0);
            return null;
        }));

        assertThat(e.getMessage()).contains("DISPOSED").contains("RETURNED");
        assertThat(item(itemId).state()).isEqualTo(WorkItemState.DISPOSED);
    }

    @Test
    void selectionFiltersServiceStateAndWindow() throws IOException {
        long early = claimNew(SERVICE, deliver("early.csv"), T0);
        quarantine(early, item(early).identity(), T0);
        long late = claimNew(SERVICE, deliver("late.csv"), T0);
        quarantine(late, item(late).identity(), T0.plus(Duration.ofDays(2)));
        long failed = claimNew(SERVICE, deliver("failed.csv"), T0);
        journal.call(c -> WorkItems.fail(c, failed, "timeout", false, 3, Duration.ofMinutes(1), null, T0.plusSeconds(5)));
        long done = claimNew(SERVICE, deliver("done.csv"), T0);
        commitAndEnd(done, WorkItemState.DISPOSED, T0);
        long other = claimNew("billing", deliver("other.csv"), T0);
        quarantine(other, item(other).identity(), T0);

        Set<WorkItemState> retryable = OperatorAction.RETRY.allowedStates();
        assertThat(ids(new ItemSelection(SERVICE, null, null, null), retryable)).as("every retryable item of the service")
                .containsExactly(early, late, failed);
        assertThat(ids(new ItemSelection(SERVICE, WorkItemState.QUARANTINED, null, null), retryable)).as("quarantined only")
                .containsExactly(early, late);
        assertThat(ids(new ItemSelection(SERVICE, null, T0.plusSeconds(1), null), retryable)).as("since, inclusive")
                .containsExactly(late, failed);
        assertThat(ids(new ItemSelection(SERVICE, null, null, T0.plusSeconds(5)), retryable)).as("until, exclusive")
                .containsExactly(early);
        assertThat(ids(new ItemSelection(null, WorkItemState.QUARANTINED, null, T0.plusSeconds(1)), retryable)).as("all services")
                .containsExactly(early, other);
        assertThat(ids(new ItemSelection(SERVICE, null, null, null), OperatorAction.REPROCESS.allowedStates()))
                .as("reprocessable items").containsExactly(done);
    }

    private List<Long> ids(ItemSelection selection, Set<WorkItemState> states) {
        return journal.call(c -> selection.select(c, states)).stream().map(ItemRecord::id).toList();
    }

    @Test
    void selectionDescribedAsCliFilter() {
        ItemSelection s = new ItemSelection("orders", WorkItemState.FAILED, T0, T0.plusSeconds(60));
        assertThat(s.describe()).isEqualTo("--service orders --state FAILED --since 2025-03-01T10:00:00Z --until 2025-03-01T10:01:00Z");
        assertThat(new ItemSelection(null, null, null, null).describe()).isEqualTo("--all");
    }

    @Test
    void auditRowsListedNewestFirst() {
        journal.call(c -> OperatorActions.record(c, T0, ACTOR, "node-a", OperatorAction.RETRY, SERVICE, 4L, null, Outcome.DONE,
                "moved back"));
        journal.call(c -> OperatorActions.record(c, T0.plusSeconds(1), ACTOR, "node-a", OperatorAction.RELEASE, "billing", 9L,
                "--service billing", Outcome.REFUSED, "work item 9 is DISPOSED"));
        journal.call(c -> OperatorActions.record(c, T0.plusSeconds(2), ACTOR, "node-a", OperatorAction.REPROCESS, SERVICE, null,
                "--service orders", Outcome.DONE, "no work item matched"));

        List<Entry> all = journal.call(c -> OperatorActions.latest(c, null, 10));
        List<Entry> orders = journal.call(c -> OperatorActions.latest(c, SERVICE, 10));
        List<Entry> newest = journal.call(c -> OperatorActions.latest(c, null, 1));

        assertThat(all).extracting(Entry::action).containsExactly("reprocess", "release", "retry");
        assertThat(orders).extracting(Entry::itemId).containsExactly(null, 4L);
        assertThat(newest).hasSize(1);
        Entry refused = all.get(1);
        assertThat(refused.outcome()).isEqualTo("refused");
        assertThat(refused.actor()).isEqualTo("api-token");
        assertThat(refused.remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(refused.nodeId()).isEqualTo("node-a");
        assertThat(refused.filter()).isEqualTo("--service billing");
        assertThat(refused.detail()).isEqualTo("work item 9 is DISPOSED");
        assertThat(refused.at()).isEqualTo(T0.plusSeconds(1).toString());
    }
}
