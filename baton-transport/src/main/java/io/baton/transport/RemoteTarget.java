package io.baton.transport;

import io.baton.core.config.RemoteSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers outputs to a remote folder, as a publish action with two recorded sub-steps.
 *
 * <p>Sub-step one uploads the staged output to a temporary name unique to the publish action and to the
 * epoch that uploads it ({@code .baton-<action id>-e<epoch>.part}) and checks its size on the server; the
 * caller records "uploaded in epoch e" before sub-step two renames it to the final name. The rename never
 * replaces a file. A replay decides from the recorded sub-step, never from a file of the same size at the
 * final name. Before "uploaded" is recorded, any file at the final name is someone else's, so the delivery
 * fails instead of replacing it. After it, a missing temporary file and an existing final file mean that
 * the rename was done before the crash, because only this action uses its temporary name.
 *
 * <p>The epoch is in the temporary name because a fenced node may still be writing its upload when the
 * next active node replays the action: an open SFTP handle keeps writing to its file even after a rename,
 * so two epochs sharing one temporary name could corrupt the delivered file. The price is that a node
 * killed in the middle of an upload leaves its partial file under its own epoch's name, so the node that
 * completes the delivery removes the temporary files of the earlier epochs afterwards
 * ({@link #removeEarlierUploads}).
 */
public final class RemoteTarget {

    private static final Logger log = LoggerFactory.getLogger(RemoteTarget.class);

    /** Records durably that the upload of an epoch is complete, before the rename starts. */
    @FunctionalInterface
    public interface ProgressRecorder {
        void uploaded(long epoch);
    }

    private final RemoteConnection connection;
    private final RemoteSpec remote;

    public RemoteTarget(RemoteConnection connection) {
        this.connection = connection;
        this.remote = connection.spec();
    }

    /** Returns the temporary name of an action's upload by one epoch, in the target folder. */
    public static String temporaryName(long actionId, long epoch) {
        return ".baton-" + actionId + "-e" + epoch + ".part";
    }

    /**
     * Completes one delivery from the recorded progress.
     *
     * @param uploadedEpoch the epoch whose upload is recorded as complete, or 0 when none is
     * @param epoch         this node's epoch, which names a new upload
     * @param staged        the local output; it must still exist unless an upload is recorded
     * @param name          the final file name in the target folder
     * @throws TransportException when a step failed, or the final name is taken by a file this action did not put there
     */
    public void deliver(long actionId, long uploadedEpoch, long epoch, Path staged, String name, ProgressRecorder recorder)
            throws TransportException {
        String problem = RemoteNames.problem(name);
        if (problem != null) {
            throw new TransportException(remote.server(), remote.folder(), false, "output name " + RemoteNames.escape(name)
                    + " is rejected: " + problem, null);
        }
        String target = remote.pathOf(name);
        long fromEpoch = uploadedEpoch;

        if (fromEpoch > 0) {
            String temp = remote.pathOf(temporaryName(actionId, fromEpoch));
            switch (recordedUpload(temp, target)) {
                case RENAMED -> {
                    log.info("Output {} on {} was renamed before the last stop; the delivery is complete", target, remote.server());
                    return;
                }
                case LOST -> {
                    // The output exists under neither name, so uploading it again cannot make a second copy.
                    log.warn("Uploaded file {} vanished from {} before its rename to {}; uploading it again", temp, remote.server(), target);
                    fromEpoch = 0;
                }
                case TEMPORARY -> { }
            }
        }
        if (fromEpoch == 0) {
            upload(staged, remote.pathOf(temporaryName(actionId, epoch)), target, sizeOf(staged));
            recorder.uploaded(epoch);
            fromEpoch = epoch;
        }
        rename(remote.pathOf(temporaryName(actionId, fromEpoch)), target);
        log.info("Delivered {} to {}", target, remote.server());
    }

    /**
     * Removes the temporary files of this action that epochs {@code fromEpoch} to {@code epoch - 1} left,
     * such as the partial upload of a killed node. Call it after the delivery is complete. A failure is
     * logged, not thrown, because the output is delivered and a leftover file only takes disk space.
     */
    public void removeEarlierUploads(long actionId, long fromEpoch, long epoch) {
        // NOTE: a fenced node that still retries its upload can create its temporary file again after this removal; that file stays.
        for (long earlier = Math.max(1, fromEpoch); earlier < epoch; earlier++) {
            String temp = remote.pathOf(temporaryName(actionId, earlier));
            try {
                boolean removed = connection.call(temp, s -> {
                    if (s.stat(temp) == null) {
                        return false;
                    }
                    s.delete(temp);
                    return true;
                });
                if (removed) {
                    log.info("Removed {} on {}: the unfinished upload of epoch {}, which another node delivered in epoch {}", temp,
                            remote.server(), earlier, epoch);
                }
            } catch (TransportException e) {
                log.warn("Cannot remove the unfinished upload {} on {}: {}; delete it by hand", temp, remote.server(), e.getMessage());
            }
        }
    }

    /** The place of a recorded upload: still temporary, renamed, or lost. */
    private enum UploadState { TEMPORARY, RENAMED, LOST }

    private UploadState recordedUpload(String temp, String target) throws TransportException {
        return connection.call(target, s -> {
            if (s.stat(temp) != null) {
                return UploadState.TEMPORARY;
            }
            return s.stat(target) != null ? UploadState.RENAMED : UploadState.LOST;
        });
    }

    private void rename(String temp, String target) throws TransportException {
        connection.call(target, s -> {
            RemoteFile uploaded = s.stat(temp);
            RemoteFile existing = s.stat(target);
            if (uploaded == null && existing != null) {
                return null;
            }
            if (uploaded == null) {
                throw new TransportException(remote.server(), temp, false, "uploaded file " + temp + " vanished from "
                        + remote.server() + " before its rename to " + target + "; the next attempt uploads it again", null);
            }
            if (existing != null) {
                throw existsError(target);
            }
            s.rename(temp, target);
            return null;
        });
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

    private long sizeOf(Path staged) throws TransportException {
        try {
            return Files.size(staged);
        } catch (java.io.IOException e) {
            throw new TransportException(remote.server(), null, false, "staged output " + staged + " cannot be read: " + e, e);
        }
    }
}
