package io.baton.core.source;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Decides, just before a claim, whether a listed file may be claimed now: this process can open it
 * for reading, and no other process holds a write lock on it. A file that fails the check is not
 * claimed, so no attempt is counted and a later run tries it again.
 *
 * <p>Write locks are advisory on Linux, so a write lock only signals that its holder is still writing the file.
 * They are found in {@code /proc/locks}, which lists POSIX ({@code fcntl}), open file description and
 * BSD ({@code flock}) locks of every process on the host. Without {@code /proc/locks}, only a POSIX
 * write lock is found, by trying a shared lock. NOTE: locks taken on another host of a network file
 * system do not show in {@code /proc/locks}.
 */
public final class ClaimCheck {

    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private final Path procLocks;

    public ClaimCheck() {
        this(PROC_LOCKS);
    }

    /** Reads the lock table from {@code procLocks}, a file in the format of {@code /proc/locks}. */
    ClaimCheck(Path procLocks) {
        this.procLocks = procLocks;
    }

    /**
     * Returns why {@code file} cannot be claimed now, or null when it can.
     *
     * @throws NoSuchFileException when the file vanished since it was listed
     */
    public String problem(Path file, FileIdentity identity) throws NoSuchFileException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            String holder = writeLockHolder(identity);
            if (holder != null) {
                return "another process holds a write lock on it (" + holder + "); it is taken once the lock is released";
            }
            if (!Files.isReadable(procLocks) && !sharedLockPossible(channel)) {
                return "another process holds a POSIX write lock on it; it is taken once the lock is released";
            }
            return null;
        } catch (NoSuchFileException e) {
            throw e;
        } catch (AccessDeniedException e) {
            return "permission denied: the node's user cannot read it; give that user read access";
        } catch (IOException e) {
            return "it cannot be opened for reading: " + e;
        }
    }

    /** Returns "pid N, TYPE" of a process other than this one that holds a write lock on the file, or null. */
    private String writeLockHolder(FileIdentity identity) throws IOException {
        if (!Files.isReadable(procLocks)) {
            return null;
        }
        String device = String.format("%02x:%02x:%d", major(identity.device()), minor(identity.device()), identity.inode());
        String ownPid = Long.toString(ProcessHandle.current().pid());
        List<String> lines = Files.readAllLines(procLocks);
        for (String line : lines) {
            // A line reads "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2147317 0 EOF". Lines with "->" are waiting requests, not locks.
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 6 || fields[1].equals("->")) {
                continue;
            }
            boolean sameFile = fields[5].equals(device);
            if (sameFile && fields[3].equals("WRITE") && !fields[4].equals(ownPid)) {
                return "pid " + fields[4] + ", " + fields[1];
            }
        }
        return null;
    }

    private static boolean sharedLockPossible(FileChannel channel) throws IOException {
        try (FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true)) {
            return lock != null;
        } catch (OverlappingFileLockException e) {
            // This JVM holds a lock on the file itself, which is no other writer's.
            return true;
        }
    }

    /** Returns the major number of a Linux {@code dev_t}, as glibc's {@code gnu_dev_major} computes it. */
    public static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & 0xfffff000L);
    }

    /** Returns the minor number of a Linux {@code dev_t}, as glibc's {@code gnu_dev_minor} computes it. */
    public static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & 0xffffff00L);
    }
}
