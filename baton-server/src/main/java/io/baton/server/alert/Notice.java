package io.baton.server.alert;

import java.time.Instant;

/**
 * What the channels send about one alert: that it fires (again) or that it was resolved.
 *
 * @param since when the condition was first raised
 * @param repeats for a firing notice, the occurrences since the last notice that was sent, this one included (1 for a
 *     first notice); for a resolved notice, all occurrences since the condition opened
 * @param silenced true when a silence matched, so the notice was only logged
 * @param route the channels and recipients that get it
 */
public record Notice(Status status, Alert alert, Instant since, int repeats, boolean silenced, Route route, Instant at) {

    /** Whether the condition fires or was resolved; sent as {@code firing} or {@code resolved}. */
    public enum Status {
        FIRING, RESOLVED;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Where a notice goes besides the log.
     *
     * @param webhook whether the webhook gets it
     * @param emailTo recipients of the e-mail, or empty for none
     */
    public record Route(boolean webhook, java.util.List<String> emailTo) {

        public static final Route LOG_ONLY = new Route(false, java.util.List.of());
    }
}
