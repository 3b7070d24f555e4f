package io.baton.server.alert;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the active node's open alerts to their {@link OpenAlertFile} on a thread of its own, so that a raiser
 * never waits for the share: a change only marks the list dirty, and the thread writes the latest list, so a
 * burst of changes costs one write. Nothing is written once {@code mayWrite} is false (the lease is lost or the
 * node fenced), once {@link #stop} was called, or when the file names a newer epoch than this writer's.
 *
 * <p>NOTE: {@code mayWrite} is checked before each write, not at the rename, so a write that began just before
 * the node was fenced can still land; the epoch check then keeps the next active node's later writes intact.
 */
final class SharedAlertWriter {

    private static final Logger log = LoggerFactory.getLogger(SharedAlertWriter.class);

    /** Wait before writing again after a failed write. */
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final OpenAlertFile file;
    private final long epoch;
    private final String node;
    private final BooleanSupplier mayWrite;
    private final Supplier<List<AlertEngine.Open>> snapshot;
    private final Clock clock;
    private final Object lock = new Object();
    private boolean dirty;
    private boolean stopped;
    private int failures;

    SharedAlertWriter(OpenAlertFile file, long epoch, String node, BooleanSupplier mayWrite, Supplier<List<AlertEngine.Open>> snapshot,
            Clock clock) {
        this.file = file;
        this.epoch = epoch;
        this.node = node;
        this.mayWrite = mayWrite;
        this.snapshot = snapshot;
        this.clock = clock;
    }

    void start() {
        Thread.ofPlatform().name("alert-state-writer").daemon().start(this::writeLoop);
    }

    /** Marks the open alerts changed; never blocks on I/O. */
    void changed() {
        synchronized (lock) {
            dirty = true;
            lock.notifyAll();
        }
    }

    /** Stops writing without waiting for a write in progress and without I/O, so a fencing node may call it. */
    void stop() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
    }

    /**
     * Writes the latest list now, on the caller's thread: the first write of a term, and the last before the lease
     * is released or handed over. It writes even when nothing is marked dirty, because the writer thread may have
     * taken the last change and not yet written it. Returns false when the write failed and should be tried again.
     */
    boolean flush() {
        synchronized (lock) {
            if (stopped) {
                return true;
            }
            dirty = false;
        }
        return writeOnce();
    }

    private void writeLoop() {
        while (true) {
            synchronized (lock) {
                try {
                    while (!dirty && !stopped) {
                        lock.wait();
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (stopped) {
                    return;
                }
                dirty = false;
            }
            if (!writeOnce()) {
                changed();
                try {
                    Thread.sleep(RETRY_DELAY.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Writes the file once; returns false when the write failed and should be tried again. */
    private synchronized boolean writeOnce() {
        if (!mayWrite.getAsBoolean()) {
            return true;
        }
        try {
            long stored = file.storedEpoch();
            if (stored > epoch) {
                log.warn("Node {} leaves the open alerts in {} alone: epoch {} wrote them, newer than this node's epoch {}", node,
                        file.path(), stored, epoch);
                stop();
                return true;
            }
            file.write(epoch, node, snapshot.get(), clock.instant());
        } catch (IOException e) {
            // The first failure and the recovery are logged, the repeats in between only counted.
            if (failures++ == 0) {
                log.error("Node {} epoch {} cannot write the open alerts to {}: {}; retrying every {} ms, and the node that takes over"
                        + " may miss conditions raised since the last write", node, epoch, file.path(), e.toString(), RETRY_DELAY.toMillis());
            }
            return false;
        }
        if (failures > 0) {
            log.info("Node {} epoch {} wrote the open alerts to {} again after {} failed attempt(s)", node, epoch, file.path(), failures);
            failures = 0;
        }
        return true;
    }
}
