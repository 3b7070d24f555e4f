package io.baton.core.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.baton.core.lease.EpochRecord;
import java.util.List;

/**
 * The content of {@code baton cluster}: the lease, the epochs, every registered node and the last change
 * of the active node, read from the shared data directory at one moment, plus what the serving node
 * observed itself.
 *
 * @param at the serving node's wall time when the view was read
 * @param servedBy the node that read the view, or null when the CLI read the data directory itself
 * @param lastChange the record of the highest epoch: who became active, when and why; null before the first start
 * @param previousHolder the node that held the epoch before {@code lastChange}, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterView(String at, String servedBy, String servedByRole, LeaseView lease, EpochView epoch, List<NodeView> nodes,
        EpochRecord lastChange, String previousHolder, List<ClusterAlert> alerts) {

    /**
     * The lease file as read now.
     *
     * @param wallAgeMillis the reader's wall time minus the holder's heartbeat time; as good as the clock sync of the two hosts.
     *     0 when the heartbeat lies after the reader's time, -1 when the heartbeat time cannot be read
     * @param silenceMillis how long the serving node has seen the counter unchanged, on its monotonic clock; null when not measured
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LeaseView(String holder, long epoch, long counter, String host, long pid, String heartbeatAt, boolean released,
            long wallAgeMillis, Long silenceMillis) {
    }

    /**
     * The current epoch.
     *
     * @param highest the highest epoch claimed in {@code state/epochs}, 0 when none
     * @param claimedBy the node that claimed it
     * @param guardEpoch the epoch in the journal's guard, read only by the active node; null elsewhere
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EpochView(long highest, String claimedBy, Long guardEpoch, String guardNode) {
    }

    /** One registry entry with its age and staleness at the time of the view. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NodeView(String nodeId, String host, long pid, String role, long epoch, String version, String apiUrl,
            String programDirectory, String startedAt, String heartbeatAt, long ageMillis, boolean stale, String staleReason) {

        static NodeView of(NodeRegistration r, long ageMillis, String staleReason) {
            return new NodeView(r.nodeId(), r.host(), r.pid(), r.role(), r.epoch(), r.version(), r.apiUrl(), r.programDirectory(),
                    r.startedAt(), r.heartbeatAt(), ageMillis, staleReason != null, staleReason);
        }
    }
}
