package io.baton.core.publish;

import io.baton.core.journal.ActionState;

/** Records the progress of publish actions in the journal. */
public interface ActionRecorder {

    /** Records an end state; may be batched, because replaying a finished action is harmless. */
    void record(long actionId, ActionState state, String detail);

    /**
     * Records, and waits until it is committed, that a cross-device copy is complete and which inode
     * must end up under the final name. The next sub-step relies on it after a crash.
     */
    void recordCopied(long actionId, long device, long inode);
}
