package io.baton.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Requests every node's role from its API every {@code intervalMillis}, on a thread of its own, and
 * records each sample in which more than one node reported ACTIVE. A node that does not respond
 * within two seconds (stopped, paused, killed) counts as not active.
 */
public final class RoleSampler implements AutoCloseable {

    private final List<NodeProcess> nodes;
    private final long intervalMillis;
    private final List<String> overlaps = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile int samples;

    public RoleSampler(List<NodeProcess> nodes, long intervalMillis) {
        this.nodes = List.copyOf(nodes);
        this.intervalMillis = intervalMillis;
        this.thread = Thread.ofPlatform().name("role-sampler").daemon().unstarted(this::sampleLoop);
    }

    public RoleSampler start() {
        thread.start();
        return this;
    }

    private void sampleLoop() {
        while (!stopped) {
            List<String> active = activeNodes();
            samples++;
            if (active.size() > 1) {
                synchronized (overlaps) {
                    overlaps.add(System.currentTimeMillis() + ": " + active);
                }
            }
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Returns the ids of the nodes whose API reports ACTIVE now. */
    public List<String> activeNodes() {
        List<String> active = new ArrayList<>();
        for (NodeProcess n : nodes) {
            if (n.process() != null && n.process().isAlive() && "ACTIVE".equals(n.role())) {
                active.add(n.nodeId());
            }
        }
        return active;
    }

    /** Returns the samples in which more than one node was active, each with its wall time in milliseconds. */
    public List<String> overlaps() {
        synchronized (overlaps) {
            return List.copyOf(overlaps);
        }
    }

    public int samples() {
        return samples;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
