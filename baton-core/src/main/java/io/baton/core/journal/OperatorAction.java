package io.baton.core.journal;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An action an operator takes on one work item, with the states it is allowed in. The operations guide
 * describes the file moves and journal changes of each action. This enum contains the rules that decide
 * whether an item may be acted on at all.
 */
public enum OperatorAction {
    /**
     * Processes the item again at the next run, with its attempt counter and backoff reset; for an item
     * whose publishing or disposition is pending, re-opens the publish actions runs gave up on.
     */
    RETRY(EnumSet.of(WorkItemState.QUARANTINED, WorkItemState.FAILED, WorkItemState.PUBLISH_BLOCKED, WorkItemState.DISPOSITION_PENDING)),
    /** Gives the input back to the source folder without processing it, so the next run takes it as a new delivery. */
    RELEASE(EnumSet.of(WorkItemState.QUARANTINED, WorkItemState.PUBLISH_BLOCKED)),
    /** Delivers a processed input again, from its archived copy or its kept file, as a new work item. */
    REPROCESS(EnumSet.of(WorkItemState.DISPOSED, WorkItemState.KEPT));

    private final Set<WorkItemState> allowed;

    OperatorAction(Set<WorkItemState> allowed) {
        this.allowed = Collections.unmodifiableSet(allowed);
    }

    /** States an item must be in for this action. */
    public Set<WorkItemState> allowedStates() {
        return allowed;
    }

    /** Returns the lower-case name used by the CLI, the API and the journal. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a label such as {@code retry}, or returns null for anything else. */
    public static OperatorAction fromLabel(String label) {
        for (OperatorAction a : values()) {
            if (a.label().equals(label)) {
                return a;
            }
        }
        return null;
    }

    /** Returns why an item in {@code state} cannot take this action, or null when it can. */
    public String refusal(long itemId, WorkItemState state) {
        if (allowed.contains(state)) {
            return null;
        }
        return "work item " + itemId + " is " + state + "; " + label() + " applies only to items that are "
                + allowedText() + (hint(state) == null ? "" : "; " + hint(state));
    }

    /** Returns the allowed states as text, for example {@code QUARANTINED or FAILED}. */
    public String allowedText() {
        return allowed.stream().map(Enum::name).collect(Collectors.joining(" or "));
    }

    /** Points an operator at the action that fits an item's state, where there is one. */
    private String hint(WorkItemState state) {
        for (OperatorAction other : values()) {
            if (other != this && other.allowed.contains(state)) {
                return "use baton " + other.label() + " for a " + state + " item";
            }
        }
        return switch (state) {
            case CLAIMED, COMMITTED -> "it is in a run now; wait for the run to end";
            case RELEASED -> "the next run takes it already";
            case RETURNED -> "its input was given back to the source; act on the new work item instead";
            default -> null;
        };
    }
}
