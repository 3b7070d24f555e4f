package io.baton.core.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Warns when the data directory's file system has less usable space than a threshold. */
final class FreeSpaceCheck {

    static final String NAME = "free-space";

    private final Path root;
    private final long minimumBytes;

    FreeSpaceCheck(Path root, long minimumBytes) {
        this.root = root;
        this.minimumBytes = minimumBytes;
    }

    CheckResult run() {
        long usable;
        try {
            usable = Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            return CheckResult.fail(NAME, "cannot read the free space of " + root + ": " + e.getMessage(), "check that the file system is mounted");
        }
        String detail = mib(usable) + " MiB usable on the file system of " + root + " (threshold " + mib(minimumBytes) + " MiB)";
        if (usable < minimumBytes) {
            return CheckResult.warn(NAME, detail, "free space on that file system (remove old files or grow the volume), or set the "
                    + "threshold with --min-free-mb; staging and publishing fail with 'No space left on device' when it runs out");
        }
        return CheckResult.pass(NAME, detail);
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }
}
