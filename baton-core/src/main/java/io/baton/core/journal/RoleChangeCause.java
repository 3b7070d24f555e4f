package io.baton.core.journal;

/** Why a node became active; stored in {@code role_changes.cause} as {@link #text()}. */
public enum RoleChangeCause {
    /** No node was ever active on this data directory. */
    FIRST_START("first-start"),
    /** The holder's heartbeat stopped for the lease duration. */
    EXPIRY("expiry"),
    /** The holder released the lease on an orderly stop. */
    RELEASE("release"),
    /** The lease was left by an earlier process of the same node on the same host, which is no longer running. */
    RESTART("restart"),
    /** The holder handed its epoch over on an operator's request. */
    SWITCHOVER("switch-over"),
    /** An operator confirmed that the hung holder is fenced and forced the takeover. */
    FORCED_TAKEOVER("forced-takeover");

    private final String text;

    RoleChangeCause(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
