package io.baton.server.service;

import io.baton.core.config.ServiceDescriptor;
import io.baton.core.journal.ActionKind;
import io.baton.core.journal.ActionState;
import io.baton.core.journal.ItemSelection;
import io.baton.core.journal.JournalWork;
import io.baton.core.journal.OperatorAction;
import io.baton.core.journal.OperatorActions;
import io.baton.core.journal.OperatorActions.Actor;
import io.baton.core.journal.OperatorActions.Outcome;
import io.baton.core.journal.WorkItemState;
import io.baton.core.journal.WorkItems;
import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.core.journal.WorkItems.ItemRecord;
import io.baton.core.publish.FileKeys;
import io.baton.core.publish.FileKeys.FileKey;
import io.baton.core.source.FileIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Carries out operator actions on work items (retry, release, reprocess) and records each one in the
 * journal's {@code operator_actions} table, done or refused.
 *
 * <p>Safety rules:
 * <ul>
 *   <li>An action on a service's items runs on that service's run thread, between two runs, so that no run
 *       lists or claims a file while an action moves it. While a run is in progress, the action is refused.</li>
 *   <li>The item is read again on the run thread, and its state checked there, because a run may have moved
 *       it since the caller selected it.</li>
 *   <li>Files move first, by {@code link(2)} and then unlink, so an existing file is never replaced. The item's
 *       state change and its audit row follow in one transaction. If a retry or release crashes in between, the
 *       item keeps its old state, which no run claims, and the same action again finds the file already moved
 *       and completes.</li>
 * </ul>
 */
public final class WorkItemActions {

    private static final Logger log = LoggerFactory.getLogger(WorkItemActions.class);

    /** Why an action was not carried out: the item is unknown, its state or its files do not allow it, or a file operation failed. */
    public enum Refusal { NOT_FOUND, CONFLICT, FAILED }

    /** The result of an action on one item. {@code refusal} is null when the action was done. */
    public record ItemOutcome(long itemId, String service, String relPath, WorkItemState before, WorkItemState after,
            Outcome outcome, Refusal refusal, String detail) {
    }

    /** An action's journal change, the item's state after it, what happened, and clean-up once it is committed. */
    private record Change(JournalWork<Void> journal, WorkItemState after, String detail, Runnable afterCommit) {
        Change(JournalWork<Void> journal, WorkItemState after, String detail) {
            this(journal, after, detail, () -> { });
        }
    }

    private final ActiveContext ctx;
    private final ServiceManager services;

    public WorkItemActions(ActiveContext ctx, ServiceManager services) {
        this.ctx = ctx;
        this.services = services;
    }

    /** Acts on one item. */
    public ItemOutcome act(OperatorAction action, long itemId, Actor actor) {
        ItemRecord item = ctx.journal().call(c -> WorkItems.find(c, itemId));
        if (item == null) {
            return refuse(action, itemId, null, null, null, actor, new ActionRefusedException(Refusal.NOT_FOUND,
                    "work item " + itemId + " is not in the journal; find item ids with: baton run RUN_ID"));
        }
        return actOnService(action, item.service(), List.of(item), null, actor).get(0);
    }

    /** Returns the items a filter matches for an action, without acting on them. */
    public List<ItemRecord> preview(OperatorAction action, ItemSelection selection) {
        return ctx.journal().call(c -> selection.select(c, action.allowedStates()));
    }

    /**
     * Acts on every item the filter matches, one service at a time. A filter that matches nothing is
     * recorded once, so that the audit trail shows it was tried.
     */
    public List<ItemOutcome> act(OperatorAction action, ItemSelection selection, Actor actor) {
        List<ItemRecord> items = preview(action, selection);
        String filter = selection.describe();
        if (items.isEmpty()) {
            ctx.journal().call(c -> OperatorActions.record(c, ctx.clock().instant(), actor, ctx.nodeId(), action,
                    selection.service(), null, filter, Outcome.DONE, "no work item matched"));
            log.info("Operator action {} with filter '{}' on node {} matched no work item", action.label(), filter, ctx.nodeId());
            return List.of();
        }

        Map<String, List<ItemRecord>> byService = new LinkedHashMap<>();
        for (ItemRecord item : items) {
            byService.computeIfAbsent(item.service(), k -> new ArrayList<>()).add(item);
        }
        List<ItemOutcome> out = new ArrayList<>();
        for (var group : byService.entrySet()) {
            out.addAll(actOnService(action, group.getKey(), group.getValue(), filter, actor));
        }
        return out;
    }

    private List<ItemOutcome> actOnService(OperatorAction action, String service, List<ItemRecord> items, String filter, Actor actor) {
        ServiceRuntime runtime = services.get(service);
        String unavailable = null;
        if (runtime == null) {
            unavailable = "service " + service + " is not deployed; deploy it again to act on its work items";
        } else if (runtime.descriptor() == null) {
            unavailable = "service " + service + " has an invalid descriptor; fix it and deploy it again: " + runtime.reason();
        }
        Future<List<ItemOutcome>> work = null;
        if (unavailable == null) {
            ServiceDescriptor d = runtime.descriptor();
            work = runtime.submitBetweenRuns(() -> actOnItems(action, d, items, filter, actor));
            if (work == null) {
                unavailable = "a run of service " + service + " is in progress; try again once it has ended (baton services shows it)";
            }
        }
        if (unavailable != null) {
            List<ItemOutcome> refused = new ArrayList<>();
            for (ItemRecord item : items) {
                refused.add(refuse(action, item.id(), item, filter, item.state(), actor,
                        new ActionRefusedException(Refusal.CONFLICT, unavailable)));
            }
            return refused;
        }
        try {
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the " + action.label() + " of service " + service, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(action.label() + " on service " + service + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Runs on the service's run thread. */
    private List<ItemOutcome> actOnItems(OperatorAction action, ServiceDescriptor d, List<ItemRecord> items, String filter, Actor actor) {
        MDC.put("service", d.name());
        try {
            List<ItemOutcome> out = new ArrayList<>();
            for (ItemRecord selected : items) {
                out.add(actOnItem(action, d, selected.id(), filter, actor));
            }
            return out;
        } finally {
            MDC.remove("service");
        }
    }

    private ItemOutcome actOnItem(OperatorAction action, ServiceDescriptor d, long itemId, String filter, Actor actor) {
        ItemRecord item = ctx.journal().call(c -> WorkItems.current(c, itemId));
        Change change;
        try {
            String wrongState = action.refusal(item.id(), item.state());
            if (wrongState != null) {
                throw new ActionRefusedException(Refusal.CONFLICT, wrongState);
            }
            if (d.source().remote() != null) {
                change = remoteChange(action, item, d);
            } else {
                Path input = inputPath(d, item);
                change = switch (action) {
                case RETRY -> retry(item, input);
                case RELEASE -> release(item, input);
                case REPROCESS -> reprocess(item, input);
                };
            }
        } catch (ActionRefusedException e) {
            return refuse(action, itemId, item, filter, item.state(), actor, e);
        } catch (IOException e) {
            return refuse(action, itemId, item, filter, item.state(), actor,
                    new ActionRefusedException(Refusal.FAILED, "a file operation failed: " + e + "; fix the cause and try again"));
        }

        ctx.journal().call(c -> {
            change.journal().run(c);
            OperatorActions.record(c, ctx.clock().instant(), actor, ctx.nodeId(), action, item.service(), item.id(), filter,
                    Outcome.DONE, change.detail());
            return null;
        });
        change.afterCommit().run();
        log.info("Operator action {} on work item {} ({}) of service {} on node {} by {} from {}: {} -> {}: {}", action.label(),
                item.id(), item.relPath(), item.service(), ctx.nodeId(), actor.name(), actor.remoteAddress(), item.state(),
                change.after(), change.detail());
        return new ItemOutcome(item.id(), item.service(), item.relPath(), item.state(), change.after(), Outcome.DONE, null,
                change.detail());
    }

    /**
     * Prepares an operator action on an item of a remote source. Its input stays on the server until its
     * disposition, so a retry needs no file to move: the next run downloads it again. Release and
     * reprocess move the input inside a local source folder and have no remote counterpart.
     */
    private Change remoteChange(OperatorAction action, ItemRecord item, ServiceDescriptor d) throws ActionRefusedException {
        String server = d.source().remote().server() + d.source().remote().folder();
        if (action != OperatorAction.RETRY) {
            throw new ActionRefusedException(Refusal.CONFLICT, action.label() + " moves an input inside a local source folder, but"
                    + " service " + d.name() + " reads " + server + "; use retry, or move the file on the server");
        }
        if (item.state() == WorkItemState.PUBLISH_BLOCKED || item.state() == WorkItemState.DISPOSITION_PENDING) {
            return new Change(c -> {
                WorkItems.reopenActions(c, item.id());
                return null;
            }, item.state(), "its publish actions are retried at the start of the next run (" + item.error() + ")");
        }
        // The claimed identity is kept, so the next run claims the file again only if the server still lists it unchanged.
        return new Change(c -> requeue(c, item, item.identity(), "retry requested by an operator"), WorkItemState.RELEASED,
                "attempts reset; the next run downloads " + item.relPath() + " from " + server + " again if it is unchanged"
                        + (item.state() == WorkItemState.QUARANTINED ? " (its quarantined copy stays where it is)" : ""));
    }

    private Change retry(ItemRecord item, Path input) throws IOException, ActionRefusedException {
        String reason = "retry requested by an operator";
        if (item.state() == WorkItemState.PUBLISH_BLOCKED || item.state() == WorkItemState.DISPOSITION_PENDING) {
            // The outputs are committed: only the publish actions run again, at the start of the next run.
            return new Change(c -> {
                WorkItems.reopenActions(c, item.id());
                return null;
            }, item.state(), "its publish actions are retried at the start of the next run (" + item.error() + ")");
        }
        if (item.state() == WorkItemState.FAILED) {
            FileIdentity now = InputMoves.sameInput(input, item.identity());
            return new Change(c -> requeue(c, item, now, reason), WorkItemState.RELEASED,
                    "attempts and backoff reset; the next run processes " + input);
        }
        String where = restoreFromQuarantine(item, input, true);
        FileIdentity now = InputMoves.sameInput(input, item.identity());
        return new Change(c -> requeue(c, item, now, reason), WorkItemState.RELEASED,
                where + "; attempts reset; the next run processes it (it was quarantined: " + item.error() + ")");
    }

    private Void requeue(java.sql.Connection c, ItemRecord item, FileIdentity now, String reason) throws java.sql.SQLException {
        WorkItems.requeue(c, item.id(), item.state(), now.ctimeNanos(), reason, ctx.clock().instant());
        return null;
    }

    private Change release(ItemRecord item, Path input) throws IOException, ActionRefusedException {
        String reason = "released by an operator; the input was given back to the source folder";
        JournalWork<Void> end = c -> {
            WorkItems.returnToSource(c, item.id(), item.state(), reason, ctx.clock().instant());
            return null;
        };
        if (item.state() == WorkItemState.QUARANTINED) {
            // A file changed in quarantine is welcome here: the next run takes it as a new delivery anyway.
            String where = restoreFromQuarantine(item, input, false);
            return new Change(end, WorkItemState.RETURNED, where + "; the next run takes it as a new delivery");
        }

        // PUBLISH_BLOCKED: the input never left the source folder; its staged outputs are discarded.
        InputMoves.sameInput(input, item.identity());
        List<ActionRecord> actions = ctx.journal().call(c -> WorkItems.actionsOfItem(c, item.id()));
        List<Path> staging = new ArrayList<>();
        List<String> published = new ArrayList<>();
        for (ActionRecord a : actions) {
            if (a.kind().readsStaging()) {
                staging.add(Path.of(a.sourcePath()).getParent());
                if (a.state() == ActionState.DONE) {
                    published.add(a.targetPath());
                }
            }
        }
        String detail = "the input stays in " + input + " and the next run takes it as a new delivery; its staged outputs"
                + " are discarded" + (published.isEmpty() ? "" : "; outputs already published stay: " + String.join(", ", published));
        return new Change(end, WorkItemState.RETURNED, detail, () -> staging.forEach(CommittedWork::deleteTree));
    }

    private Change reprocess(ItemRecord item, Path input) throws IOException, ActionRefusedException {
        if (item.state() == WorkItemState.KEPT) {
            InputMoves.sameInput(input, item.identity());
            return new Change(c -> {
                WorkItems.returnToSource(c, item.id(), item.state(), "reprocess requested by an operator", ctx.clock().instant());
                return null;
            }, WorkItemState.RETURNED, "the kept input " + input + " is processed again by the next run, as a new work item");
        }

        ActionRecord archive = lastAction(item, ActionKind.ARCHIVE_INPUT);
        if (archive == null) {
            throw new ActionRefusedException(Refusal.CONFLICT, "the input of work item " + item.id()
                    + " was deleted after processing (onSuccess: delete), so there is no copy to reprocess");
        }
        if (archive.state() != ActionState.DONE) {
            throw new ActionRefusedException(Refusal.CONFLICT, "the input of work item " + item.id() + " was not archived ("
                    + archive.state() + (archive.detail() == null ? "" : ": " + archive.detail()) + "), so there is no copy to reprocess");
        }
        FileKey archived = new FileKey(archive.device(), archive.inode());
        if (archived.equals(FileKeys.of(input))) {
            throw new ActionRefusedException(Refusal.CONFLICT, "the archived copy of work item " + item.id()
                    + " is already back at " + input + " and waits for the next run");
        }
        // NOTE: the item keeps its state, so a crash after this link and before the audit row is written
        // leaves the file to be processed by the next run with no row for the action.
        InputMoves.linkBack(Path.of(archive.targetPath()), archived, input);
        return new Change(c -> null, item.state(), "delivered again from " + archive.targetPath() + " to " + input
                + "; the next run processes it as a new work item");
    }

    /**
     * Gives a quarantined input back to its place in the source folder and removes its quarantine name and
     * reason file (the reason stays in the journal). Returns what was done, for the audit trail. With
     * {@code sameContent}, a file whose size or modification time changed in quarantine is rejected before
     * anything moves.
     */
    private String restoreFromQuarantine(ItemRecord item, Path input, boolean sameContent) throws IOException, ActionRefusedException {
        ActionRecord q = lastAction(item, ActionKind.QUARANTINE_INPUT);
        if (q == null || !q.state().isFinal()) {
            // The move into quarantine never ended: the input is still in the source folder, and the open
            // action is skipped by the state change.
            return "the input had not left the source folder";
        }
        if (q.state() == ActionState.SKIPPED) {
            throw new ActionRefusedException(Refusal.CONFLICT, "the input of work item " + item.id() + " never reached quarantine: "
                    + q.detail());
        }
        Path quarantined = Path.of(q.targetPath());
        FileKey key = new FileKey(q.device(), q.inode());
        if (sameContent) {
            InputMoves.checkUnchanged(item, key, quarantined, input);
        }
        InputMoves.linkBack(quarantined, key, input);
        InputMoves.unlink(quarantined);
        InputMoves.unlink(quarantined.resolveSibling(quarantined.getFileName() + Naming.REASON_SUFFIX));
        return "moved back from " + quarantined + " to " + input;
    }

    private ActionRecord lastAction(ItemRecord item, ActionKind kind) {
        List<ActionRecord> actions = ctx.journal().call(c -> WorkItems.actionsOfItem(c, item.id()));
        ActionRecord last = null;
        for (ActionRecord a : actions) {
            if (a.kind() == kind) {
                last = a;
            }
        }
        return last;
    }

    /** Returns the input's place in the service's source folder as it is configured now. */
    private static Path inputPath(ServiceDescriptor d, ItemRecord item) throws ActionRefusedException {
        Path root = d.source().path().normalize();
        Path input = root.resolve(item.relPath()).normalize();
        if (!input.startsWith(root) || input.equals(root)) {
            throw new ActionRefusedException(Refusal.CONFLICT, "the path " + item.relPath() + " of work item " + item.id()
                    + " would leave the source folder " + root);
        }
        return input;
    }

    private ItemOutcome refuse(OperatorAction action, long itemId, ItemRecord item, String filter, WorkItemState state, Actor actor,
            ActionRefusedException e) {
        String service = item == null ? null : item.service();
        ctx.journal().call(c -> OperatorActions.record(c, ctx.clock().instant(), actor, ctx.nodeId(), action, service, itemId, filter,
                Outcome.REFUSED, e.getMessage()));
        log.info("Operator action {} on work item {} of service {} on node {} by {} from {} refused: {}", action.label(), itemId,
                service == null ? "-" : service, ctx.nodeId(), actor.name(), actor.remoteAddress(), e.getMessage());
        return new ItemOutcome(itemId, service, item == null ? null : item.relPath(), state, state, Outcome.REFUSED, e.kind(),
                e.getMessage());
    }
}
