package io.baton.core.lease;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The epochs folder: one file per epoch, created with an exclusive create so that among any number of
 * candidates exactly one wins each epoch. Winning the file is not yet being active; the guard bump in
 * the journal is.
 *
 * <p>Each file contains an {@link EpochRecord} as JSON, so the cluster view can show who took each
 * epoch, when and why. Files of earlier versions contain only the node id and are still read.
 */
public final class EpochStore {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** Tries to claim an epoch without recording a cause; returns false when another node already claimed it. */
    public boolean tryClaim(long epoch, String nodeId) throws IOException {
        return tryClaim(new EpochRecord(epoch, nodeId, null, ProcessHandle.current().pid(), Instant.now().toString(), null));
    }

    /** Tries to claim {@code claim.epoch()}; returns false when another node already claimed it. */
    public boolean tryClaim(EpochRecord claim) throws IOException {
        Path file = folder.resolve(Long.toString(claim.epoch()));
        try {
            Files.write(file, JSON.writeValueAsBytes(claim), java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /** Returns the node that claimed an epoch, or null. */
    public String holder(long epoch) throws IOException {
        EpochRecord record = read(epoch);
        return record == null ? null : record.nodeId();
    }

    /**
     * Returns the record of an epoch, or null when nobody claimed it. A file caught between its
     * exclusive create and its content is read as a claim by an unknown node ({@code nodeId} empty).
     */
    public EpochRecord read(long epoch) throws IOException {
        Path file = folder.resolve(Long.toString(epoch));
        String text;
        Instant modified;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
            modified = Files.getLastModifiedTime(file).toInstant();
        } catch (NoSuchFileException e) {
            return null;
        }
        if (text.startsWith("{")) {
            try {
                EpochRecord record = JSON.readValue(text, EpochRecord.class);
                return new EpochRecord(epoch, record.nodeId(), record.host(), record.pid(), record.takenAt(), record.cause());
            } catch (IOException e) {
                // A torn write: the claim is valid, but its details are lost.
                return new EpochRecord(epoch, "", null, 0, modified.toString(), null);
            }
        }
        return new EpochRecord(epoch, text.lines().findFirst().orElse(""), null, 0, modified.toString(), null);
    }
}
