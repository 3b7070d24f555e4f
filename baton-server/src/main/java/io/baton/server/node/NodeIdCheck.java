package io.baton.server.node;

import io.baton.core.cluster.NodeRegistration;
import io.baton.core.cluster.NodeRegistry;
import io.baton.core.cluster.StaleRule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Rejects a node whose id a live node already uses, before the new node writes anything, because two
 * daemons with one id would overwrite and at their stop remove each other's registry entry. An entry
 * counts as live when it is fresh by the {@link StaleRule}. The entry of an earlier daemon on this
 * program directory does not count, since the caller holds the program directory's lock, so that daemon has
 * ended.
 *
 * <p>NOTE: two nodes with one id that start within one registry write interval of each other both pass,
 * because neither has written its entry yet.
 */
final class NodeIdCheck {

    private final NodeRegistry registry;
    private final StaleRule staleRule;

    NodeIdCheck(NodeRegistry registry, StaleRule staleRule) {
        this.registry = registry;
        this.staleRule = staleRule;
    }

    /**
     * Checks the registry entry of {@code nodeId}.
     *
     * @throws NodeIdInUseException when another live node is registered with that id
     */
    void requireUnused(String nodeId, String host, Path programDirectory, Instant now) throws IOException {
        NodeRegistration entry = registry.read(nodeId);
        if (entry == null) {
            return;
        }
        boolean sameDaemonEarlier = host.equals(entry.host()) && programDirectory.toString().equals(entry.programDirectory());
        if (sameDaemonEarlier || staleRule.staleReason(entry, now) != null) {
            return;
        }
        throw new NodeIdInUseException("node id " + nodeId + " is in use by a running node: pid " + entry.pid() + " on host "
                + entry.host() + " with program directory " + entry.programDirectory() + " (registry entry "
                + registry.folder().resolve(nodeId) + ", heartbeat " + entry.heartbeatAt() + "). Give this node an id of its own"
                + " with nodeId in conf/node.yaml or --node-id; if that node is gone, start this one again once its entry is"
                + " older than " + staleRule.staleAfter().toSeconds() + " s");
    }
}
