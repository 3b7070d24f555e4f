package io.baton.server.node;

import io.baton.core.cluster.NodeRegistration;
import io.baton.core.cluster.NodeRegistry;
import io.baton.core.cluster.StaleRule;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Checks the node that {@code baton switchover --to} names against the node registry before any service
 * stops, so a mistyped or stopped target costs nothing. The target must have a fresh entry with role
 * PASSIVE.
 */
final class SwitchOverTarget {

    private final NodeRegistry registry;
    private final StaleRule staleRule;

    SwitchOverTarget(NodeRegistry registry, StaleRule staleRule) {
        this.registry = registry;
        this.staleRule = staleRule;
    }

    /**
     * Rejects {@code target} unless its registry entry is fresh at {@code now} and passive.
     *
     * @throws IllegalArgumentException naming the known passive nodes, when the target is not one of them
     * @throws IllegalStateException when the registry cannot be read
     */
    void requirePassive(String target, Instant now) {
        List<NodeRegistration> entries;
        try {
            entries = registry.readAll();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the node registry " + registry.folder() + " to check node " + target + ": " + e
                    + "; check that the data directory is reachable, then try again");
        }

        List<String> passive = entries.stream()
                .filter(entry -> staleRule.staleReason(entry, now) == null && NodeRole.PASSIVE.name().equals(entry.role()))
                .map(NodeRegistration::nodeId)
                .sorted()
                .toList();
        if (passive.contains(target)) {
            return;
        }

        NodeRegistration entry = entries.stream().filter(e -> e.nodeId().equals(target)).findFirst().orElse(null);
        String why;
        if (entry == null) {
            why = "it has no entry in " + registry.folder();
        } else if (staleRule.staleReason(entry, now) != null) {
            why = "its registry entry is stale: " + staleRule.staleReason(entry, now);
        } else {
            why = "it is " + entry.role();
        }
        String next = passive.isEmpty()
                ? "no passive node is running; start one with: baton node start"
                : "known passive nodes: " + String.join(", ", passive) + "; name one with --to, or leave --to out";
        throw new IllegalArgumentException("node " + target + " cannot take over: " + why + ". Nothing was stopped. " + next);
    }
}
