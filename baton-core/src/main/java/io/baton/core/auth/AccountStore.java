package io.baton.core.auth;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users file ({@code settings/users.json} in the data directory), shared by every node of a cluster.
 *
 * <p>Writes go to a temporary file that is fsynced and renamed over the old one, so that a reader on any
 * node reads either the old or the new content, never a torn file. Both files are created with mode 0600.
 * Changes are read-modify-write under an exclusive lock on {@code settings/users.lock}, so that two
 * nodes, or a node and {@code baton user add --data}, do not lose each other's change.
 *
 * <p>{@link #read} re-reads the file only when its modification time, size or file key changed, so that
 * a check per API call costs one {@code stat}. A rename gives the file a new file key, which catches a
 * change within the file system's time resolution.
 */
public final class AccountStore {

    private static final Logger log = LoggerFactory.getLogger(AccountStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /**
     * Serialises the updates of every store in this JVM, because a second {@link FileChannel#lock} on the
     * same file from the same JVM throws {@link java.nio.channels.OverlappingFileLockException} instead of waiting.
     */
    private static final Object JVM_UPDATE_LOCK = new Object();

    private final Path file;
    private final Path lockFile;
    private Snapshot cached;

    private record Snapshot(FileTime modified, long size, Object fileKey, Accounts accounts) {
    }

    public AccountStore(Path file) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.json$", "") + ".lock");
    }

    public Path file() {
        return file;
    }

    /** Returns the current users and tokens; no users file means none. Throws when the file cannot be parsed. */
    public synchronized Accounts read() throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            cached = null;
            return Accounts.EMPTY;
        }
        if (cached != null && cached.modified().equals(attrs.lastModifiedTime()) && cached.size() == attrs.size()
                && Objects.equals(cached.fileKey(), attrs.fileKey())) {
            return cached.accounts();
        }
        Accounts accounts = parse();
        if (cached != null) {
            log.info("Users file {} changed: {} users, {} API tokens", file, accounts.users().size(), accounts.tokens().size());
        }
        cached = new Snapshot(attrs.lastModifiedTime(), attrs.size(), attrs.fileKey(), accounts);
        return accounts;
    }

    private Accounts parse() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Accounts.EMPTY;
        }
        try {
            return JSON.readValue(bytes, Accounts.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("the users file " + file + " is not valid JSON (" + e.getOriginalMessage() + ");"
                    + " restore it from a backup, or move it away and add the users again with: baton user add NAME --data DIR", e);
        }
    }

    /**
     * Applies a change to the current content and writes the result, under the file lock. Returns the
     * new content. The change may throw {@link AccountException}, which leaves the file as it was.
     */
    public Accounts update(UnaryOperator<Accounts> change) throws IOException {
        Files.createDirectories(file.getParent());
        synchronized (JVM_UPDATE_LOCK) {
            try (FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                 FileLock lock = channel.lock()) {
                Accounts next = change.apply(parse());
                write(next);
                return next;
            }
        }
    }

    private void write(Accounts accounts) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temp);
        try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            out.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(accounts)));
            out.force(true);
        }
        // The umask may have narrowed the mode further at creation; it cannot have widened it.
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        syncFolder(file.getParent());
    }

    /** Fsyncs a folder so that a rename in it survives a crash; a file system that cannot is logged at DEBUG. */
    private static void syncFolder(Path folder) {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            log.debug("Cannot fsync the folder {} after writing the users file: {}", folder, e.toString());
        }
    }
}
