package io.baton.core.cluster;

import io.baton.core.source.ClaimCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the processes that hold a lock on a file, from the kernel's lock table {@code /proc/locks}.
 *
 * <p>NOTE: {@code /proc/locks} lists the locks taken on this host only; a lock that a process on
 * another host holds on a network file system does not show.
 */
public final class LockTable {

    private final Path procLocks;

    public LockTable() {
        this(Path.of("/proc/locks"));
    }

    /** Reads the lock table from {@code procLocks}, a file in the format of {@code /proc/locks}. */
    public LockTable(Path procLocks) {
        this.procLocks = procLocks;
    }

    /** A lock as the table lists it: the holder's pid, the kind (POSIX, FLOCK, OFDLCK) and READ or WRITE. */
    public record Holder(long pid, String kind, String mode) {
    }

    /**
     * Returns the locks held on {@code file} by processes other than {@code exceptPid}, without waiting
     * requests; empty when the file or the table does not exist.
     */
    public List<Holder> holders(Path file, long exceptPid) throws IOException {
        List<Holder> holders = new ArrayList<>();
        if (!Files.isReadable(procLocks)) {
            return holders;
        }
        String id;
        try {
            long dev = (Long) Files.getAttribute(file, "unix:dev");
            long inode = (Long) Files.getAttribute(file, "unix:ino");
            id = String.format("%02x:%02x:%d", ClaimCheck.major(dev), ClaimCheck.minor(dev), inode);
        } catch (NoSuchFileException e) {
            return holders;
        }
        for (String line : Files.readAllLines(procLocks)) {
            // "1: POSIX  ADVISORY  WRITE 4242 fe:00:2147317 0 EOF"; a line with "->" is a waiting request, not a lock.
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 6 || fields[1].equals("->") || !fields[5].equals(id)) {
                continue;
            }
            long pid = Long.parseLong(fields[4]);
            if (pid != exceptPid) {
                holders.add(new Holder(pid, fields[1], fields[3]));
            }
        }
        return holders;
    }
}
