package io.baton.server.service;

/** Thrown when an operator action cannot be carried out. The message gives the reason and the next step. */
final class ActionRefusedException extends Exception {

    private final WorkItemActions.Refusal kind;

    ActionRefusedException(WorkItemActions.Refusal kind, String message) {
        super(message);
        this.kind = kind;
    }

    WorkItemActions.Refusal kind() {
        return kind;
    }
}
