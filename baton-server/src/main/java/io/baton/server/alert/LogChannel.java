package io.baton.server.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel that is always on: a firing notice is logged at WARN as {@code ALERT ...}, a resolved one at
 * INFO as {@code RESOLVED ...}, with the service, run and node ids. Silenced notices are logged too, marked.
 */
final class LogChannel {

    private static final Logger log = LoggerFactory.getLogger("io.baton.alerts");

    void send(Notice n) {
        Alert a = n.alert();
        String silenced = n.silenced() ? " [silenced]" : "";
        String service = a.service() == null ? "-" : a.service();
        String run = a.run() == 0 ? "-" : Long.toString(a.run());
        if (n.status() == Notice.Status.RESOLVED) {
            log.info("RESOLVED {}{} service {} run {} node {} (open since {}): {}", a.kind().text(), silenced, service, run, a.node(),
                    n.since(), a.message());
            return;
        }
        String repeats = n.repeats() > 1 ? " (" + n.repeats() + " occurrences since " + n.since() + ")" : "";
        log.warn("ALERT {} {}{} service {} run {} node {}{}: {}", a.kind().text(), a.severity().text(), silenced, service, run, a.node(),
                repeats, a.message());
    }
}
