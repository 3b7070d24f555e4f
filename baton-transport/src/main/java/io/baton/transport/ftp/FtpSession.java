package io.baton.transport.ftp;

import io.baton.core.config.RemoteSpec;
import io.baton.transport.IdleWatchdog;
import io.baton.transport.RemoteFile;
import io.baton.transport.RemoteSession;
import io.baton.transport.TransportException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One FTP or FTPS connection. Reads wait at most {@code idleTimeout} for a reply or for data (the
 * socket read timeout), and an {@link IdleWatchdog} aborts an upload whose data stops moving for as
 * long; either fails with "no data for N s", and a download then removes its partial file.
 * {@link #close()} may be called from another thread to stop a transfer: it closes the sockets, so the
 * blocked call fails at once.
 *
 * <p>Names are sent in the control encoding and must round-trip byte for byte: a path that the encoding
 * cannot represent, or that a listing decoded with U+FFFD, is rejected before any command is sent.
 * Modification times come from MLSD and MLST where the server offers them, else from MDTM (whole seconds),
 * else from LIST (whole minutes, or whole days for files older than six months). Not thread-safe.
 */
public final class FtpSession implements RemoteSession {

    private static final Logger log = LoggerFactory.getLogger(FtpSession.class);
    private static final int BUFFER = 64 * 1024;

    private final RemoteSpec spec;
    private final FTPClient client;
    private final FtpFeatures features;
    private final Charset encoding;
    private final IdleWatchdog watchdog;
    /** The data stream of the running transfer, so that {@link #close()} can end it from another thread. */
    private volatile Closeable transfer;
    private volatile boolean closed;

    FtpSession(RemoteSpec spec, FTPClient client, FtpFeatures features) {
        this.spec = spec;
        this.client = client;
        this.features = features;
        this.encoding = spec.ftp().controlEncoding();
        this.watchdog = new IdleWatchdog(spec.idleTimeout(), this::abort);
    }

    @FunctionalInterface
    private interface Request<T> {
        T run() throws IOException;
    }

    private <T> T request(String path, String action, Request<T> request) throws TransportException {
        checkName(path);
        watchdog.start();
        try {
            return request.run();
        } catch (IOException e) {
            throw failure(path, action, e);
        } catch (RuntimeException e) {
            if (!closed) {
                throw e;
            }
            // Commons Net is not built for a close from another thread and can fail on the sockets it just lost.
            throw failure(path, action, new IOException("the connection was closed during the request", e));
        } finally {
            watchdog.stop();
        }
    }

    /**
     * Rejects a path that would not reach the server byte for byte: one the control encoding cannot encode,
     * one a listing decoded with U+FFFD, and one with a line break, which would end the FTP command early.
     */
    private void checkName(String path) throws TransportException {
        String problem = null;
        if (path.indexOf('\uFFFD') >= 0) {
            problem = "name cannot be decoded with the control encoding " + encoding.name()
                    + "; set controlEncoding to the server's encoding, such as ISO-8859-1";
        } else if (!encoding.newEncoder().canEncode(path)) {
            problem = "name cannot be encoded in the control encoding " + encoding.name()
                    + "; set controlEncoding to the server's encoding, such as UTF-8";
        } else if (path.indexOf('\r') >= 0 || path.indexOf('\n') >= 0 || path.indexOf('\0') >= 0) {
            problem = "name contains a line break or NUL, which FTP commands cannot carry";
        }
        if (problem != null) {
            throw new TransportException(spec.server(), path, false, "remote path " + io.baton.transport.RemoteNames.escape(path)
                    + " on " + spec.server() + " is rejected and left in place: " + problem, null);
        }
    }

    @Override
    public List<RemoteFile> list(String folder) throws TransportException {
        return request(folder, "list", () -> {
            List<RemoteFile> out = new ArrayList<>();
            for (FTPFile entry : listing(folder)) {
                out.add(remoteFile(folder, entry));
            }
            return out;
        });
    }

    /** Lists a folder, without {@code .}, {@code ..} and lines the parser cannot read, which are logged. */
    private List<FTPFile> listing(String folder) throws IOException {
        // CWD first, because vsftpd replies to LIST of a missing folder with an empty listing, not with 550.
        if (!client.changeWorkingDirectory(folder)) {
            throw FtpReplyException.lastReply(client);
        }
        // LIST -a: many servers hide names that start with a dot, such as Baton's own temporary uploads.
        client.setListHiddenFiles(true);
        FTPFile[] entries = features.mlst() ? client.mlistDir() : client.listFiles();
        // Both return an empty array when the data connection fails, so only the reply code shows the failure.
        if (!FTPReply.isPositiveCompletion(client.getReplyCode())) {
            throw FtpReplyException.lastReply(client);
        }
        watchdog.progress();
        List<FTPFile> out = new ArrayList<>();
        for (FTPFile entry : entries) {
            if (entry == null || !entry.isValid()) {
                log.warn("A line of the listing of {} on {} cannot be parsed and is left out: {}", folder, spec.server(),
                        io.baton.transport.RemoteNames.escape(entry == null ? null : entry.getRawListing()));
            } else if (!entry.getName().equals(".") && !entry.getName().equals("..")) {
                out.add(entry);
            }
        }
        return out;
    }

    private RemoteFile remoteFile(String folder, FTPFile entry) throws IOException {
        Instant modified = entry.getTimestampInstant();
        String path = pathOf(folder, entry.getName());
        // MDTM on a name the control encoding cannot carry would ask about another file; the name is rejected later anyway.
        boolean exactName = entry.getName().indexOf('\uFFFD') < 0 && encoding.newEncoder().canEncode(path);
        if (!features.mlst() && features.mdtm() && entry.isFile() && exactName) {
            Instant mdtm = client.mdtmInstant(path);
            if (mdtm != null) {
                modified = mdtm;
            }
            watchdog.progress();
        }
        long nanos = modified == null ? 0 : TimeUnit.SECONDS.toNanos(modified.getEpochSecond()) + modified.getNano();
        return new RemoteFile(entry.getName(), Math.max(0, entry.getSize()), nanos, entry.isFile());
    }

    @Override
    public RemoteFile stat(String path) throws TransportException {
        return request(path, "stat", () -> {
            if (features.mlst()) {
                FTPFile entry = client.mlistFile(path);
                if (entry != null) {
                    return new RemoteFile(nameOf(path), Math.max(0, entry.getSize()), nanos(entry.getTimestampInstant()), entry.isFile());
                }
                if (client.getReplyCode() == FTPReply.FILE_UNAVAILABLE) {
                    return null;
                }
                // Apache FtpServer 1.2 replies 501 to MLST of a missing file, so other refusals fall back to the parent's listing.
            }
            String parent = parentOf(path);
            if (parent == null) {
                return new RemoteFile("/", 0, 0, false);
            }
            List<FTPFile> entries;
            try {
                entries = listing(parent);
            } catch (FtpReplyException e) {
                if (e.code() == FTPReply.FILE_UNAVAILABLE) {
                    return null;
                }
                throw e;
            }
            String name = nameOf(path);
            for (FTPFile entry : entries) {
                if (entry.getName().equals(name)) {
                    return remoteFile(parent, entry);
                }
            }
            return null;
        });
    }

    private static long nanos(Instant instant) {
        return instant == null ? 0 : TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    }

    @Override
    public long download(String path, Path local) throws TransportException {
        try {
            return request(path, "download", () -> {
                InputStream in = client.retrieveFileStream(path);
                if (in == null) {
                    throw FtpReplyException.lastReply(client);
                }
                long total = copy(in, Files.newOutputStream(local), in);
                if (!client.completePendingCommand()) {
                    throw FtpReplyException.lastReply(client);
                }
                return total;
            });
        } catch (TransportException e) {
            deleteQuietly(local);
            throw e;
        }
    }

    @Override
    public void upload(Path local, String path) throws TransportException {
        request(path, "upload", () -> {
            OutputStream out = client.storeFileStream(path);
            if (out == null) {
                throw FtpReplyException.lastReply(client);
            }
            copy(Files.newInputStream(local), out, out);
            // The server's 226 after the data connection closes is what says the file is complete.
            if (!client.completePendingCommand()) {
                throw FtpReplyException.lastReply(client);
            }
            return null;
        });
    }

    /** Copies and closes both streams; the remote one is kept in {@link #transfer} so a stop can close it. */
    private long copy(InputStream in, OutputStream out, Closeable remote) throws IOException {
        transfer = remote;
        long total = 0;
        try (in; out) {
            // close() sets closed before it reads transfer, and this sets transfer before it reads closed (both
            // volatile): a close that comes while the data connection opens is seen by one side or the other.
            if (closed) {
                throw new IOException("the session was closed while the data connection opened");
            }
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                total += n;
                watchdog.progress();
            }
        } finally {
            transfer = null;
        }
        return total;
    }

    /**
     * Renames after checking that {@code to} does not exist, because RNTO replaces an existing file on many
     * servers (vsftpd among them).
     */
    @Override
    public void rename(String from, String to) throws TransportException {
        checkName(from);
        // NOTE: FTP has no rename that refuses to replace, so a file another client creates at `to` between this
        // check and RNTO is still replaced. Baton's own writers do not race here, because one node runs the service.
        if (stat(to) != null) {
            throw new TransportException(spec.server(), to, false, "rename " + from + " to " + to + " on " + spec.server()
                    + " failed: the target exists, and Baton never replaces a file; remove or rename the existing file", null);
        }
        request(to, "rename " + from + " to", () -> {
            if (!client.rename(from, to)) {
                throw FtpReplyException.lastReply(client);
            }
            return null;
        });
    }

    @Override
    public void delete(String path) throws TransportException {
        boolean deleted = request(path, "delete", () -> client.deleteFile(path));
        if (deleted) {
            return;
        }
        FtpReplyException reply = FtpReplyException.lastReply(client);
        // Servers reply 550 both for a missing file, which is fine here, and for a refused delete.
        if (reply.code() == FTPReply.FILE_UNAVAILABLE && stat(path) == null) {
            return;
        }
        throw failure(path, "delete", reply);
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
            request(path, "create folder", () -> {
                if (client.changeWorkingDirectory(path) || client.makeDirectory(path)) {
                    return null;
                }
                FtpReplyException reply = FtpReplyException.lastReply(client);
                // Another client may have created it since the CWD.
                if (client.changeWorkingDirectory(path)) {
                    return null;
                }
                throw reply;
            });
        }
    }

    /** Turns a failure into a message with the server, the path and the fix, classified as transient or permanent. */
    private TransportException failure(String path, String action, IOException e) {
        String server = spec.server();
        if (!(e instanceof FtpReplyException reply)) {
            // The control connection is out of step after a lost reply or data connection, so the session is done.
            abort();
            if (watchdog.fired() || e instanceof java.net.SocketTimeoutException) {
                // NOTE: a stall is not retried within the run, so a stalled server costs one idle timeout per run, not one per retry.
                return new TransportException(server, path, false, action + " " + path + " on " + server + " aborted: no data for "
                        + spec.idleTimeout().toSeconds() + " s; the server stalled, and the next run tries again", e);
            }
            return new TransportException(server, path, true, action + " " + path + " on " + server
                    + " failed: the connection dropped (" + e + ")", e);
        }
        if (reply.transientReply()) {
            return new TransportException(server, path, true, action + " " + path + " on " + server + " failed: the server replied '"
                    + reply.text() + "', a temporary refusal, so it is tried again", e);
        }
        boolean writes = !action.equals("list") && !action.equals("stat") && !action.equals("download");
        String fix = writes
                ? "the folder may be missing, or user " + spec.user() + " may lack write permission there; create the folder "
                        + "or ask the server's owner for write access"
                : "it may be missing, or user " + spec.user() + " may lack read permission; check the path in uri "
                        + "or ask the server's owner for access";
        return new TransportException(server, path, false, action + " " + path + " on " + server + " failed: the server replied '"
                + reply.text() + "': " + fix, e);
    }

    private static String pathOf(String folder, String name) {
        return folder.endsWith("/") ? folder + name : folder + "/" + name;
    }

    /** Returns the folder that contains {@code path}, or null for the root. */
    private static String parentOf(String path) {
        String trimmed = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        int slash = trimmed.lastIndexOf('/');
        if (trimmed.equals("/") || slash < 0) {
            return null;
        }
        return slash == 0 ? "/" : trimmed.substring(0, slash);
    }

    private static String nameOf(String path) {
        String trimmed = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    private static void deleteQuietly(Path local) {
        try {
            Files.deleteIfExists(local);
        } catch (IOException ignored) {
            // The caller's temporary file is removed again by the caller's own cleanup.
        }
    }

    /** Closes the running transfer and the control connection without waiting for the server. */
    private void abort() {
        closed = true;
        Closeable running = transfer;
        if (running != null) {
            try {
                running.close();
            } catch (IOException ignored) {
                // Closing a stalled data connection can fail; the socket is released either way.
            }
        }
        disconnectQuietly(client);
    }

    static void disconnectQuietly(FTPClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
        } catch (IOException ignored) {
            // The socket is closed even when the close reports an error.
        }
    }

    @Override
    public boolean isOpen() {
        return !closed && client.isConnected();
    }

    /**
     * Closes the connection without QUIT, because waiting for the reply of a stalled server would make a stop
     * wait up to the idle timeout. Safe to call from another thread.
     */
    @Override
    public void close() {
        watchdog.close();
        abort();
    }
}
