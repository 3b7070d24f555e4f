package io.baton.core.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One node's entry in {@code state/nodes/<id>}, rewritten by the node every few seconds. The two
 * instants are the writer's wall clock in ISO-8601; a reader uses them for display and staleness only,
 * never to decide who is active.
 *
 * @param epoch the epoch the node holds when active, otherwise the highest epoch it last saw in the lease
 * @param heartbeatAt when the node wrote this entry
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeRegistration(String nodeId, String host, long pid, String programDirectory, String version, String apiUrl,
        String role, long epoch, String startedAt, String heartbeatAt) {
}
