package io.baton.core.journal;

import io.baton.core.journal.ItemAttempts.Attempt;
import io.baton.core.journal.RoleChanges.RoleChange;
import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.core.journal.WorkItems.ItemRecord;
import java.util.List;

/**
 * The lineage of one work item. It contains the item as stored, the input's SHA-256 (null when no worker
 * reported it), every attempt, the outputs and the disposition of the input, and the operator actions on it.
 * It also contains the role changes while the item was open, the other items of the same input name, and all
 * of it as one list of events in time order.
 *
 * @param attemptsRecorded false when the item was claimed before attempts were recorded: {@code attempts} then
 *     holds only the latest attempt, rebuilt from the item's row
 * @param earlierItems ids of earlier items of the same service and input name, oldest first
 * @param laterItems ids of later items of the same service and input name, such as the item a reprocess led to
 */
public record ItemHistory(ItemRecord item, String sha256, List<Attempt> attempts, boolean attemptsRecorded,
        List<ActionRecord> outputs, List<ActionRecord> disposition, List<OperatorActions.Entry> operatorActions,
        List<RoleChange> roleChanges, List<Long> earlierItems, List<Long> laterItems, List<Event> events) {

    /**
     * One event of the history. {@code at} is an ISO-8601 instant, or null when the journal has no time for it;
     * {@code runId}, {@code nodeId} and {@code epoch} are null where the event has none.
     */
    public record Event(String at, String kind, Long runId, String nodeId, Long epoch, String outcome, String detail) {
    }
}
