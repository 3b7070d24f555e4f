package io.baton.server.service;

import io.baton.core.journal.ActionState;
import io.baton.core.journal.Journal;
import io.baton.core.journal.WorkItems;
import io.baton.core.publish.ActionRecorder;

/** Records publish progress through the journal's group commit. */
final class JournalActionRecorder implements ActionRecorder {

    private final Journal journal;

    JournalActionRecorder(Journal journal) {
        this.journal = journal;
    }

    @Override
    public void record(long actionId, ActionState state, String detail) {
        journal.submit(c -> {
            WorkItems.updateAction(c, actionId, state, detail);
            return null;
        });
    }

    @Override
    public void recordCopied(long actionId, long device, long inode) {
        journal.call(c -> {
            WorkItems.recordCopied(c, actionId, device, inode);
            return null;
        });
    }
}
