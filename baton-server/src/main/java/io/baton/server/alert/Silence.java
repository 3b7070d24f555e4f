package io.baton.server.alert;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A time-bounded silence, for a maintenance window: alerts it matches are logged, marked silenced, and not
 * sent. A null {@code kind} or {@code service} matches every kind or service; a service glob such as
 * {@code billing-*} matches by name and never matches node alerts.
 *
 * @param kind an alert kind name such as {@code run-failed}, or null
 * @param until the silence ends at this instant
 * @param createdBy the user or token that created it
 */
public record Silence(String id, String kind, String service, Instant until, String reason, String createdBy, Instant createdAt) {

    public boolean matches(Alert alert, Instant now) {
        if (!now.isBefore(until)) {
            return false;
        }
        if (kind != null && !kind.equals(alert.kind().text())) {
            return false;
        }
        if (service == null) {
            return true;
        }
        return alert.service() != null && FileSystems.getDefault().getPathMatcher("glob:" + service).matches(Path.of(alert.service()));
    }
}
