package io.baton.server.node;

/**
 * Outcome of a switch-over.
 *
 * @param completed true when the target committed the newer epoch
 * @param newNode the node that holds the epoch now
 * @param epoch the epoch in the guard now
 * @param millis time from the request to the moment the old node saw the newer epoch, or to the failure
 * @param message the outcome in words, for the operator
 */
public record SwitchOverResult(boolean completed, String newNode, long epoch, long millis, String message) {
}
