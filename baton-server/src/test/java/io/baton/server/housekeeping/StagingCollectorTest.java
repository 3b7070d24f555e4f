package io.baton.server.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.journal.ActionKind;
import io.baton.core.journal.Journal;
import io.baton.core.journal.RunState;
import io.baton.core.journal.Runs;
import io.baton.core.journal.WorkItems;
import io.baton.core.journal.WorkItems.ActionSpec;
import io.baton.core.journal.WorkItems.Claimed;
import io.baton.core.source.FileIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Collection of orphaned staging folders against a real journal and real folders. */
class StagingCollectorTest {

    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path data;

    private Path work;
    private Journal journal;

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createDirectories(data.resolve("work"));
        Files.createDirectories(data.resolve("state"));
        journal = Journal.openAndTakeGuard(data.resolve("state/journal.db"), 1, "node-a", false, 5_000, e -> { });
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    private long run(RunState end) {
        return journal.call(c -> {
            long id = Runs.start(c, "orders", 1, "node-a", "test", T0);
            if (end != RunState.RUNNING) {
                Runs.finish(c, id, end, new Runs.RunTotals(0, 0, 0, 0, 0, 0), null, T0);
            }
            return id;
        });
    }

    /** Creates work/orders/1-RUN/ITEM/out.txt with 100 bytes and returns the item folder. */
    private Path staged(long runId, long itemId) throws IOException {
        Path item = Files.createDirectories(work.resolve("orders/1-" + runId + "/" + itemId));
        Files.write(item.resolve("out.txt"), new byte[100]);
        return item;
    }

    private StagingCollector collector() {
        return new StagingCollector(work, journal, () -> true);
    }

    @Test
    void endedAndUnknownRunsCollected() throws IOException {
        Path ended = staged(run(RunState.SUCCEEDED), 1);
        Path abandoned = staged(run(RunState.ABANDONED), 2);
        Path unknown = staged(999, 3);

        StagingCollector.Counts counts = collector().collect();

        assertThat(ended.getParent()).as("staging of a succeeded run").doesNotExist();
        assertThat(abandoned.getParent()).as("staging of an abandoned run").doesNotExist();
        assertThat(unknown.getParent()).as("staging of a run unknown to the journal").doesNotExist();
        assertThat(counts.itemFolders()).isEqualTo(3);
        assertThat(counts.runFolders()).isEqualTo(3);
        assertThat(counts.bytes()).isEqualTo(300);
    }

    @Test
    void runningRunKept() throws IOException {
        Path running = staged(run(RunState.RUNNING), 1);

        collector().collect();

        assertThat(running.resolve("out.txt")).as("staging of a running run").exists();
    }

    @Test
    void openPublishActionKeepsItsFolder() throws IOException {
        long runId = run(RunState.RUNNING);
        Path inbox = Files.createDirectories(data.resolve("inbox"));
        Files.writeString(inbox.resolve("a.csv"), "a\n");
        FileIdentity id = FileIdentity.of(inbox.resolve("a.csv"), "a.csv");
        long itemId = ((Claimed) journal.call(c -> WorkItems.claim(c, "orders", c2 -> runId, 1, id, T0))).itemId();
        Path needed = staged(runId, itemId);
        Path orphan = staged(runId, itemId + 1);
        journal.call(c -> {
            WorkItems.commit(c, itemId, 1, 1, List.of(new ActionSpec(ActionKind.PUBLISH_OUTPUT, needed.resolve("out.txt").toString(),
                    data.resolve("out/a.csv").toString(), 0, 0)));
            Runs.finish(c, runId, RunState.FAILED, new Runs.RunTotals(0, 0, 0, 0, 0, 0), "publish blocked", T0);
            return null;
        });

        StagingCollector.Counts counts = collector().collect();

        assertThat(needed.resolve("out.txt")).as("staged output an open publish action reads").exists();
        assertThat(orphan).as("item folder no action needs").doesNotExist();
        assertThat(counts.keptForPublishing()).isEqualTo(1);
    }

    @Test
    void foreignEntriesAndLinksLeftAlone() throws IOException {
        Path outside = Files.createDirectories(data.resolve("outside"));
        Files.writeString(outside.resolve("precious.txt"), "keep\n");
        Path runFolder = Files.createDirectories(work.resolve("orders/1-" + run(RunState.SUCCEEDED)));
        Files.createSymbolicLink(runFolder.resolve("7"), outside);
        Path foreign = Files.createDirectories(work.resolve("orders/not-a-run"));

        collector().collect();

        assertThat(outside.resolve("precious.txt")).as("file behind a link in staging").exists();
        assertThat(runFolder).as("run folder that held only the link").doesNotExist();
        assertThat(foreign).as("folder not named like a run").exists();
    }

    @Test
    void stopsWhenNoLongerActive() throws IOException {
        Path ended = staged(run(RunState.SUCCEEDED), 1);

        new StagingCollector(work, journal, () -> false).collect();

        assertThat(ended.resolve("out.txt")).exists();
    }
}
