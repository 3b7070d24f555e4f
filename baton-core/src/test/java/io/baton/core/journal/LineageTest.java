package io.baton.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.journal.ItemAttempts.Attempt;
import io.baton.core.journal.ItemAttempts.Outcome;
import io.baton.core.journal.ItemHistory.Event;
import io.baton.core.journal.WorkItems.ActionSpec;
import io.baton.core.journal.WorkItems.Claimed;
import io.baton.core.source.FileIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attempts table and the lineage queries, on a real SQLite journal that changes hands between two nodes. */
class LineageTest {

    private static final String SERVICE = "orders";
    private static final String HASH = "a".repeat(64);

    /**
     * Role changes are stamped with the real clock when the journal changes hands, so a test that needs one
     * inside an item's life uses real times around it, and the others use times an hour before.
     */
    private final Instant start = Instant.now().minus(Duration.ofHours(1));

    @TempDir
    Path temp;

    private Path inbox;
    private Path journalFile;
    private Journal journal;

    @BeforeEach
    void openJournal() throws IOException {
        inbox = Files.createDirectories(temp.resolve("inbox"));
        Files.createDirectories(temp.resolve("state"));
        journalFile = temp.resolve("state/journal.db");
        journal = Journal.openAndTakeGuard(journalFile, 1, "node-a", false, 5_000, e -> { });
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    private FileIdentity deliver(String name, String content) throws IOException {
        Path file = inbox.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return FileIdentity.of(file, name);
    }

    private long claim(FileIdentity id, String node, long epoch, Instant at) {
        return journal.call(c -> {
            long run = Runs.start(c, SERVICE, epoch, node, "schedule", at);
            return ((Claimed) WorkItems.claim(c, SERVICE, c2 -> run, epoch, id, at)).itemId();
        });
    }

    private void failOnce(long itemId, Instant at) {
        journal.call(c -> {
            WorkItems.fail(c, itemId, "step rejected the first attempt", false, 3, Duration.ZERO,
                    new ActionSpec(ActionKind.QUARANTINE_INPUT, "in", "quarantine", 0, 0), at);
            ItemAttempts.end(c, itemId, Outcome.FAILED, "step rejected the first attempt", at);
            return null;
        });
    }

    private void commitAndDispose(long itemId, String sha256, Instant at) {
        journal.call(c -> {
            WorkItems.commit(c, itemId, 3, 30, List.of(
                    new ActionSpec(ActionKind.PUBLISH_OUTPUT, "staged", "/out/a.csv", 0, 0),
                    new ActionSpec(ActionKind.ARCHIVE_INPUT, "in", "/archive/a.csv", 0, 0)));
            WorkItems.recordSha256(c, itemId, sha256);
            ItemAttempts.end(c, itemId, Outcome.COMMITTED, null, at);
            WorkItems.finish(c, itemId, WorkItemState.COMMITTED, WorkItemState.DISPOSED, null, at);
            return null;
        });
    }

    private void failOver() {
        journal.close();
        journal = Journal.openAndTakeGuard(journalFile, 2, "node-b", false, 5_000, e -> { },
                Takeover.of(RoleChangeCause.EXPIRY, Instant.now(), "lease of node-a expired"));
    }

    private ItemHistory history(long itemId) {
        return journal.call(c -> Lineage.history(c, itemId));
    }

    private List<Long> find(LineageQuery query) {
        return journal.call(c -> Lineage.find(c, query));
    }

    private static LineageQuery byName(String name) {
        return new LineageQuery(null, name, null, null, null, null, null, 50);
    }

    @Test
    void retryAcrossFailoverKeepsBothAttempts() throws IOException {
        FileIdentity input = deliver("a.csv", "1,2,3\n");
        long item = claim(input, "node-a", 1, Instant.now());
        failOnce(item, Instant.now());
        failOver();
        Instant later = Instant.now().plusSeconds(60);
        assertThat(claim(input, "node-b", 2, later)).isEqualTo(item);
        commitAndDispose(item, HASH, later.plusSeconds(1));

        ItemHistory h = history(item);
        assertThat(h.attemptsRecorded()).isTrue();
        assertThat(h.attempts()).extracting(Attempt::nodeId).containsExactly("node-a", "node-b");
        assertThat(h.attempts()).extracting(Attempt::epoch).containsExactly(1L, 2L);
        assertThat(h.attempts()).extracting(Attempt::outcome).containsExactly("failed", "committed");
        assertThat(h.attempts().get(0).error()).isEqualTo("step rejected the first attempt");
        assertThat(h.roleChanges()).extracting(RoleChanges.RoleChange::epoch).containsExactly(2L);
        assertThat(h.outputs()).extracting(WorkItems.ActionRecord::targetPath).containsExactly("/out/a.csv");
        assertThat(h.disposition()).extracting(WorkItems.ActionRecord::targetPath).containsExactly("/archive/a.csv");
        assertThat(h.sha256()).isEqualTo(HASH);
        assertThat(h.events()).extracting(Event::kind).containsExactly("claimed", "attempt-ended", "role-change", "claimed",
                "attempt-ended", "output", "disposition", "state");
    }

    @Test
    void roleChangeAfterDisposalIsLeftOut() throws IOException {
        long item = claim(deliver("a.csv", "x"), "node-a", 1, start);
        commitAndDispose(item, HASH, start.plusSeconds(1));
        failOver();

        assertThat(history(item).roleChanges()).isEmpty();
    }

    @Test
    void findByNameGlobHashAndState() throws IOException {
        long a = claim(deliver("a.csv", "a"), "node-a", 1, start);
        commitAndDispose(a, HASH, start.plusSeconds(1));
        long b = claim(deliver("sub/a.csv", "b"), "node-a", 1, start.plusSeconds(2));
        long c = claim(deliver("b[1].txt", "c"), "node-a", 1, start.plusSeconds(3));

        assertThat(find(byName("a.csv"))).containsExactly(a, b);
        assertThat(find(byName("sub/a.csv"))).containsExactly(b);
        assertThat(find(byName("b[1].txt"))).containsExactly(c);
        assertThat(find(byName("b1.txt"))).isEmpty();
        assertThat(find(new LineageQuery(null, null, "*.csv", null, null, null, null, 50))).containsExactly(a, b);
        assertThat(find(new LineageQuery(null, null, null, HASH.toUpperCase(), null, null, null, 50))).containsExactly(a);
        assertThat(find(new LineageQuery(null, null, null, null, null, null, WorkItemState.CLAIMED, 50))).containsExactly(b, c);
        assertThat(find(new LineageQuery("other", "a.csv", null, null, null, null, null, 50))).isEmpty();
        assertThat(find(new LineageQuery(null, null, "*", null, null, null, null, 2))).containsExactly(a, b);
    }

    @Test
    void findByTimeWindow() throws IOException {
        long a = claim(deliver("a.csv", "a"), "node-a", 1, start);
        long b = claim(deliver("b.csv", "b"), "node-a", 1, start.plusSeconds(100));
        commitAndDispose(a, HASH, start.plusSeconds(200));

        assertThat(find(new LineageQuery(null, null, null, null, start.plusSeconds(50), start.plusSeconds(150), null, 50)))
                .containsExactly(b);
        // Item a was claimed before the window but finished inside it.
        assertThat(find(new LineageQuery(null, null, null, null, start.plusSeconds(150), null, null, 50))).containsExactly(a);
        assertThat(find(new LineageQuery(null, null, null, null, null, start.plusSeconds(1), null, 50))).containsExactly(a);
    }

    @Test
    void itemWithoutAttemptRowsShowsLatestOnly() throws IOException {
        long item = claim(deliver("a.csv", "a"), "node-a", 1, start);
        commitAndDispose(item, null, start.plusSeconds(1));
        journal.call(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM item_attempts");
            }
            return null;
        });

        ItemHistory h = history(item);
        assertThat(h.attemptsRecorded()).isFalse();
        assertThat(h.attempts()).hasSize(1);
        assertThat(h.attempts().get(0).nodeId()).isEqualTo("node-a");
        assertThat(h.attempts().get(0).outcome()).isEqualTo("disposed");
        assertThat(h.sha256()).isNull();
    }

    @Test
    void takeoverEndsOpenAttemptsAsReleased() throws IOException {
        long item = claim(deliver("a.csv", "a"), "node-a", 1, start);
        failOver();
        journal.call(c -> {
            ItemAttempts.releaseAllOpen(c, "claim released at takeover by epoch 2", Instant.now());
            WorkItems.releaseAllClaimed(c, "claim released at takeover by epoch 2");
            return null;
        });

        Attempt a = history(item).attempts().get(0);
        assertThat(a.outcome()).isEqualTo("released");
        assertThat(a.error()).contains("epoch 2");
        assertThat(a.endedAt()).isNotNull();
    }

    @Test
    void claimAgainEndsAttemptLeftOpen() throws IOException {
        FileIdentity input = deliver("a.csv", "a");
        long item = claim(input, "node-a", 1, start);
        journal.call(c -> {
            WorkItems.release(c, item, "run stopped");
            return null;
        });
        claim(input, "node-a", 1, start.plusSeconds(5));

        List<Attempt> attempts = history(item).attempts();
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).outcome()).isEqualTo("unknown");
        assertThat(attempts.get(1).endedAt()).isNull();
    }

    @Test
    void hashOfLaterAttemptReplacesOnlyWhenKnown() throws IOException {
        long item = claim(deliver("a.csv", "a"), "node-a", 1, start);
        journal.call(c -> {
            WorkItems.recordSha256(c, item, HASH);
            WorkItems.recordSha256(c, item, null);
            return null;
        });

        assertThat(history(item).sha256()).isEqualTo(HASH);
    }
}
