package io.baton.server.service;

import io.baton.core.journal.ActionKind;
import io.baton.core.journal.Journal;
import io.baton.core.journal.WorkItemState;
import io.baton.core.journal.WorkItems;
import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.core.journal.WorkItems.ItemRecord;
import io.baton.core.publish.Publisher;
import io.baton.core.publish.Publisher.ItemActions;
import io.baton.core.publish.Publisher.ItemResult;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes committed items and records where each one ended. Used after every commit batch, by
 * recovery for what a lost node committed but did not publish, and at the start of each run for
 * items whose publishing failed before (a target that was not writable, say).
 */
public final class CommittedWork implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommittedWork.class);

    private final ActiveContext ctx;
    private final JournalActionRecorder recorder;
    private final Publisher publisher;
    private final RemoteEndpoints remote;

    /** For recovery and switch-over: remote actions use the deployed descriptors of their services. */
    public CommittedWork(ActiveContext ctx) {
        this(ctx, new DeployedDescriptors(ctx));
    }

    CommittedWork(ActiveContext ctx, DeployedDescriptors descriptors) {
        this.ctx = ctx;
        this.recorder = new JournalActionRecorder(ctx.journal());
        this.remote = new RemoteEndpoints(ctx, descriptors);
        this.publisher = new Publisher(recorder, ctx.mayPublish(), remote);
    }

    /** Returns the remote connections of this run or replay, which the run's listing and downloads share. */
    RemoteEndpoints remote() {
        return remote;
    }

    /** Closes the remote connections that publishing opened. */
    @Override
    public void close() {
        remote.close();
    }

    /** Publishes the open actions of the given items (all items with open actions when null) of one service (any when null). */
    public int publishOpen(String service) {
        Map<Long, List<ActionRecord>> byItem = new LinkedHashMap<>();
        List<ItemRecord> items = ctx.journal().call(c -> {
            for (ActionRecord a : WorkItems.actionsToRetry(c)) {
                if (service == null || service.equals(a.service())) {
                    byItem.computeIfAbsent(a.itemId(), k -> new ArrayList<>()).add(a);
                }
            }
            List<ItemRecord> rows = new ArrayList<>();
            for (long id : byItem.keySet()) {
                rows.add(WorkItems.current(c, id));
            }
            return rows;
        });
        if (items.isEmpty()) {
            return 0;
        }
        List<ItemActions> batch = new ArrayList<>();
        Map<Long, Boolean> keep = new java.util.HashMap<>();
        for (ItemRecord item : items) {
            batch.add(new ItemActions(item, byItem.get(item.id())));
            keep.put(item.id(), false);
        }
        List<ItemResult> results = publish(batch, keep);
        long done = results.stream().filter(r -> r.state() == WorkItemState.DISPOSED || r.state() == WorkItemState.KEPT).count();
        log.info("Replayed the open publish actions of {} work item(s){}: {} now done", results.size(),
                service == null ? "" : " of service " + service, done);
        return results.size();
    }

    /**
     * Publishes a batch and records each item's end state. Items whose disposition keeps the input
     * end as KEPT. Staging of items that ended is removed.
     */
    public List<ItemResult> publish(List<ItemActions> batch, Map<Long, Boolean> keep) {
        List<ItemResult> results;
        try {
            results = publisher.publish(batch, keep);
        } catch (RuntimeException e) {
            // Record what was done before publishing stopped half-way (fencing), so a replay starts from it.
            recorder.flushIfPending();
            throw e;
        }
        Map<Long, WorkItemState> from = new java.util.HashMap<>();
        for (ItemActions ia : batch) {
            from.put(ia.item().id(), ia.item().state());
        }
        // The end states of actions and of items share one transaction.
        List<JournalActionRecorder.Recorded> recorded = recorder.drain();
        Journal.await(ctx.journal().submit(c -> {
            JournalActionRecorder.write(c, recorded);
            for (ItemResult r : results) {
                WorkItemState current = from.get(r.itemId());
                if (current != r.state()) {
                    WorkItems.finish(c, r.itemId(), current, r.state(), r.detail(), ctx.clock().instant());
                }
            }
            return null;
        }));
        for (ItemActions ia : batch) {
            boolean ended = results.stream().anyMatch(r -> r.itemId() == ia.item().id()
                    && (r.state() == WorkItemState.DISPOSED || r.state() == WorkItemState.KEPT || r.state() == WorkItemState.DISPOSITION_PENDING))
                    || ia.item().state() == WorkItemState.QUARANTINED;
            // A quarantine copy that is still pending reads the downloaded input from staging.
            boolean needsStaging = ia.actions().stream().anyMatch(a -> a.kind() == ActionKind.QUARANTINE_DOWNLOAD)
                    && results.stream().anyMatch(r -> r.itemId() == ia.item().id() && r.state() == WorkItemState.DISPOSITION_PENDING);
            if (ended && !needsStaging) {
                for (ActionRecord a : ia.actions()) {
                    if (a.kind().readsStaging()) {
                        deleteTree(Path.of(a.sourcePath()).getParent());
                    }
                }
            }
        }
        return results;
    }

    /** Deletes a folder and everything in it; a missing folder is fine. */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("Cannot delete staging folder {}: {}", root, e.toString());
        }
    }
}
