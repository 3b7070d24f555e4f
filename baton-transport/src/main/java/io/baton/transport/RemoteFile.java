package io.baton.transport;

import io.baton.core.source.FileIdentity;

/**
 * One entry of a remote folder listing, or the result of a stat.
 *
 * @param name       the raw name as the server sent it, not yet checked by {@link RemoteNames}
 * @param size       size in bytes
 * @param mtimeNanos modification time in nanoseconds since the epoch, at the resolution the protocol
 *                   offers (whole seconds for SFTP version 3)
 */
public record RemoteFile(String name, long size, long mtimeNanos, boolean regularFile) {

    /**
     * Returns the identity for the known-file rule: name, size and modification time. Remote files
     * have no device or inode, so those are 0, and the change time is the modification time.
     */
    public FileIdentity identity() {
        return new FileIdentity(name, size, mtimeNanos, 0, 0, mtimeNanos);
    }
}
