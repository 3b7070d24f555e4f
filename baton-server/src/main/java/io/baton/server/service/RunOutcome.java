package io.baton.server.service;

import io.baton.core.journal.RunState;

/** How a run ended, for the service's status. */
public record RunOutcome(long runId, RunState state, long committed, long failed, long quarantined, String reason) {
}
