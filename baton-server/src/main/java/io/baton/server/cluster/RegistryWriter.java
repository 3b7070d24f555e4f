package io.baton.server.cluster;

import io.baton.core.cluster.NodeRegistration;
import io.baton.core.cluster.NodeRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites this node's registry entry every few seconds on a thread of its own, and removes it on an
 * orderly stop. A write to a hung share blocks only this thread, never the lease renewal or fencing,
 * and a failed write is logged and retried at the next interval.
 */
public final class RegistryWriter {

    private static final Logger log = LoggerFactory.getLogger(RegistryWriter.class);

    private final NodeRegistry registry;
    private final String nodeId;
    private final Supplier<NodeRegistration> entry;
    private final Duration interval;
    private final ScheduledExecutorService thread;
    private int failures;

    /** @param entry builds the current entry; called on the writer's thread, so it may read the share */
    public RegistryWriter(NodeRegistry registry, String nodeId, Supplier<NodeRegistration> entry, Duration interval) {
        this.registry = registry;
        this.nodeId = nodeId;
        this.entry = entry;
        this.interval = interval;
        this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("node-registry").daemon().factory());
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::writeOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Node {} registers itself in {} every {} ms", nodeId, registry.folder(), interval.toMillis());
    }

    private void writeOnce() {
        try {
            registry.write(entry.get());
            if (failures > 0) {
                log.info("Node {} writes its registry entry again after {} failure(s)", nodeId, failures);
                failures = 0;
            }
        } catch (IOException | RuntimeException e) {
            // Logged once per outage: a share that stays broken would otherwise log every interval.
            if (failures++ == 0) {
                log.warn("Node {} cannot write its registry entry in {}: {}; other nodes show it as stale until a write succeeds",
                        nodeId, registry.folder(), e.toString());
            }
        }
    }

    /**
     * Stops writing and removes the entry, waiting at most {@code timeout} in all; past it the entry
     * stays and other nodes show it as stale.
     */
    public void stop(Duration timeout) {
        thread.shutdownNow();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Node {} leaves its registry entry: a write to {} did not finish within {} ms", nodeId, registry.folder(),
                        timeout.toMillis());
                return;
            }
            Thread remover = Thread.ofPlatform().name("node-registry-remove").daemon().start(this::remove);
            remover.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (remover.isAlive()) {
                log.warn("Node {} leaves its registry entry: removing it from {} did not finish within {} ms", nodeId, registry.folder(),
                        timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void remove() {
        try {
            registry.remove(nodeId);
            log.info("Node {} removed its registry entry", nodeId);
        } catch (IOException e) {
            log.warn("Node {} cannot remove its registry entry from {}: {}", nodeId, registry.folder(), e.toString());
        }
    }
}
