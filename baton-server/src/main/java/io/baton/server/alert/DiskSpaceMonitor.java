package io.baton.server.alert;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the free space of the data directory's file system at a fixed interval, on the active node only
 * because every node shares that file system. Less than {@code minFreePercent} raises {@code disk-space-low};
 * the next check above the threshold resolves it.
 */
public final class DiskSpaceMonitor {

    private static final Logger log = LoggerFactory.getLogger(DiskSpaceMonitor.class);

    private final AlertEngine engine;
    private final String node;
    private final Path dataDirectory;
    private final int minFreePercent;
    private final BooleanSupplier active;
    private final Clock clock;
    private Thread thread;

    public DiskSpaceMonitor(AlertEngine engine, String node, Path dataDirectory, int minFreePercent, BooleanSupplier active, Clock clock) {
        this.engine = engine;
        this.node = node;
        this.dataDirectory = dataDirectory;
        this.minFreePercent = minFreePercent;
        this.active = active;
        this.clock = clock;
    }

    public void start(Duration every) {
        thread = Thread.ofPlatform().name("disk-space").daemon().start(() -> {
            while (true) {
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                if (active.getAsBoolean()) {
                    check();
                }
            }
        });
    }

    public void stop() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Runs one check; a file system that cannot be read is logged and leaves the alert as it is. */
    public void check() {
        long total;
        long usable;
        try {
            FileStore store = Files.getFileStore(dataDirectory);
            total = store.getTotalSpace();
            usable = store.getUsableSpace();
        } catch (IOException e) {
            log.warn("Node {} cannot read the free space of {}: {}", node, dataDirectory, e.toString());
            return;
        }
        if (total <= 0) {
            return;
        }
        long freePercent = usable * 100 / total;
        String key = io.baton.server.alert.Alert.key(AlertKind.DISK_SPACE_LOW, node);
        if (freePercent < minFreePercent) {
            engine.raise(new Alert(AlertKind.DISK_SPACE_LOW, null, node, 0, key, "the data directory " + dataDirectory + " has "
                    + usable / (1024 * 1024) + " MiB free (" + freePercent + "%), less than alerts.diskSpace.minFreePercent ("
                    + minFreePercent + "%); free space or grow the file system", clock.instant()));
        } else {
            engine.resolve(key, "the data directory " + dataDirectory + " has " + freePercent + "% free again");
        }
    }
}
