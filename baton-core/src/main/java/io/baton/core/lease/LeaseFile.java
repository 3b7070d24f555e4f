package io.baton.core.lease;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Reads and writes the lease file. A write goes to a temporary file that is renamed over the lease,
 * so a reader sees either the old or the new heartbeat, never half of one. The lease is not synced:
 * after a crash a stale heartbeat is harmless, because a lease is held only while its counter moves.
 */
public final class LeaseFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public LeaseFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** Returns the current heartbeat, or null when there is no lease file or it cannot be parsed. */
    public Lease read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return JSON.readValue(bytes, Lease.class);
        } catch (IOException e) {
            // A torn or foreign file counts as no heartbeat; silence decides, as for a missing file.
            return null;
        }
    }

    public void write(Lease lease) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + "." + lease.nodeId() + ".tmp");
        Files.write(temp, JSON.writeValueAsBytes(lease));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
