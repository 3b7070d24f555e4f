package io.baton.server.service;

import io.baton.core.journal.RunState;

/** Outcome of a run, for the service's status. */
public record RunOutcome(long runId, RunState state, long committed, long failed, long quarantined, long bytesIn, long bytesOut,
        String reason) {
}
