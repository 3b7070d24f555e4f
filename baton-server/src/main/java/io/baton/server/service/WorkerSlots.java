package io.baton.server.service;

import io.baton.core.config.NodeConfig;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The node's cap on concurrent service workers ({@code maxWorkers} in node.yaml).
 *
 * <p>A service holds a slot from the moment it starts its worker until it is STOPPED or FAILED, so a
 * worker restarted after a crash or a run-limit kill keeps its slot. A service that finds every slot
 * taken waits in line, and a freed slot is reserved for the first service in line before anyone else
 * can take it, so the order is first come, first served.
 *
 * <p>Lock order: a caller may hold a {@link ServiceRuntime}'s lock while it calls in here, and this
 * class never calls a service, so the two locks cannot deadlock.
 */
public final class WorkerSlots {

    private final int max;
    private final Set<String> holders = new LinkedHashSet<>();
    private final Deque<ServiceRuntime> line = new ArrayDeque<>();
    private boolean closed;

    /** @param max the most workers at once, or {@link NodeConfig#NO_WORKER_CAP} */
    WorkerSlots(int max) {
        this.max = max;
    }

    /**
     * Takes a slot for the service, or puts it in line when every slot is taken. Returns true when the
     * service holds a slot, also when it held or was handed one before this call.
     */
    synchronized boolean acquireOrWait(ServiceRuntime service) {
        if (holders.contains(service.name())) {
            return true;
        }
        if (max == NodeConfig.NO_WORKER_CAP || holders.size() < max) {
            holders.add(service.name());
            return true;
        }
        if (!line.contains(service)) {
            line.add(service);
        }
        return false;
    }

    /**
     * Gives up the service's slot or its place in line. When that frees a slot and a service waits,
     * the slot is reserved for the first one in line, which is returned for the caller to start
     * outside any lock; otherwise returns null. After {@link #close} nothing is handed on.
     */
    synchronized ServiceRuntime release(String name) {
        line.removeIf(s -> s.name().equals(name));
        holders.remove(name);
        if (closed || line.isEmpty() || (max != NodeConfig.NO_WORKER_CAP && holders.size() >= max)) {
            return null;
        }
        ServiceRuntime next = line.poll();
        holders.add(next.name());
        return next;
    }

    /** Stops handing freed slots to waiting services: the node is stopping its services. */
    synchronized void close() {
        closed = true;
    }

    /** Returns why a waiting service waits, for example "waiting for a worker slot: 4 of 4 in use (a, b, c, d); 1st in line". */
    synchronized String waitReason(String name) {
        int position = 1;
        for (ServiceRuntime s : line) {
            if (s.name().equals(name)) {
                break;
            }
            position++;
        }
        return "waiting for a worker slot: " + holders.size() + " of " + max + " in use (" + String.join(", ", holders) + "); "
                + ordinal(position) + " of " + line.size() + " in line";
    }

    /** The cap and who holds or waits for a slot, for the node's status. */
    synchronized Usage usage() {
        return new Usage(max == NodeConfig.NO_WORKER_CAP ? null : max, List.copyOf(holders),
                line.stream().map(ServiceRuntime::name).toList());
    }

    /** @param max null when the node has no cap */
    public record Usage(Integer max, List<String> inUse, List<String> waiting) {
    }

    private static String ordinal(int n) {
        if (n % 100 >= 11 && n % 100 <= 13) {
            return n + "th";
        }
        return switch (n % 10) {
            case 1 -> n + "st";
            case 2 -> n + "nd";
            case 3 -> n + "rd";
            default -> n + "th";
        };
    }
}
