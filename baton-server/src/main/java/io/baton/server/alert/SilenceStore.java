package io.baton.server.alert;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The silences of the cluster, in {@code settings/silences.json} of the data directory, so that every node
 * applies the same ones. A write goes to a temporary file that is fsynced and renamed over the old one, so a
 * reader sees the old or the new list, never a torn one. Expired silences are dropped at the next write.
 *
 * <p>Every alert reads the list, so it is cached and read again only when the file's modification time or
 * size changed. A file that cannot be read is logged and treated as empty: alerts are then sent rather than lost.
 */
public final class SilenceStore {

    private static final Logger log = LoggerFactory.getLogger(SilenceStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private List<Silence> cached = List.of();
    private FileTime cachedTime;
    private long cachedSize = -1;

    /** One silence as stored, with its instants in ISO-8601 text. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Stored(String id, String kind, String service, String until, String reason, String createdBy, String createdAt) {
    }

    public SilenceStore(Path file) {
        this.file = file;
    }

    /** Returns a store without a file, for tools and tests that run without a data directory: no silence applies. */
    static SilenceStore none() {
        return new SilenceStore(null);
    }

    /** Returns the silences that have not ended at {@code now}. */
    public synchronized List<Silence> active(Instant now) {
        return read().stream().filter(s -> now.isBefore(s.until())).toList();
    }

    /** Stores a new silence and returns it with its id. */
    public synchronized Silence add(String kind, String service, Instant until, String reason, String createdBy, Instant now) throws IOException {
        Silence silence = new Silence(UUID.randomUUID().toString().substring(0, 8), kind, service, until, reason, createdBy, now);
        List<Silence> next = new ArrayList<>(active(now));
        next.add(silence);
        write(next);
        return silence;
    }

    /** Removes the silence {@code id}; returns false when there is none with that id. */
    public synchronized boolean remove(String id, Instant now) throws IOException {
        List<Silence> all = read();
        List<Silence> next = all.stream().filter(s -> !s.id().equals(id) && now.isBefore(s.until())).toList();
        if (all.stream().noneMatch(s -> s.id().equals(id))) {
            return false;
        }
        write(next);
        return true;
    }

    private List<Silence> read() {
        if (file == null) {
            return List.of();
        }
        try {
            FileTime time = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (time.equals(cachedTime) && size == cachedSize) {
                return cached;
            }
            Stored[] stored = JSON.readValue(file.toFile(), Stored[].class);
            List<Silence> silences = new ArrayList<>();
            for (Stored s : stored) {
                silences.add(new Silence(s.id(), s.kind(), s.service(), Instant.parse(s.until()), s.reason(), s.createdBy(),
                        Instant.parse(s.createdAt())));
            }
            cached = List.copyOf(silences);
            cachedTime = time;
            cachedSize = size;
            return cached;
        } catch (NoSuchFileException e) {
            cached = List.of();
            cachedTime = null;
            return cached;
        } catch (IOException | RuntimeException e) {
            log.error("Cannot read the silences in {}: {}; no silence applies until the file is fixed or rewritten with"
                    + " baton silence add", file, e.toString());
            return List.of();
        }
    }

    private void write(List<Silence> silences) throws IOException {
        Files.createDirectories(file.getParent());
        List<Stored> stored = silences.stream().map(s -> new Stored(s.id(), s.kind(), s.service(), s.until().toString(), s.reason(),
                s.createdBy(), s.createdAt().toString())).toList();
        Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE))) {
            out.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(stored)));
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        cachedTime = null;
    }
}
