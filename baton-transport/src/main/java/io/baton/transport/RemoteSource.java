package io.baton.transport;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.ServiceDescriptor.FileOrder;
import io.baton.core.config.ServiceDescriptor.SourceSpec;
import io.baton.core.source.FileIdentity;
import io.baton.core.source.FolderSource.Candidate;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inputs of a remote source folder: lists them, downloads one into staging, and disposes of it on
 * the server after its commit.
 *
 * <p>Invariants: a name that fails {@link RemoteNames#problem} is never a candidate and is never
 * touched on the server. A download goes to a temporary name in staging and reaches its final local
 * name only once its byte count equals the size the claim recorded, so a partial download is never
 * processed. A disposition first checks that the remote file still has the claimed size and
 * modification time, because a file replaced since the claim is a new delivery and must be left alone.
 */
public final class RemoteSource {

    private static final Logger log = LoggerFactory.getLogger(RemoteSource.class);

    private final SourceSpec spec;
    private final RemoteSpec remote;
    private final RemoteConnection connection;
    private final String service;
    private final List<PathMatcher> include;
    private final List<PathMatcher> exclude;
    /** Rejected names already warned about, kept by the caller across runs so that each shows once and not on every poll. */
    private final Set<String> warned;
    /** Every accepted file name of the last listing, matched or not, for done-file readiness. */
    private Set<String> present = Set.of();

    /** Creates a source that warns about each rejected name it lists, for a single use such as a disposition. */
    public RemoteSource(String service, SourceSpec spec, RemoteConnection connection) {
        this(service, spec, connection, new HashSet<>());
    }

    /**
     * Creates a source that records in {@code warnedNames} the rejected names it warned about. A caller that
     * passes the same set to the sources of every run gets one warning per name, for as long as the name stays
     * in the folder.
     */
    public RemoteSource(String service, SourceSpec spec, RemoteConnection connection, Set<String> warnedNames) {
        this.warned = warnedNames;
        this.service = service;
        this.spec = spec;
        this.remote = spec.remote();
        this.connection = connection;
        this.include = spec.include().stream().map(RemoteSource::matcher).toList();
        this.exclude = spec.exclude().stream().map(RemoteSource::matcher).toList();
    }

    private static PathMatcher matcher(String glob) {
        return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    }

    /**
     * Lists the candidates in the configured order. Each candidate's path is the remote file's name as a
     * local relative path; its identity is the remote name, size and modification time.
     *
     * @throws TransportException when the folder cannot be listed, naming the server, the folder and the fix
     */
    public List<Candidate> list() throws TransportException {
        List<RemoteFile> entries = connection.call(remote.folder(), s -> s.list(remote.folder()));
        List<Candidate> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> listedNames = new HashSet<>();
        for (RemoteFile f : entries) {
            listedNames.add(f.name());
            Path name = acceptedName(f);
            if (name != null && f.regularFile()) {
                seen.add(f.name());
                if (matches(name)) {
                    out.add(new Candidate(name, f.identity()));
                }
            }
        }
        present = seen;
        // A name that left the folder is forgotten: the set stays as small as the folder, and a file put back is reported again.
        warned.retainAll(listedNames);
        Comparator<Candidate> order = spec.order() == FileOrder.MODIFIED
                ? Comparator.comparingLong((Candidate c) -> c.identity().mtimeNanos()).thenComparing(c -> c.identity().relPath())
                : Comparator.comparing((Candidate c) -> c.identity().relPath());
        out.sort(order);
        return out;
    }

    /** Returns every accepted file name of the last listing, including those the globs leave out (done files). */
    public Set<String> present() {
        return present;
    }

    /** Returns the name as a local path, or null with a warning (once per name) when it is unsafe. */
    private Path acceptedName(RemoteFile f) {
        String problem = RemoteNames.problem(f.name());
        Path name = null;
        if (problem == null) {
            try {
                name = Path.of(f.name());
            } catch (InvalidPathException e) {
                problem = "the name cannot be encoded in this node's file-name encoding; run the node with LANG=C.UTF-8";
            }
        }
        if (problem != null && warned.add(f.name())) {
            log.warn("Service {}: remote file {} in {} on {} is rejected and left in place: {}", service,
                    RemoteNames.escape(f.name()), remote.folder(), remote.server(), problem);
        }
        return problem == null ? name : null;
    }

    private boolean matches(Path name) {
        boolean included = include.stream().anyMatch(m -> m.matches(name));
        return included && exclude.stream().noneMatch(m -> m.matches(name));
    }

    /**
     * Reads the identity of a listed file again, just before its claim; null when it vanished.
     */
    public FileIdentity identity(String name) throws TransportException {
        String path = pathOf(name);
        RemoteFile f = connection.call(path, s -> s.stat(path));
        return f == null || !f.regularFile() ? null : new RemoteFile(name, f.size(), f.mtimeNanos(), true).identity();
    }

    /**
     * Downloads a claimed file into {@code local}: first to a temporary name beside it, then, once the
     * byte count matches the claimed size, renamed. A transfer that fails on a dropped connection is
     * retried from the start on a new connection. The partial file is removed in a finally block, so no
     * failure leaves it behind. A stop request closes the connection of a running download at once, and
     * the download then fails with "stopped by request" and is not retried.
     *
     * @return true when the file is in place. False when the download delivered a size other than the
     *     claimed one, because the file is still being written or was replaced; a later run tries it again.
     * @throws TransportException when the download failed
     */
    public boolean download(FileIdentity claimed, Path local, StopRequest stop) throws IOException {
        String path = pathOf(claimed.relPath());
        Files.createDirectories(local.getParent());
        Path partial = local.resolveSibling(".download.part");
        try {
            long bytes = connection.call(path, stop, s -> s.download(path, partial));
            if (bytes != claimed.size()) {
                log.warn("Service {}: download of {} from {} delivered {} bytes, but the file had {} bytes when it was claimed;"
                        + " it is still being written or was replaced, and a later run tries it again", service, path,
                        remote.server(), bytes, claimed.size());
                return false;
            }
            Files.move(partial, local, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        log.info("Service {}: downloaded {} ({} bytes) from {}", service, path, claimed.size(), remote.server());
        return true;
    }

    /** Returns the remote path of a listed name, as the publish actions record it. */
    public String remotePath(String name) throws TransportException {
        return pathOf(name);
    }

    /**
     * Moves a processed input into a folder on the server, creating the folder. Returns a reason when
     * the input was left alone because it is gone or no longer the claimed file, or null when it moved.
     */
    public String archive(FileIdentity claimed, String archiveFolder, String archiveName) throws TransportException {
        String problem = RemoteNames.problem(archiveName);
        if (problem != null) {
            throw new TransportException(remote.server(), archiveFolder, false, "archive name " + RemoteNames.escape(archiveName)
                    + " is rejected: " + problem, null);
        }
        String path = pathOf(claimed.relPath());
        String target = archiveFolder.endsWith("/") ? archiveFolder + archiveName : archiveFolder + "/" + archiveName;
        return connection.call(path, s -> {
            RemoteFile archived = s.stat(target);
            RemoteFile now = s.stat(path);
            if (now == null && archived != null) {
                return null; // moved by an earlier attempt whose end was not recorded
            }
            String changed = changed(path, claimed, now);
            if (changed != null) {
                return changed;
            }
            s.createFolders(archiveFolder);
            s.rename(path, target);
            return null;
        });
    }

    /** Deletes a processed input on the server. Returns a reason when it was left alone, or null when it is gone. */
    public String delete(FileIdentity claimed) throws TransportException {
        String path = pathOf(claimed.relPath());
        return connection.call(path, s -> {
            RemoteFile now = s.stat(path);
            if (now == null) {
                return null;
            }
            String changed = changed(path, claimed, now);
            if (changed != null) {
                return changed;
            }
            s.delete(path);
            return null;
        });
    }

    private String changed(String path, FileIdentity claimed, RemoteFile now) {
        if (now == null) {
            return "input vanished from " + remote.server() + " before its disposition: " + path;
        }
        if (now.size() != claimed.size() || now.mtimeNanos() != claimed.mtimeNanos()) {
            return "input on " + remote.server() + " was replaced by a new delivery and is left in place: " + path;
        }
        return null;
    }

    /** Returns the remote path of a listed name, after checking the name again: every path goes through the check. */
    private String pathOf(String name) throws TransportException {
        String problem = RemoteNames.problem(name);
        if (problem != null) {
            throw new TransportException(remote.server(), remote.folder(), false, "remote name " + RemoteNames.escape(name)
                    + " is rejected: " + problem, null);
        }
        return remote.pathOf(name);
    }
}
