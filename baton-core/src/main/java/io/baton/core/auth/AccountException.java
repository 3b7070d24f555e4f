package io.baton.core.auth;

/** A rejected change to users or API tokens, with the field at fault and what to do. */
public final class AccountException extends RuntimeException {

    /** Cause of the rejection, which the API maps to an HTTP status. */
    public enum Reason {
        /** A value is missing or has the wrong form. */
        INVALID,
        /** The user or token does not exist. */
        NOT_FOUND,
        /** A user or token of that name already exists. */
        CONFLICT
    }

    private final Reason reason;
    private final String field;

    public AccountException(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    public Reason reason() {
        return reason;
    }

    public String field() {
        return field;
    }
}
