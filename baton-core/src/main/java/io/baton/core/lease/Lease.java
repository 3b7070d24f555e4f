package io.baton.core.lease;

/**
 * One heartbeat of the active node as written to {@code state/lease}. Only {@code counter} changes
 * matter to a passive node; the wall time is for humans and is never compared across machines.
 *
 * @param released true when the holder gave the lease up on an orderly stop, so a passive node may
 *     take over without waiting for the lease to expire
 */
public record Lease(long counter, String nodeId, long epoch, long pid, String host, String wallTime, boolean released) {
}
