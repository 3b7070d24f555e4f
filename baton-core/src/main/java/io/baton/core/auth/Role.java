package io.baton.core.auth;

import java.util.Locale;

/** Permission of a user or an API token in the management API. */
public enum Role {
    /** Every call, including those that change state. */
    OPERATOR,
    /** Read-only: every GET call, and no call that changes state. */
    VIEWER;

    /** Parses {@code operator} or {@code viewer}, in any case; throws {@link AccountException} naming the value otherwise. */
    public static Role parse(String text) {
        if (text != null) {
            for (Role r : values()) {
                if (r.name().equalsIgnoreCase(text.trim())) {
                    return r;
                }
            }
        }
        throw new AccountException(AccountException.Reason.INVALID, "role",
                "invalid role '" + text + "': expected operator or viewer");
    }

    /** Returns the lower-case name used in the users file, the API and the CLI. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
