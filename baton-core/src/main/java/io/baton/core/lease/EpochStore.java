package io.baton.core.lease;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The epochs folder: one file per epoch, created with an exclusive create so that among any number of
 * candidates exactly one wins each epoch. Winning the file is not yet being active; the guard bump in
 * the journal is.
 */
public final class EpochStore {

    private final Path folder;

    public EpochStore(Path folder) {
        this.folder = folder;
    }

    /** Returns the highest epoch claimed so far, or 0. */
    public long highest() throws IOException {
        long max = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && !name.isEmpty() && name.length() < 19) {
                    max = Math.max(max, Long.parseLong(name));
                }
            }
        }
        return max;
    }

    /** Tries to claim an epoch; returns false when another node already claimed it. */
    public boolean tryClaim(long epoch, String nodeId) throws IOException {
        Path file = folder.resolve(Long.toString(epoch));
        try {
            Files.writeString(file, nodeId + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /** Returns the node that claimed an epoch, or null. */
    public String holder(long epoch) throws IOException {
        Path file = folder.resolve(Long.toString(epoch));
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : null;
    }
}
