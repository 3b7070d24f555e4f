package io.baton.core.lease;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The content of {@code state/epochs/<n>}: who claimed the epoch, when and why. Files written before
 * the record existed contain only the node id; for them {@code host} and {@code cause} are null, the
 * pid is 0 and {@code takenAt} is the file's modification time.
 *
 * @param takenAt the claimer's wall time in ISO-8601
 * @param cause why the claimer found the lease free, for example "no node was ever active on this data directory"
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EpochRecord(long epoch, String nodeId, String host, long pid, String takenAt, String cause) {
}
