package io.baton.core.lease;

import io.baton.core.journal.RoleChangeCause;
import java.time.Instant;

/**
 * Why a passive node may try to take the next epoch.
 *
 * @param reason the reason in words, for the log
 * @param since wall time on this node when the vacancy began: the last heartbeat change seen before
 *     the lease expired, or the moment the release, hand-over or first start was seen
 * @param handoverEpoch the epoch the holder hands over, or 0 unless {@code cause} is a switch-over
 */
public record Vacancy(String reason, RoleChangeCause cause, Instant since, long handoverEpoch) {
}
