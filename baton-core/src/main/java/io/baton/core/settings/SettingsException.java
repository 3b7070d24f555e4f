package io.baton.core.settings;

/**
 * An invalid setting or variable, or one that a service cannot be started with. The message names the
 * service, key or variable and the fix, and never contains a value, because the value may be a secret.
 */
public final class SettingsException extends RuntimeException {

    private final String field;

    /** @param field the request field at fault, such as {@code value} or {@code name}; null when none */
    public SettingsException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
