package io.baton.core.cluster;

import java.util.List;

/**
 * The part of a cluster view that the serving node adds from its own state: its identity, the journal's guard when
 * it is active, the lease silence it measured, and its open alerts.
 *
 * @param leaseSilenceMillis how long this node has seen the lease counter unchanged, or null when it does not watch the lease
 */
public record LocalObservation(String nodeId, String role, Long guardEpoch, String guardNode, Long leaseSilenceMillis,
        List<ClusterAlert> alerts) {

    /** No serving node: the CLI reads the data directory itself. */
    public static LocalObservation none() {
        return new LocalObservation(null, null, null, null, null, List.of());
    }
}
