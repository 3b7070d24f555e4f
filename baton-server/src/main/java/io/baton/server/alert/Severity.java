package io.baton.server.alert;

/** How urgently an operator must act on an alert. */
public enum Severity {
    /** Needs attention soon; the node keeps working. */
    WARNING,
    /** Work stops or data is at risk until an operator acts. */
    CRITICAL;

    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
