package io.baton.core.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A condition a passive node found about the active node, open until the condition clears.
 *
 * @param kind {@code holder-api-silent} or {@code journal-held}
 * @param since the observer's wall time when the condition was first found
 * @param repeats how many checks found it again since it was last logged
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterAlert(String kind, String nodeId, String host, long pid, String message, String since, int repeats) {
}
