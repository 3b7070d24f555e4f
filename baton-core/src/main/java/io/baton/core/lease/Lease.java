package io.baton.core.lease;

/**
 * One heartbeat of the active node as written to {@code state/lease}. Only {@code counter} changes
 * matter to a passive node; the wall time is for humans and is never compared across machines.
 *
 * @param released true when the holder gave the lease up on an orderly stop, so a passive node may
 *     take over without waiting for the lease to expire
 * @param handoverTo the node a switch-over hands the epoch to, {@link #ANY_NODE} for the first passive
 *     node that sees it, or null when no switch-over is in progress
 */
public record Lease(long counter, String nodeId, long epoch, long pid, String host, String wallTime, boolean released,
        String handoverTo) {

    /** The {@code handoverTo} value of a switch-over that any passive node may take. */
    public static final String ANY_NODE = "*";

    /** Tells whether a passive node may take this epoch at once because the holder hands it over to that node. */
    public boolean handsOverTo(String candidate) {
        return handoverTo != null && !nodeId.equals(candidate) && (handoverTo.equals(candidate) || handoverTo.equals(ANY_NODE));
    }
}
