package io.baton.core.journal;

/** A journal operation that failed; the work it carried was not recorded. */
public class JournalException extends RuntimeException {

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
