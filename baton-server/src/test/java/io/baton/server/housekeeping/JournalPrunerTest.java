package io.baton.server.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.config.DescriptorParser;
import io.baton.core.config.ServiceDescriptor;
import io.baton.core.journal.ActionKind;
import io.baton.core.journal.ActionState;
import io.baton.core.journal.Journal;
import io.baton.core.journal.RunState;
import io.baton.core.journal.Runs;
import io.baton.core.journal.WorkItemState;
import io.baton.core.journal.WorkItems;
import io.baton.core.journal.WorkItems.ActionSpec;
import io.baton.core.journal.WorkItems.Claimed;
import io.baton.core.source.FileIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journal pruning on a real SQLite journal with rows made old by their timestamps, and real source and quarantine folders. */
class JournalPrunerTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Instant OLD = NOW.minus(Duration.ofDays(40));
    private static final Instant RECENT = NOW.minus(Duration.ofDays(2));
    private static final Duration KEEP = Duration.ofDays(30);

    @TempDir
    Path data;

    private Path inbox;
    private Path quarantine;
    private Journal journal;
    private ServiceDescriptor orders;

    @BeforeEach
    void setUp() throws IOException {
        inbox = Files.createDirectories(data.resolve("inbox"));
        quarantine = Files.createDirectories(data.resolve("quarantine/orders"));
        Files.createDirectories(data.resolve("state"));
        journal = Journal.openAndTakeGuard(data.resolve("state/journal.db"), 1, "node-a", false, 5_000, e -> { });
        orders = new DescriptorParser(data).parse("service.yaml", """
                name: orders
                source: { path: inbox }
                process: [ { type: copy } ]
                targets: [ { path: out } ]
                """);
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    private JournalPruner pruner(Map<String, ServiceDescriptor> services) {
        return new JournalPruner(journal, KEEP, 10, () -> new KnownFileRule(services), () -> true, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private long run(Instant startedAt, RunState endState) {
        return journal.call(c -> {
            long id = Runs.start(c, "orders", 1, "node-a", "test", startedAt);
            if (endState != RunState.RUNNING) {
                Runs.finish(c, id, endState, new Runs.RunTotals(0, 0, 0, 0, 0, 0), null, startedAt);
            }
            return id;
        });
    }

    private FileIdentity deliver(String name) throws IOException {
        Path file = inbox.resolve(name);
        Files.writeString(file, "content of " + name + "\n");
        return FileIdentity.of(file, name);
    }

    private long claim(long runId, FileIdentity id, Instant at) {
        return ((Claimed) journal.call(c -> WorkItems.claim(c, "orders", c2 -> runId, 1, id, at))).itemId();
    }

    /** Claims and commits an item with one action, and carries the item to {@code end} at {@code at} when given. */
    private long committed(long runId, FileIdentity id, ActionKind kind, Path target, Instant at, WorkItemState end) {
        long item = claim(runId, id, at);
        journal.call(c -> {
            WorkItems.commit(c, item, 1, 1, List.of(new ActionSpec(kind, inbox.resolve(id.relPath()).toString(), target.toString(),
                    id.device(), id.inode())));
            if (end != null) {
                for (WorkItems.ActionRecord a : WorkItems.actionsOfItem(c, item)) {
                    WorkItems.updateAction(c, a.id(), ActionState.DONE, null);
                }
                WorkItems.finish(c, item, WorkItemState.COMMITTED, end, null, at);
            }
            return null;
        });
        return item;
    }

    private long quarantined(long runId, FileIdentity id, Path target, Instant at) {
        long item = claim(runId, id, at);
        journal.call(c -> {
            WorkItems.fail(c, item, "rejected", true, 0, Duration.ZERO, new ActionSpec(ActionKind.QUARANTINE_INPUT,
                    inbox.resolve(id.relPath()).toString(), target.toString(), id.device(), id.inode()), at);
            for (WorkItems.ActionRecord a : WorkItems.actionsOfItem(c, item)) {
                WorkItems.updateAction(c, a.id(), ActionState.DONE, null);
            }
            return null;
        });
        return item;
    }

    private boolean itemExists(long id) {
        return count("SELECT count(*) FROM items WHERE id = " + id) == 1;
    }

    private long count(String sql) {
        return journal.call(c -> {
            try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
                return rs.getLong(1);
            }
        });
    }

    private void execute(String sql) {
        journal.call(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                return s.executeUpdate();
            }
        });
    }

    @Test
    void oldDisposedItemsDeletedWithActions() throws IOException {
        long oldRun = run(OLD, RunState.SUCCEEDED);
        long old = committed(oldRun, deliver("a.csv"), ActionKind.DELETE_INPUT, inbox.resolve("a.csv"), OLD, WorkItemState.DISPOSED);
        long recentRun = run(RECENT, RunState.SUCCEEDED);
        long recent = committed(recentRun, deliver("b.csv"), ActionKind.DELETE_INPUT, inbox.resolve("b.csv"), RECENT, WorkItemState.DISPOSED);

        JournalPruner.Counts counts = pruner(Map.of("orders", orders)).prune();

        assertThat(itemExists(old)).as("item disposed 40 days ago").isFalse();
        assertThat(count("SELECT count(*) FROM actions WHERE item_id = " + old)).as("its actions").isZero();
        assertThat(count("SELECT count(*) FROM runs WHERE id = " + oldRun)).as("its run").isZero();
        assertThat(itemExists(recent)).as("item disposed 2 days ago").isTrue();
        assertThat(count("SELECT count(*) FROM runs WHERE id = " + recentRun)).as("recent run").isOne();
        assertThat(counts.items()).isEqualTo(1);
        assertThat(counts.runs()).isEqualTo(1);
    }

    @Test
    void openItemsSurviveWhateverTheirAge() throws IOException {
        long runId = run(OLD, RunState.FAILED);
        long claimed = claim(runId, deliver("claimed.csv"), OLD);
        long pendingPublish = committed(runId, deliver("committed.csv"), ActionKind.PUBLISH_OUTPUT, data.resolve("out/x"), OLD, null);
        long failed = claim(runId, deliver("failed.csv"), OLD);
        journal.call(c -> WorkItems.fail(c, failed, "boom", false, 3, Duration.ZERO, null, OLD));
        long released = claim(runId, deliver("released.csv"), OLD);
        journal.call(c -> {
            WorkItems.release(c, released, "stopped");
            return null;
        });
        long blocked = committed(runId, deliver("blocked.csv"), ActionKind.PUBLISH_OUTPUT, data.resolve("out/y"), OLD, null);
        long dispositionPending = committed(runId, deliver("pending.csv"), ActionKind.ARCHIVE_INPUT, data.resolve("archive/z"), OLD, null);
        execute("UPDATE items SET state = 'PUBLISH_BLOCKED', finished_at = '" + OLD + "' WHERE id = " + blocked);
        execute("UPDATE items SET state = 'DISPOSITION_PENDING', finished_at = '" + OLD + "' WHERE id = " + dispositionPending);
        execute("UPDATE items SET finished_at = '" + OLD + "' WHERE finished_at IS NULL");
        // A disposed item whose action is still open (as after a crash between the two writes) is not finished either.
        long disposedWithOpenAction = committed(runId, deliver("open-action.csv"), ActionKind.DELETE_INPUT, inbox.resolve("x"), OLD, null);
        execute("UPDATE items SET state = 'DISPOSED', finished_at = '" + OLD + "' WHERE id = " + disposedWithOpenAction);

        JournalPruner.Counts counts = pruner(Map.of("orders", orders)).prune();

        for (long id : List.of(claimed, pendingPublish, failed, released, blocked, dispositionPending, disposedWithOpenAction)) {
            assertThat(itemExists(id)).as("open item " + id).isTrue();
        }
        assertThat(count("SELECT count(*) FROM actions")).as("open publish actions").isEqualTo(4);
        assertThat(count("SELECT count(*) FROM runs WHERE id = " + runId)).as("run that open items refer to").isOne();
        assertThat(counts.items()).isZero();
    }

    @Test
    void keptItemStaysWhileFileInSource() throws IOException {
        long runId = run(OLD, RunState.SUCCEEDED);
        FileIdentity stays = deliver("stays.csv");
        long kept = committed(runId, stays, ActionKind.PUBLISH_OUTPUT, data.resolve("out/stays.csv"), OLD, WorkItemState.KEPT);
        FileIdentity gone = deliver("gone.csv");
        long keptGone = committed(runId, gone, ActionKind.PUBLISH_OUTPUT, data.resolve("out/gone.csv"), OLD, WorkItemState.KEPT);
        Files.delete(inbox.resolve("gone.csv"));

        JournalPruner.Counts counts = pruner(Map.of("orders", orders)).prune();

        assertThat(itemExists(kept)).as("kept item whose file is still in the inbox").isTrue();
        assertThat(itemExists(keptGone)).as("kept item whose file was removed").isFalse();
        assertThat(counts.itemsKept()).isEqualTo(1);
        Object again = journal.call(c -> WorkItems.claim(c, "orders", c2 -> runId, 1, stays, NOW));
        assertThat(again).as("claim of the kept file after pruning").isInstanceOf(WorkItems.Skipped.class);
    }

    @Test
    void keptItemOfUnknownServiceStays() throws IOException {
        long runId = run(OLD, RunState.SUCCEEDED);
        FileIdentity id = deliver("k.csv");
        long kept = committed(runId, id, ActionKind.PUBLISH_OUTPUT, data.resolve("out/k.csv"), OLD, WorkItemState.KEPT);
        Files.delete(inbox.resolve("k.csv"));

        pruner(Map.of()).prune();

        assertThat(itemExists(kept)).as("kept item of a service that is not loaded").isTrue();
    }

    @Test
    void quarantinedItemStaysWhileFileInQuarantine() throws IOException {
        long runId = run(OLD, RunState.FAILED);
        FileIdentity held = deliver("held.csv");
        Path heldTarget = quarantine.resolve("held.item-1.csv");
        Files.createLink(heldTarget, inbox.resolve("held.csv"));
        Files.delete(inbox.resolve("held.csv"));
        long stillQuarantined = quarantined(runId, held, heldTarget, OLD);
        FileIdentity expired = deliver("expired.csv");
        Path expiredTarget = quarantine.resolve("expired.item-2.csv");
        Files.createLink(expiredTarget, inbox.resolve("expired.csv"));
        Files.delete(inbox.resolve("expired.csv"));
        long expiredItem = quarantined(runId, expired, expiredTarget, OLD);
        Files.delete(expiredTarget);
        FileIdentity back = deliver("back.csv");
        Path backTarget = quarantine.resolve("back.item-3.csv");
        long movedBack = quarantined(runId, back, backTarget, OLD);

        pruner(Map.of("orders", orders)).prune();

        assertThat(itemExists(stillQuarantined)).as("quarantined item whose file is in quarantine").isTrue();
        assertThat(itemExists(expiredItem)).as("quarantined item whose file expired").isFalse();
        assertThat(itemExists(movedBack)).as("quarantined item whose file was moved back into the inbox").isTrue();
    }

    @Test
    void runningRunNeverDeleted() throws IOException {
        long running = run(OLD, RunState.RUNNING);

        pruner(Map.of()).prune();

        assertThat(count("SELECT count(*) FROM runs WHERE id = " + running)).isOne();
    }

    @Test
    void slotsPrunedButNewestPerServiceKept() throws IOException {
        for (Instant at : List.of(OLD.minusSeconds(60), OLD, RECENT)) {
            execute("INSERT INTO schedule_slots (service, slot_at, slot_text, outcome, node_id, epoch, recorded_at)"
                    + " VALUES ('orders', " + at.toEpochMilli() + ", '" + at + "', 'RAN', 'node-a', 1, '" + at + "')");
        }
        execute("INSERT INTO schedule_slots (service, slot_at, slot_text, outcome, node_id, epoch, recorded_at)"
                + " VALUES ('rates', " + OLD.toEpochMilli() + ", '" + OLD + "', 'RAN', 'node-a', 1, '" + OLD + "')");

        JournalPruner.Counts counts = pruner(Map.of()).prune();

        assertThat(counts.slots()).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM schedule_slots WHERE service = 'orders'")).as("recent slot of orders").isOne();
        assertThat(count("SELECT count(*) FROM schedule_slots WHERE service = 'rates'")).as("only, old slot of rates").isOne();
    }

    @Test
    void operatorActionsPrunedByAgeOnly() throws IOException {
        for (String outcome : List.of("done", "refused")) {
            execute("INSERT INTO operator_actions (at, actor, node_id, action, outcome) VALUES ('" + OLD + "', 'ops', 'node-a', 'retry', '"
                    + outcome + "')");
        }
        execute("INSERT INTO operator_actions (at, actor, node_id, action, outcome) VALUES ('" + RECENT + "', 'ops', 'node-a', 'retry', 'done')");

        JournalPruner.Counts counts = pruner(Map.of()).prune();

        assertThat(counts.operatorActions()).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM operator_actions")).as("recent action").isOne();
    }

    @Test
    void manyRowsDeletedInSeveralBatches() throws IOException {
        long runId = run(OLD, RunState.SUCCEEDED);
        for (int i = 0; i < 35; i++) {
            committed(runId, deliver("f" + i + ".csv"), ActionKind.DELETE_INPUT, inbox.resolve("f" + i + ".csv"), OLD, WorkItemState.DISPOSED);
        }

        JournalPruner.Counts counts = pruner(Map.of("orders", orders)).prune();

        assertThat(counts.items()).isEqualTo(35);
        assertThat(count("SELECT count(*) FROM items")).isZero();
    }
}
