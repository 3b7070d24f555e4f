package io.baton.core.config;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * One entry of {@code alerts.routes}: which alerts it matches and where they go.
 *
 * @param service glob of service names such as {@code billing-*}, or null to match every alert, node alerts included
 * @param kinds alert kinds it matches, or empty for every kind
 * @param channels channels besides the log that get the matched alerts, or empty for every configured channel
 * @param email recipients of the matched alerts instead of {@code alerts.email.to}, or empty to keep those
 */
public record AlertRoute(String service, List<String> kinds, List<String> channels, List<String> email) {

    /** Returns whether this route applies to an alert of {@code kind} about {@code alertService}, which is null for node alerts. */
    public boolean matches(String kind, String alertService) {
        if (!kinds.isEmpty() && !kinds.contains(kind)) {
            return false;
        }
        if (service == null) {
            return true;
        }
        if (alertService == null) {
            return false;
        }
        // Service names contain no '/', so a glob over one path element matches the whole name.
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + service);
        return glob.matches(Path.of(alertService));
    }
}
