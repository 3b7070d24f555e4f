package io.baton.core.journal;

/**
 * The journal's epoch guard holds a newer epoch than this node's: another node became active. The
 * node must stop all work at once.
 */
public final class DeposedException extends JournalException {

    private final long ownEpoch;
    private final long guardEpoch;
    private final String guardNode;

    public DeposedException(long ownEpoch, long guardEpoch, String guardNode) {
        super("deposed: this node holds epoch " + ownEpoch + " but the journal's guard holds epoch " + guardEpoch
                + " of node " + guardNode);
        this.ownEpoch = ownEpoch;
        this.guardEpoch = guardEpoch;
        this.guardNode = guardNode;
    }

    public long ownEpoch() { return ownEpoch; }
    public long guardEpoch() { return guardEpoch; }
    public String guardNode() { return guardNode; }
}
