package io.baton.core.doctor;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks that a rename over an existing file is atomic, as the lease and the registry rely on: while one
 * thread replaces a file again and again, a reader must always find it, whole, with one of the written
 * contents.
 */
final class RenameCheck {

    static final String NAME = "rename-atomicity";

    private static final int RENAMES = 300;

    private final Path scratch;

    RenameCheck(Path scratch) {
        this.scratch = scratch;
    }

    CheckResult run() {
        Path target = scratch.resolve("rename");
        String[] contents = {"a".repeat(2048), "b".repeat(4096)};
        AtomicReference<String> torn = new AtomicReference<>();
        try {
            Files.writeString(target, contents[0]);
            Thread reader = Thread.ofPlatform().name("doctor-rename-reader").start(() -> readUntilInterrupted(target, contents, torn));
            try {
                for (int i = 0; i < RENAMES && torn.get() == null; i++) {
                    Path temp = scratch.resolve("rename.tmp");
                    Files.writeString(temp, contents[i % 2]);
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            } finally {
                reader.interrupt();
                reader.join();
            }
        } catch (AtomicMoveNotSupportedException e) {
            return CheckResult.fail(NAME, "the file system of " + scratch + " does not support an atomic rename: " + e.getMessage(),
                    "put the data directory on a POSIX file system (local, or NFS) that renames atomically");
        } catch (IOException e) {
            return CheckResult.fail(NAME, "renaming in " + scratch + " failed: " + e, "fix the share before starting a node on it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.skipped(NAME, "interrupted");
        }
        if (torn.get() != null) {
            return CheckResult.fail(NAME, "a reader saw " + torn.get() + " while the file was being replaced by rename",
                    "put the data directory on a file system whose rename is atomic for readers on every node");
        }
        return CheckResult.pass(NAME, RENAMES + " renames over a file that another thread kept reading; every read saw a whole file");
    }

    private static void readUntilInterrupted(Path target, String[] contents, AtomicReference<String> torn) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                String seen = Files.readString(target);
                if (!seen.equals(contents[0]) && !seen.equals(contents[1])) {
                    torn.compareAndSet(null, "a file of " + seen.length() + " characters that was never written");
                }
            } catch (NoSuchFileException e) {
                torn.compareAndSet(null, "no file at all");
            } catch (IOException e) {
                torn.compareAndSet(null, "a read error: " + e);
            }
        }
    }
}
