package io.baton.api;

import java.io.IOException;

/**
 * Thrown by a step when its input can never be processed, for example a malformed record or bytes
 * that are invalid in the declared charset. The input goes to quarantine with this message as the
 * reason, without further attempts.
 */
public class RejectedInputException extends IOException {

    public RejectedInputException(String message) {
        super(message);
    }

    public RejectedInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
