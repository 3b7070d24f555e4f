package io.baton.server.alert;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The silences of the cluster, in {@code settings/silences.json} of the data directory, so that every node
 * applies the same ones. A write goes to a temporary file that is fsynced and renamed over the old one, so a
 * reader sees the old or the new list, never a torn one. Expired silences are dropped at the next write.
 *
 * <p>Alerts read only the list cached in memory, never the file, because they are raised on threads that
 * must not wait for a slow share, such as the lease renewal. A thread of the store's own reads the file again
 * every {@link #REFRESH_INTERVAL} when its modification time or size changed, so a silence that another node
 * wrote applies here within that interval; a write on this node applies at once. A file that cannot be read
 * is logged and leaves the cached list as it was.
 */
public final class SilenceStore {

    private static final Logger log = LoggerFactory.getLogger(SilenceStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How often the refresh thread looks for silences written by another node. */
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(5);

    private final Path file;
    private volatile List<Silence> cached = List.of();
    private FileTime cachedTime;
    private long cachedSize = -1;
    private Thread refresher;

    /** One silence as stored, with its instants in ISO-8601 text. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Stored(String id, String kind, String service, String until, String reason, String createdBy, String createdAt) {
    }

    public SilenceStore(Path file) {
        this.file = file;
    }

    /** Returns a store without a file, for tools and tests that run without a data directory: no silence applies. */
    public static SilenceStore none() {
        return new SilenceStore(null);
    }

    /** Reads the file now and then every {@link #REFRESH_INTERVAL} on a thread of its own. */
    void startRefreshing() {
        if (file == null) {
            return;
        }
        refresher = Thread.ofPlatform().name("silence-refresh").daemon().start(() -> {
            while (true) {
                refresh();
                try {
                    Thread.sleep(REFRESH_INTERVAL.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    void stop() {
        if (refresher != null) {
            refresher.interrupt();
        }
    }

    /** Returns the cached silences that have not ended at {@code now}; never reads the file. */
    public List<Silence> active(Instant now) {
        return cached.stream().filter(s -> now.isBefore(s.until())).toList();
    }

    /** Stores a new silence and returns it with its id. */
    public synchronized Silence add(String kind, String service, Instant until, String reason, String createdBy, Instant now) throws IOException {
        Silence silence = new Silence(UUID.randomUUID().toString().substring(0, 8), kind, service, until, reason, createdBy, now);
        refresh();
        List<Silence> next = new ArrayList<>(active(now));
        next.add(silence);
        write(next);
        return silence;
    }

    /** Removes the silence {@code id}; returns false when there is none with that id. */
    public synchronized boolean remove(String id, Instant now) throws IOException {
        refresh();
        List<Silence> all = cached;
        List<Silence> next = all.stream().filter(s -> !s.id().equals(id) && now.isBefore(s.until())).toList();
        if (all.stream().noneMatch(s -> s.id().equals(id))) {
            return false;
        }
        write(next);
        return true;
    }

    /** Reads the file into the cache when it changed since the last read. */
    synchronized void refresh() {
        if (file == null) {
            return;
        }
        try {
            FileTime time = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (time.equals(cachedTime) && size == cachedSize) {
                return;
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
        } catch (NoSuchFileException e) {
            cached = List.of();
            cachedTime = null;
        } catch (IOException | RuntimeException e) {
            // Logged at each change of the file only, because the next refresh skips a file that did not change.
            log.error("Cannot read the silences in {}: {}; the silences read before stay in force until the file is fixed"
                    + " or rewritten with baton silence add", file, e.toString());
            markRead();
        }
    }

    private void markRead() {
        try {
            cachedTime = Files.getLastModifiedTime(file);
            cachedSize = Files.size(file);
        } catch (IOException e) {
            cachedTime = null;
        }
    }

    private void write(List<Silence> silences) throws IOException {
        List<Stored> stored = silences.stream().map(s -> new Stored(s.id(), s.kind(), s.service(), s.until().toString(), s.reason(),
                s.createdBy(), s.createdAt().toString())).toList();
        AtomicFile.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(stored));
        cached = List.copyOf(silences);
        markRead();
    }
}
