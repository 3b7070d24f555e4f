package io.baton.server.worker;

/** A worker that could not be started or did not become ready; the message is the worker's reason. */
public final class WorkerStartException extends Exception {

    public WorkerStartException(String message) {
        super(message);
    }
}
