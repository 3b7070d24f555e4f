package io.baton.core.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The node registry, {@code state/nodes/}: one JSON file per node, named by its node id. A write goes
 * to a temporary file that is renamed over the entry, so a reader sees a whole entry or the previous
 * one. Entries are not synced: after a crash a lost or stale entry shows the node as stale, which is
 * what it is.
 */
public final class NodeRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Node ids as {@code NodeConfig} accepts them; other names in the folder (temporary files) are skipped. */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final Path folder;

    public NodeRegistry(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    /** Returns how often a node rewrites its entry: the lease's renew interval, but at least once a second. */
    public static Duration writeInterval(Duration renewInterval) {
        return renewInterval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : renewInterval;
    }

    /**
     * Returns the age past which an entry counts as stale: three missed writes, and never less than the lease
     * duration, so that a node is not shown stale before its lease could have expired.
     */
    public static Duration staleAfter(Duration renewInterval, Duration leaseDuration) {
        Duration threeWrites = writeInterval(renewInterval).multipliedBy(3);
        return threeWrites.compareTo(leaseDuration) > 0 ? threeWrites : leaseDuration;
    }

    /** Writes a node's entry atomically, creating the folder when a data directory predates the registry. */
    public void write(NodeRegistration entry) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(entry.nodeId());
        Path temp = folder.resolve("." + entry.nodeId() + ".tmp");
        Files.write(temp, JSON.writeValueAsBytes(entry));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes a node's entry; returns false when there was none. */
    public boolean remove(String nodeId) throws IOException {
        return Files.deleteIfExists(folder.resolve(nodeId));
    }

    /** Returns one node's entry, or null when it has none or its file cannot be parsed. */
    public NodeRegistration read(String nodeId) throws IOException {
        return parse(folder.resolve(nodeId));
    }

    /** Returns every readable entry, sorted by node id. Files that are not entries are skipped. */
    public List<NodeRegistration> readAll() throws IOException {
        List<NodeRegistration> entries = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return entries;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                if (NODE_ID.matcher(f.getFileName().toString()).matches()) {
                    NodeRegistration entry = parse(f);
                    if (entry != null) {
                        entries.add(entry);
                    }
                }
            }
        }
        entries.sort(Comparator.comparing(NodeRegistration::nodeId));
        return entries;
    }

    private static NodeRegistration parse(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            NodeRegistration entry = JSON.readValue(bytes, NodeRegistration.class);
            // An entry whose name and content disagree was copied or edited by hand; the file name wins.
            return entry.nodeId() == null || !entry.nodeId().equals(file.getFileName().toString()) ? null : entry;
        } catch (IOException e) {
            return null;
        }
    }
}
