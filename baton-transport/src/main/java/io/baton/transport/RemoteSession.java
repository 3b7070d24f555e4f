package io.baton.transport;

import java.nio.file.Path;
import java.util.List;

/**
 * An open connection to one remote server, for one thread at a time. Paths are absolute remote
 * paths. Every method throws {@link TransportException}; after a transient one the session is
 * broken and the caller opens a new one.
 */
public interface RemoteSession extends AutoCloseable {

    /** Lists the entries of a folder, without {@code .} and {@code ..}; names are raw, not yet checked. */
    List<RemoteFile> list(String folder) throws TransportException;

    /** Returns the attributes of a file, or null when it does not exist. Links are followed. */
    RemoteFile stat(String path) throws TransportException;

    /**
     * Streams a remote file into {@code local}, created or truncated, and returns the byte count. A
     * transfer that receives no data for the idle timeout is aborted with "no data for N s".
     */
    long download(String path, Path local) throws TransportException;

    /** Streams {@code local} into the remote file {@code path}, created or truncated. */
    void upload(Path local, String path) throws TransportException;

    /** Renames a remote file; fails when {@code to} exists, because a delivered file is never replaced. */
    void rename(String from, String to) throws TransportException;

    /** Deletes a remote file; a missing file is fine. */
    void delete(String path) throws TransportException;

    /** Creates a remote folder and its missing parents. */
    void createFolders(String folder) throws TransportException;

    /** Closes the connection. Implementations catch their own close errors, because a broken connection is closed too. */
    @Override
    void close();

    /** Tells whether the connection is still open. */
    boolean isOpen();
}
