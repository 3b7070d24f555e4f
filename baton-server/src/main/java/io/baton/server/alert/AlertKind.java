package io.baton.server.alert;

/**
 * What an alert is about. A condition stays open until its source resolves it, and then sends a resolved
 * notice. An event has no end of its own: it closes once it has not repeated for a repeat interval, and
 * sends no resolved notice.
 */
public enum AlertKind {
    RUN_FAILED("run-failed", Severity.CRITICAL, true),
    FILE_QUARANTINED("file-quarantined", Severity.WARNING, true),
    WORKER_DIED("worker-died", Severity.CRITICAL, true),
    SCHEDULE_MISSED("schedule-missed", Severity.WARNING, false),
    RUN_OVER_LIMIT("run-over-limit", Severity.WARNING, false),
    LEASE_LOST("lease-lost", Severity.CRITICAL, false),
    FAILOVER("failover", Severity.CRITICAL, false),
    SWITCHOVER("switch-over", Severity.WARNING, false),
    DISK_SPACE_LOW("disk-space-low", Severity.CRITICAL, true),
    LEASE_RENEWAL_SLOW("lease-renewal-slow", Severity.WARNING, true),
    JOURNAL_HELD("journal-held", Severity.CRITICAL, true),
    HOLDER_API_SILENT("holder-api-silent", Severity.CRITICAL, true),
    NO_ACTIVE_NODE("no-active-node", Severity.CRITICAL, true),
    TWO_ACTIVE_NODES("two-active-nodes", Severity.CRITICAL, true);

    private final String text;
    private final Severity severity;
    private final boolean condition;

    AlertKind(String text, Severity severity, boolean condition) {
        this.text = text;
        this.severity = severity;
        this.condition = condition;
    }

    /** Returns the name used in logs, JSON, cluster.yaml routes and silences, such as {@code run-failed}. */
    public String text() {
        return text;
    }

    public Severity severity() {
        return severity;
    }

    /** Returns whether an alert of this kind stays open until resolved, rather than closing by itself. */
    public boolean condition() {
        return condition;
    }

    /** Returns the kind named {@code text}, or null when there is none. */
    public static AlertKind fromText(String text) {
        for (AlertKind k : values()) {
            if (k.text.equals(text)) {
                return k;
            }
        }
        return null;
    }

    /** Returns the names of all kinds, for error messages. */
    public static java.util.List<String> texts() {
        return java.util.Arrays.stream(values()).map(AlertKind::text).toList();
    }
}
