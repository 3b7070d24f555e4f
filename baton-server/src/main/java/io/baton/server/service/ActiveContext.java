package io.baton.server.service;

import io.baton.core.DataDirectory;
import io.baton.core.journal.Journal;
import io.baton.server.alert.ServiceAlerts;
import io.baton.server.metrics.NodeMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * State that the services of an active node share for one epoch: the journal opened for that epoch and the
 * fencing check. A new epoch gets a new context; nothing of an old one is reused.
 *
 * @param mayPublish false once the lease is in doubt or the node was deposed
 * @param metrics the node's meters, which outlive the epoch
 * @param alerts raises the services' alerts in the node's alert engine, which outlives the epoch
 */
public record ActiveContext(String nodeId, long epoch, DataDirectory data, Path home, Journal journal,
        BooleanSupplier mayPublish, Clock clock, NodeMetrics metrics, ServiceAlerts alerts) {

    /** Creates a context whose meters are not scraped and whose alerts are only logged, for tools and tests without a node. */
    public ActiveContext(String nodeId, long epoch, DataDirectory data, Path home, Journal journal, BooleanSupplier mayPublish, Clock clock) {
        this(nodeId, epoch, data, home, journal, mayPublish, clock, new NodeMetrics(nodeId), ServiceAlerts.logOnly(nodeId));
    }
}
