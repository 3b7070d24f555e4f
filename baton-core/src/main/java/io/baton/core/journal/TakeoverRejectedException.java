package io.baton.core.journal;

/**
 * The guard does not hold what a switch-over or a forced takeover requires: the hand-over was withdrawn
 * or addressed to another node, or the named node is not the holder. Nothing was written.
 */
public final class TakeoverRejectedException extends JournalException {

    public TakeoverRejectedException(String message) {
        super(message);
    }
}
