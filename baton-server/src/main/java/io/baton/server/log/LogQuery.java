package io.baton.server.log;

import java.time.Instant;
import java.util.Locale;

/**
 * A filter on log entries. Every field but {@code limit} may be null for no filter.
 *
 * @param minLevel the lowest level shown: TRACE, DEBUG, INFO, WARN or ERROR
 * @param contains text the entry's message must contain, ignoring case
 * @param limit the number of entries returned, the newest ones that match
 */
public record LogQuery(String service, String node, String run, String minLevel, Instant since, Instant until, String contains, int limit) {

    /** The service filter that reads every log: the node logs and the log of every service. */
    public static final String EVERY_LOG = "*";

    /** The levels in rising order, as logback writes them. */
    public static final java.util.List<String> LEVELS = java.util.List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    boolean matches(LogEntry e) {
        if (service != null && !EVERY_LOG.equals(service) && !service.equals(e.service())) {
            return false;
        }
        if (node != null && !node.equals(e.node())) {
            return false;
        }
        if (run != null && !run.equals(e.run())) {
            return false;
        }
        if (minLevel != null && LEVELS.indexOf(e.level()) < LEVELS.indexOf(minLevel)) {
            return false;
        }
        if (since != null && e.at().isBefore(since)) {
            return false;
        }
        if (until != null && !e.at().isBefore(until)) {
            return false;
        }
        return contains == null || e.message().toLowerCase(Locale.ROOT).contains(contains.toLowerCase(Locale.ROOT));
    }
}
