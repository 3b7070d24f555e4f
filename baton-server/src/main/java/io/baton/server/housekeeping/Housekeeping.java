package io.baton.server.housekeeping;

import static io.baton.core.config.Durations.format;

import io.baton.core.config.RetentionConfig;
import io.baton.core.config.ServiceDescriptor;
import io.baton.core.journal.DeposedException;
import io.baton.core.journal.JournalCompaction;
import io.baton.core.journal.JournalException;
import io.baton.core.journal.WorkItems;
import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.server.service.ActiveContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The housekeeping of the active node for one epoch: journal pruning, journal compaction, collection
 * of orphaned staging, and expiry of archive and quarantine folders, each on an interval of its own.
 *
 * <p>All jobs run one after another on a single thread, so that two never compete for the journal or
 * the same folders. Each job checks before every deletion that this node may still act as the active
 * node, and the journal checks the epoch guard in every transaction. A failing pass is logged and the
 * next one runs on schedule. Log rotation is not a job here: logback rolls the logs over as it writes.
 */
public final class Housekeeping {

    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    /** Maximum wait before the first pass of a job; a shorter interval starts it sooner. */
    private static final Duration MAX_FIRST_DELAY = Duration.ofMinutes(1);

    private final ActiveContext ctx;
    private final RetentionConfig config;
    private final Supplier<Collection<ServiceDescriptor>> services;
    private final ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("housekeeping").daemon().unstarted(r));

    /** @param services returns the descriptors of the services loaded now (invalid ones left out) */
    public Housekeeping(ActiveContext ctx, RetentionConfig config, Supplier<Collection<ServiceDescriptor>> services) {
        this.ctx = ctx;
        this.config = config;
        this.services = services;
    }

    public void start() {
        schedule("journal pruning", config.journalEvery(), this::pruneJournal);
        schedule("journal compaction", config.compactionEvery(), this::compactJournal);
        schedule("staging collection", config.stagingEvery(), this::collectStaging);
        schedule("archive and quarantine expiry", config.expiryEvery(), this::expireFolders);
        log.info("Housekeeping of node {} epoch {} started: journal pruning every {} (keep {}), compaction every {}, "
                + "staging collection every {}, archive and quarantine expiry every {}", ctx.nodeId(), ctx.epoch(), format(config.journalEvery()),
                format(config.journalKeep()), format(config.compactionEvery()), format(config.stagingEvery()), format(config.expiryEvery()));
    }

    /**
     * Stops every job at once and returns without waiting. It interrupts a job in progress, and
     * interrupting a thread blocked in file-channel I/O waits for that I/O, so the fencing path calls
     * {@link #stopScheduling} instead.
     */
    public void stop() {
        executor.shutdownNow();
    }

    /** Starts no further job, and lets a job in progress go on. It interrupts no thread, so it does not wait for storage. */
    public void stopScheduling() {
        executor.shutdown();
    }

    /** Stops every job and waits up to {@code timeout} for a pass in progress to end. */
    public void stopAndWait(Duration timeout) {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Housekeeping of node {} did not stop within {} ms", ctx.nodeId(), timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface Job {
        void run() throws IOException;
    }

    private void schedule(String name, Duration every, Job job) {
        long first = Math.min(every.toMillis(), MAX_FIRST_DELAY.toMillis());
        executor.scheduleWithFixedDelay(() -> runLogged(name, job), first, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runLogged(String name, Job job) {
        MDC.put("node", ctx.nodeId());
        if (!ctx.mayPublish().getAsBoolean()) {
            return;
        }
        try {
            job.run();
        } catch (DeposedException e) {
            log.warn("Housekeeping job {} stopped: {}", name, e.getMessage());
        } catch (IOException | JournalException | IllegalArgumentException e) {
            if (executor.isShutdown()) {
                log.debug("Housekeeping job {} ended while stopping: {}", name, e.toString());
            } else {
                log.error("Housekeeping job {} failed on node {} epoch {}: {}; it runs again in its next interval", name, ctx.nodeId(),
                        ctx.epoch(), e.toString());
            }
        } catch (RuntimeException e) {
            // Caught so that the scheduled executor does not cancel the job for good.
            log.error("Housekeeping job {} failed on node {} epoch {}", name, ctx.nodeId(), ctx.epoch(), e);
        }
    }

    private void pruneJournal() throws IOException {
        Map<String, ServiceDescriptor> byName = services.get().stream()
                .collect(Collectors.toMap(ServiceDescriptor::name, Function.identity(), (a, b) -> a));
        new JournalPruner(ctx.journal(), config.journalKeep(), config.journalBatchSize(), () -> new KnownFileRule(byName),
                ctx.mayPublish(), ctx.clock()).prune();
    }

    private void compactJournal() {
        JournalCompaction.Result r = JournalCompaction.compact(ctx.journal());
        if (r.mode() == JournalCompaction.Mode.SKIPPED) {
            log.info("Journal compaction of {} skipped: {}; the file has {} bytes, {} of them free pages", ctx.journal().file(),
                    r.skipReason(), r.fileBytesBefore(), r.freeBytesBefore());
        } else {
            log.info("Journal {} compacted ({}): {} bytes reclaimed, from {} to {} bytes", ctx.journal().file(),
                    r.mode() == JournalCompaction.Mode.FULL_VACUUM ? "full VACUUM" : "incremental vacuum", r.reclaimedBytes(),
                    r.fileBytesBefore(), r.fileBytesAfter());
        }
    }

    private void collectStaging() throws IOException {
        new StagingCollector(ctx.data().work(), ctx.journal(), ctx.mayPublish()).collect();
    }

    private void expireFolders() throws IOException {
        List<ExpiryRule> rules = ExpiryRule.plan(services.get(), ctx.data().root());
        if (rules.isEmpty()) {
            return;
        }
        Set<Path> openTargets = ctx.journal().call(c -> {
            Set<Path> targets = new HashSet<>();
            for (ActionRecord a : WorkItems.openActions(c)) {
                targets.add(Path.of(a.targetPath()));
            }
            return targets;
        });
        FolderExpiry expiry = new FolderExpiry(ctx.mayPublish(), ctx.clock());
        for (ExpiryRule rule : rules) {
            expiry.expire(rule, openTargets);
        }
    }
}
