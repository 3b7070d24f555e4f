package io.baton.transport;

import io.baton.core.config.RemoteSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers outputs to a remote folder, as a publish action with two recorded sub-steps.
 *
 * <p>Sub-step one uploads the staged output to a temporary name unique to the publish action
 * ({@code .baton-<action id>.part}) and checks its size on the server; the caller records
 * "uploaded" before sub-step two renames it to the final name. The rename never replaces a file.
 * A replay decides from the recorded sub-step, never from a file of the same size at the final name.
 * Before "uploaded" is recorded, any file at the final name is someone else's, so the delivery fails
 * instead of replacing it. After it, a missing temporary file and an existing final file mean that the
 * rename was done before the crash, because only this action uses its temporary name.
 */
public final class RemoteTarget {

    private static final Logger log = LoggerFactory.getLogger(RemoteTarget.class);

    /** Progress of one delivery, as the journal records it. */
    public enum Progress { PENDING, UPLOADED, DONE }

    /** Records a sub-step durably before the next one starts. */
    @FunctionalInterface
    public interface ProgressRecorder {
        void uploaded();
    }

    private final RemoteConnection connection;
    private final RemoteSpec remote;

    public RemoteTarget(RemoteConnection connection) {
        this.connection = connection;
        this.remote = connection.spec();
    }

    /** Returns the temporary name of an action's upload, in the target folder. */
    public static String temporaryName(long actionId) {
        return ".baton-" + actionId + ".part";
    }

    /**
     * Completes one delivery from the recorded progress.
     *
     * @param staged   the local output; it must still exist unless progress is {@link Progress#UPLOADED}
     * @param name     the final file name in the target folder
     * @throws TransportException when a step failed, or the final name is taken by a file this action did not put there
     */
    public void deliver(long actionId, Progress progress, Path staged, String name, ProgressRecorder recorder) throws TransportException {
        String problem = RemoteNames.problem(name);
        if (problem != null) {
            throw new TransportException(remote.server(), remote.folder(), false, "output name " + RemoteNames.escape(name)
                    + " is rejected: " + problem, null);
        }
        String temp = remote.pathOf(temporaryName(actionId));
        String target = remote.pathOf(name);
        long size = sizeOf(staged, progress);

        if (progress == Progress.PENDING) {
            upload(staged, temp, target, size);
            recorder.uploaded();
        }
        connection.call(target, s -> {
            RemoteFile uploaded = s.stat(temp);
            RemoteFile existing = s.stat(target);
            if (uploaded == null && existing != null) {
                log.info("Output {} on {} was renamed before the last stop; the delivery is complete", target, remote.server());
                return null;
            }
            if (uploaded == null) {
                throw new TransportException(remote.server(), temp, false, "uploaded file " + temp + " vanished from " + remote.server()
                        + " before its rename to " + target + "; retry the work item to upload it again", null);
            }
            if (existing != null) {
                throw existsError(target);
            }
            s.rename(temp, target);
            return null;
        });
        log.info("Delivered {} to {}", target, remote.server());
    }

    private void upload(Path staged, String temp, String target, long size) throws TransportException {
        connection.call(target, s -> {
            if (s.stat(target) != null) {
                throw existsError(target);
            }
            s.createFolders(remote.folder());
            s.upload(staged, temp);
            RemoteFile uploaded = s.stat(temp);
            long remoteSize = uploaded == null ? -1 : uploaded.size();
            if (remoteSize != size) {
                s.delete(temp);
                // A size mismatch after a completed upload means the transfer was cut without an error: try again.
                throw new TransportException(remote.server(), temp, true, "upload of " + staged + " to " + temp + " on " + remote.server()
                        + " left " + remoteSize + " bytes of " + size, null);
            }
            return null;
        });
    }

    private TransportException existsError(String target) {
        return new TransportException(remote.server(), target, false, "target file " + target + " exists on " + remote.server()
                + "; Baton never replaces a file: move it away, and the next run delivers this output", null);
    }

    private long sizeOf(Path staged, Progress progress) throws TransportException {
        if (progress != Progress.PENDING) {
            return -1;
        }
        try {
            return Files.size(staged);
        } catch (java.io.IOException e) {
            throw new TransportException(remote.server(), null, false, "staged output " + staged + " cannot be read: " + e, e);
        }
    }
}
