package io.baton.core.journal;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life cycle of one input file in the journal.
 *
 * <pre>
 *  CLAIMED ─► COMMITTED ─► DISPOSED | KEPT
 *     │           └──────► DISPOSITION_PENDING (processed; the input could not be archived or deleted)
 *     │           └──────► PUBLISH_BLOCKED (processed; an output could not be created under its final name)
 *     ├──► FAILED ─► (claimed again by a later run) … ─► QUARANTINED
 *     │                   QUARANTINED ◄─► DISPOSITION_PENDING (the move into quarantine failed; retried)
 *     └──► RELEASED (the run ended before the item was processed; claimable again)
 *
 *  Operator actions:
 *     retry      FAILED | QUARANTINED ─► RELEASED (attempts and backoff reset)
 *     release    QUARANTINED | PUBLISH_BLOCKED ─► RETURNED
 *     reprocess  KEPT ─► RETURNED (a DISPOSED item keeps its state; its archived copy is delivered again)
 * </pre>
 */
public enum WorkItemState {
    CLAIMED, COMMITTED, DISPOSED, KEPT, DISPOSITION_PENDING, PUBLISH_BLOCKED, FAILED, QUARANTINED, RELEASED,
    /**
     * An operator gave the input back to the source folder without processing it: the item is over, and a
     * file with its identity there is a new delivery, claimed under a new item id.
     */
    RETURNED,
    /** A state name this version does not know, read from a newer journal; treated as known, never as done. */
    UNKNOWN;

    /**
     * States in which a file with the item's identity is skipped by listing: the item is in flight,
     * committed and not yet disposed of, or kept on purpose. Disposed items are not here: a file at
     * the same path after a disposition is a new delivery.
     */
    public static final Set<WorkItemState> KNOWN = EnumSet.of(CLAIMED, COMMITTED, KEPT, DISPOSITION_PENDING,
            PUBLISH_BLOCKED, QUARANTINED, UNKNOWN);

    public static WorkItemState parse(String name) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            return UNKNOWN;
        }
    }

    /** Tells whether the item may move from this state to {@code next}. The journal rejects any other move. */
    public boolean canMoveTo(WorkItemState next) {
        return switch (this) {
            case CLAIMED -> next == COMMITTED || next == FAILED || next == RELEASED || next == QUARANTINED;
            case COMMITTED -> next == DISPOSED || next == KEPT || next == DISPOSITION_PENDING || next == PUBLISH_BLOCKED;
            case FAILED -> next == CLAIMED || next == QUARANTINED || next == RELEASED;
            case RELEASED -> next == CLAIMED || next == QUARANTINED;
            case DISPOSITION_PENDING -> next == DISPOSED || next == QUARANTINED;
            case PUBLISH_BLOCKED -> next == DISPOSED || next == KEPT || next == DISPOSITION_PENDING || next == RETURNED;
            case QUARANTINED -> next == RELEASED || next == RETURNED || next == DISPOSITION_PENDING;
            case KEPT -> next == RETURNED;
            default -> false;
        };
    }
}
