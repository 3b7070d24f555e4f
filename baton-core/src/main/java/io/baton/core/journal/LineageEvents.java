package io.baton.core.journal;

import io.baton.core.journal.ItemAttempts.Attempt;
import io.baton.core.journal.ItemHistory.Event;
import io.baton.core.journal.RoleChanges.RoleChange;
import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.core.journal.WorkItems.ItemRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Puts the records of one item's history into one list of events in time order. Events without a time
 * come last. Publish actions have no time of their own in the journal, so they take the end of the attempt
 * that recorded them.
 */
final class LineageEvents {

    private LineageEvents() {
    }

    static List<Event> of(ItemRecord item, List<Attempt> attempts, List<ActionRecord> outputs, List<ActionRecord> disposition,
            List<OperatorActions.Entry> operatorActions, List<RoleChange> roleChanges, List<ItemRecord> laterItems) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            events.add(new Event(a.startedAt(), "claimed", a.runId(), a.nodeId(), a.epoch(), null,
                    "attempt " + (i + 1) + " of " + item.relPath()));
            if (a.endedAt() != null || a.outcome() != null) {
                events.add(new Event(a.endedAt(), "attempt-ended", a.runId(), a.nodeId(), a.epoch(), a.outcome(), a.error()));
            }
        }

        String recordedAt = actionsRecordedAt(item, attempts);
        for (ActionRecord a : outputs) {
            events.add(new Event(recordedAt, "output", null, null, null, a.state().name(), actionText(a)));
        }
        for (ActionRecord a : disposition) {
            events.add(new Event(recordedAt, "disposition", null, null, null, a.state().name(), actionText(a)));
        }
        if (item.finishedAt() != null && item.state() != WorkItemState.CLAIMED) {
            events.add(new Event(item.finishedAt(), "state", null, null, null, item.state().name(), item.error()));
        }

        for (OperatorActions.Entry o : operatorActions) {
            events.add(new Event(o.at(), "operator-action", null, o.nodeId(), null, o.outcome(),
                    o.action() + " by " + o.actor() + (o.remoteAddress() == null ? "" : " from " + o.remoteAddress())
                            + (o.detail() == null ? "" : ": " + o.detail())));
        }
        for (RoleChange r : roleChanges) {
            events.add(new Event(r.completedAt(), "role-change", null, r.nodeId(), r.epoch(), r.cause(),
                    "node " + r.nodeId() + " became active" + (r.previousNode() == null ? "" : ", after node " + r.previousNode())
                            + (r.detail() == null ? "" : ": " + r.detail())));
        }
        for (ItemRecord later : laterItems) {
            events.add(new Event(later.claimedAt(), "later-item", later.runId(), null, later.epoch(), later.state().name(),
                    "work item " + later.id() + " took the same input name"));
        }

        events.sort(Comparator.comparing((Event e) -> Lineage.parse(e.at()), Comparator.nullsLast(Comparator.naturalOrder())));
        return events;
    }

    /** Returns when the item's publish actions were recorded: the end of its last committed or quarantined attempt. */
    private static String actionsRecordedAt(ItemRecord item, List<Attempt> attempts) {
        for (Attempt a : attempts.reversed()) {
            String outcome = a.outcome() == null ? "" : a.outcome().toLowerCase(Locale.ROOT);
            if (outcome.equals("committed") || outcome.equals("quarantined") || outcome.equals("rejected")) {
                return a.endedAt();
            }
        }
        return item.finishedAt();
    }

    private static String actionText(ActionRecord a) {
        String kind = a.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
        return kind + " " + a.targetPath() + (a.attempts() > 1 ? " after " + a.attempts() + " tries" : "")
                + (a.detail() == null ? "" : ": " + a.detail());
    }
}
