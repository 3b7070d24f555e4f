package io.baton.server.housekeeping;

import io.baton.core.journal.Journal;
import io.baton.core.journal.JournalRetention;
import io.baton.core.journal.JournalRetention.Candidate;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished journal records older than the configured age: work items with their publish
 * actions, then runs no item refers to any more, schedule slots and operator actions. Each batch is
 * one unit of the journal's normal group commit, so it checks the epoch guard and holds the lock only
 * for {@code batchSize} rows. See {@link JournalRetention} for what is never deleted and
 * {@link KnownFileRule} for the KEPT and QUARANTINED items that stay.
 */
final class JournalPruner {

    private static final Logger log = LoggerFactory.getLogger(JournalPruner.class);

    /** Rows deleted from each table by one pruning. */
    record Counts(int items, int itemsKept, int runs, int slots, int operatorActions) {
    }

    private final Journal journal;
    private final Duration keep;
    private final int batchSize;
    private final Supplier<KnownFileRule> rules;
    private final BooleanSupplier mayWrite;
    private final Clock clock;

    /**
     * @param rules returns the known-file rule over the services loaded now
     * @param mayWrite returns false once this node may no longer act as the active node
     */
    JournalPruner(Journal journal, Duration keep, int batchSize, Supplier<KnownFileRule> rules, BooleanSupplier mayWrite, Clock clock) {
        this.journal = journal;
        this.keep = keep;
        this.batchSize = batchSize;
        this.rules = rules;
        this.mayWrite = mayWrite;
        this.clock = clock;
    }

    Counts prune() throws IOException {
        Instant cutoff = clock.instant().minus(keep);
        long freeBefore = journal.call(JournalRetention::freeBytes);

        int[] items = pruneItems(cutoff, rules.get());
        int runs = repeat(limit -> journal.call(c -> JournalRetention.deleteRuns(c, cutoff, limit)));
        int slots = repeat(limit -> journal.call(c -> JournalRetention.deleteSlots(c, cutoff, limit)));
        int operatorActions = repeat(limit -> journal.call(c -> JournalRetention.deleteOperatorActions(c, cutoff, limit)));

        long freed = journal.call(JournalRetention::freeBytes) - freeBefore;
        String oldest = journal.call(JournalRetention::oldestFinishedItem);
        Counts counts = new Counts(items[0], items[1], runs, slots, operatorActions);
        log.info("Journal pruned of records finished before {}: {} work item(s) with their publish actions, {} run(s), {} schedule slot(s), "
                + "{} operator action(s); {} bytes of the journal file now free; {} older finished item(s) kept for the known-file rule; "
                + "oldest finished item kept finished at {}", cutoff, counts.items(), counts.runs(), counts.slots(), counts.operatorActions(),
                Math.max(0, freed), counts.itemsKept(), oldest == null ? "(none)" : oldest);
        return counts;
    }

    /** Deletes candidate items page by page; returns {deleted, kept because still needed}. */
    private int[] pruneItems(Instant cutoff, KnownFileRule rule) throws IOException {
        int deleted = 0;
        int kept = 0;
        long afterId = 0;
        while (mayWrite.getAsBoolean()) {
            long from = afterId;
            List<Candidate> page = journal.call(c -> JournalRetention.candidates(c, cutoff, from, batchSize));
            if (page.isEmpty()) {
                break;
            }
            List<Candidate> deletable = new ArrayList<>();
            // The file checks run between two transactions, so the journal is not locked while they wait for storage.
            // NOTE: a file moved back into the inbox between its check and the delete below loses its known row.
            for (Candidate item : page) {
                String reason = rule.reasonToKeep(item);
                if (reason == null) {
                    deletable.add(item);
                } else {
                    kept++;
                    log.debug("Work item {} of service {} ({}) is kept: {}", item.id(), item.service(), item.state(), reason);
                }
            }
            if (!deletable.isEmpty()) {
                deleted += journal.call(c -> JournalRetention.deleteItems(c, deletable));
            }
            afterId = page.get(page.size() - 1).id();
        }
        return new int[] {deleted, kept};
    }

    @FunctionalInterface
    private interface Batch {
        int delete(int limit);
    }

    /** Runs a deleting batch until it deletes fewer rows than the batch size; returns the total. */
    private int repeat(Batch batch) {
        int total = 0;
        while (mayWrite.getAsBoolean()) {
            int n = batch.delete(batchSize);
            total += n;
            if (n < batchSize) {
                break;
            }
        }
        return total;
    }
}
