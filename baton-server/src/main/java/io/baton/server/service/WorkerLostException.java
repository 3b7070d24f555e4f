package io.baton.server.service;

/** The worker process exited or was killed while items were outstanding. */
final class WorkerLostException extends RuntimeException {

    private final boolean killedOnPurpose;

    WorkerLostException(String message, boolean killedOnPurpose) {
        super(message);
        this.killedOnPurpose = killedOnPurpose;
    }

    boolean killedOnPurpose() {
        return killedOnPurpose;
    }
}
