package io.baton.transport.sftp;

import io.baton.core.config.RemoteSpec;
import io.baton.transport.IdleWatchdog;
import io.baton.transport.RemoteFile;
import io.baton.transport.RemoteSession;
import io.baton.transport.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * One SFTP connection. Every request runs under an {@link IdleWatchdog}: a request or transfer that
 * moves no data for {@code idleTimeout} closes the connection and fails with "no data for N s", and
 * a download removes its partial file. Not thread-safe.
 */
public final class SftpSession implements RemoteSession {

    /** Bytes read from a local file per write on the SFTP stream, which splits them into write requests. */
    private static final int UPLOAD_BUFFER = 256 * 1024;

    private final RemoteSpec spec;
    private final SshClient client;
    private final ClientSession session;
    private final SftpClient sftp;
    private final RequestLengths lengths;
    private final IdleWatchdog watchdog;

    SftpSession(RemoteSpec spec, SshClient client, ClientSession session, SftpClient sftp, RequestLengths lengths) {
        this.spec = spec;
        this.client = client;
        this.session = session;
        this.sftp = sftp;
        this.lengths = lengths;
        this.watchdog = new IdleWatchdog(spec.idleTimeout(), () -> session.close(true));
    }

    @FunctionalInterface
    private interface Request<T> {
        T run() throws IOException;
    }

    private <T> T request(String path, String action, Request<T> request) throws TransportException {
        watchdog.start();
        try {
            return request.run();
        } catch (IOException e) {
            throw failure(path, action, e);
        } catch (java.io.UncheckedIOException e) {
            // MINA's directory iterator wraps the server's error.
            throw failure(path, action, e.getCause());
        } finally {
            watchdog.stop();
        }
    }

    @Override
    public List<RemoteFile> list(String folder) throws TransportException {
        return request(folder, "list", () -> {
            List<RemoteFile> out = new ArrayList<>();
            for (DirEntry e : sftp.readDir(folder)) {
                watchdog.progress();
                Attributes a = e.getAttributes();
                boolean folderReference = a.isDirectory() && (e.getFilename().equals(".") || e.getFilename().equals(".."));
                if (!folderReference) {
                    out.add(remoteFile(e.getFilename(), a));
                }
            }
            return out;
        });
    }

    @Override
    public RemoteFile stat(String path) throws TransportException {
        return request(path, "stat", () -> {
            try {
                return remoteFile(path.substring(path.lastIndexOf('/') + 1), sftp.stat(path));
            } catch (SftpException e) {
                if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                    return null;
                }
                throw e;
            }
        });
    }

    private static RemoteFile remoteFile(String name, Attributes a) {
        long mtime = a.getModifyTime() == null ? 0 : a.getModifyTime().to(TimeUnit.NANOSECONDS);
        return new RemoteFile(name, a.getSize(), mtime, a.isRegularFile());
    }

    @Override
    public long download(String path, Path local) throws TransportException {
        try {
            return request(path, "download", () -> {
                try (OutputStream out = Files.newOutputStream(local)) {
                    return SftpDownload.copy(sftp, path, lengths.read(), out, watchdog::progress);
                }
            });
        } catch (TransportException e) {
            deleteQuietly(local);
            throw e;
        }
    }

    @Override
    public void upload(Path local, String path) throws TransportException {
        request(path, "upload", () -> {
            try (InputStream in = Files.newInputStream(local); OutputStream out = sftp.write(path, lengths.write())) {
                byte[] buffer = new byte[UPLOAD_BUFFER];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    watchdog.progress();
                }
            }
            return null;
        });
    }

    @Override
    public void rename(String from, String to) throws TransportException {
        request(to, "rename " + from + " to", () -> {
            sftp.rename(from, to);
            return null;
        });
    }

    @Override
    public void delete(String path) throws TransportException {
        request(path, "delete", () -> {
            try {
                sftp.remove(path);
            } catch (SftpException e) {
                if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public void createFolders(String folder) throws TransportException {
        StringBuilder prefix = new StringBuilder();
        for (String part : folder.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            prefix.append('/').append(part);
            String path = prefix.toString();
            RemoteFile existing = stat(path);
            if (existing == null) {
                request(path, "create folder", () -> {
                    sftp.mkdir(path);
                    return null;
                });
            }
        }
    }

    /** Turns a failure into a message with the server, the path and the fix, classified as transient or permanent. */
    private TransportException failure(String path, String action, IOException e) {
        String server = spec.server();
        if (watchdog.fired()) {
            // NOTE: a stall is not retried within the run, so a stalled server costs one idle timeout per run, not one per retry.
            return new TransportException(server, path, false, action + " " + path + " on " + server + " aborted: no data for "
                    + spec.idleTimeout().toSeconds() + " s; the server stalled, and the next run tries again", e);
        }
        if (e instanceof SftpException s) {
            return switch (s.getStatus()) {
                case SftpConstants.SSH_FX_NO_SUCH_FILE -> new TransportException(server, path, false, action + " " + path + " on " + server
                        + " failed: not found; create it on the server or fix the path in uri", e);
                case SftpConstants.SSH_FX_PERMISSION_DENIED -> new TransportException(server, path, false, action + " " + path + " on "
                        + server + " failed: permission denied for user " + spec.user() + "; ask the server's owner for access", e);
                case SftpConstants.SSH_FX_FAILURE, SftpConstants.SSH_FX_FILE_ALREADY_EXISTS -> new TransportException(server, path, false,
                        action + " " + path + " on " + server + " failed: " + s.getMessage()
                        + " (for a rename: the target exists, and Baton never replaces a file)", e);
                default -> new TransportException(server, path, false, action + " " + path + " on " + server + " failed: " + s, e);
            };
        }
        // Anything else on an SFTP channel is the connection failing under us: worth a retry on a new one.
        return new TransportException(server, path, true, action + " " + path + " on " + server + " failed: the connection dropped ("
                + e + ")", e);
    }

    private static void deleteQuietly(Path local) {
        try {
            Files.deleteIfExists(local);
        } catch (IOException ignored) {
            // The caller's temporary file is removed again by the caller's own cleanup.
        }
    }

    /** Returns the request lengths this connection uses, as the server's limits set them. */
    RequestLengths requestLengths() {
        return lengths;
    }

    @Override
    public boolean isOpen() {
        return session.isOpen() && sftp.isOpen();
    }

    @Override
    public void close() {
        watchdog.close();
        try {
            sftp.close();
        } catch (IOException ignored) {
            // Closing a broken channel fails; the session close below ends it anyway.
        }
        SftpConnector.closeQuietly(session, client);
    }
}
