package io.baton.core.journal;

import java.time.Instant;

/**
 * How a node takes the epoch guard, and what the guard must hold for it to succeed.
 *
 * @param cause why the node becomes active, recorded in {@code role_changes}
 * @param startedAt when the change began as this node saw it; a switch-over takes the time the holder
 *     recorded in the guard instead
 * @param handoverEpoch for a switch-over, the epoch the guard must hold with a hand-over to this node
 *     (or to any node); otherwise 0
 * @param fencedHolder for a forced takeover, the node the guard must name as holder; otherwise null
 * @param actor who requested a forced takeover, or null
 * @param detail the reason in words, recorded with the role change
 */
public record Takeover(RoleChangeCause cause, Instant startedAt, long handoverEpoch, String fencedHolder, String actor,
        String detail) {

    public static Takeover of(RoleChangeCause cause, Instant startedAt, String detail) {
        return new Takeover(cause, startedAt, 0, null, null, detail);
    }
}
