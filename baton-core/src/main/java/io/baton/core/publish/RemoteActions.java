package io.baton.core.publish;

import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.core.source.FileIdentity;
import java.io.IOException;

/**
 * The publish actions that act on a remote server, carried out by the transport layer for the
 * {@link Publisher}, which decides when each one runs and records how it ended.
 */
public interface RemoteActions {

    /** Records, and waits until it is committed, that an upload is complete under the temporary name of {@code epoch}. */
    @FunctionalInterface
    interface UploadRecorder {
        void uploaded(long epoch);
    }

    /**
     * Completes a {@code PUBLISH_REMOTE} action from its recorded progress: uploads the staged output
     * under a temporary name unless the upload is recorded, then renames it to the final name, and
     * removes what uploads of earlier epochs left under their own temporary names.
     *
     * @param committedEpoch the epoch of the item's commit: no node uploaded this action before it
     * @throws IOException when a step failed, or the final name is taken by a file this action did not put there
     */
    void deliver(ActionRecord action, long committedEpoch, UploadRecorder recorder) throws IOException;

    /**
     * Carries out an {@code ARCHIVE_REMOTE_INPUT} or {@code DELETE_REMOTE_INPUT} action. Returns null when
     * the input is archived or gone, or the reason it was left in place (replaced by a new delivery, vanished).
     */
    String dispose(ActionRecord action, FileIdentity claimed) throws IOException;

    /** Closes the connections the actions opened. */
    void close();
}
