package io.baton.server.service;

import io.baton.core.journal.ActionState;
import io.baton.core.journal.Journal;
import io.baton.core.journal.WorkItems;
import io.baton.core.publish.ActionRecorder;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records publish progress in the journal. End states are buffered and written with the items' end
 * states in one transaction, because a replay of a finished action is harmless. The copy sub-step of a
 * cross-device publish is written at once, because the next sub-step relies on it.
 */
final class JournalActionRecorder implements ActionRecorder {

    private static final Logger log = LoggerFactory.getLogger(JournalActionRecorder.class);

    /** One buffered end state of an action. */
    record Recorded(long actionId, ActionState state, String detail) {
    }

    private final Journal journal;
    private final List<Recorded> buffer = new ArrayList<>();

    JournalActionRecorder(Journal journal) {
        this.journal = journal;
    }

    @Override
    public synchronized void record(long actionId, ActionState state, String detail) {
        buffer.add(new Recorded(actionId, state, detail));
    }

    @Override
    public void recordCopied(long actionId, long device, long inode) {
        journal.call(c -> {
            WorkItems.recordCopied(c, actionId, device, inode);
            return null;
        });
    }

    /** Returns and clears the buffered end states. */
    synchronized List<Recorded> drain() {
        List<Recorded> out = new ArrayList<>(buffer);
        buffer.clear();
        return out;
    }

    /** Writes what is buffered on its own, for the path where the batch did not finish. */
    void flushIfPending() {
        List<Recorded> pending = drain();
        if (!pending.isEmpty()) {
            journal.submit(c -> {
                write(c, pending);
                return null;
            });
        }
    }

    static void write(Connection c, List<Recorded> recorded) throws SQLException {
        for (Recorded r : recorded) {
            if (WorkItems.updateAction(c, r.actionId(), r.state(), r.detail())) {
                String owner = WorkItems.actionOwner(c, r.actionId());
                log.error("Publish action {} of {} failed {} times and is no longer retried: {}; fix the cause, then run"
                        + " 'baton retry' on that work item", r.actionId(), owner, WorkItems.MAX_ACTION_ATTEMPTS, r.detail());
            }
        }
    }
}
