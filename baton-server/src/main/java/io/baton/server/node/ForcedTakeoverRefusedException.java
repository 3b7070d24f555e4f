package io.baton.server.node;

/** A forced takeover was rejected or failed; the message gives the reason and what to do. */
public final class ForcedTakeoverRefusedException extends RuntimeException {

    public ForcedTakeoverRefusedException(String message) {
        super(message);
    }
}
