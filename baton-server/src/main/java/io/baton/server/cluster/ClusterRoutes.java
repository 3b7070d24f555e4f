package io.baton.server.cluster;

import io.baton.core.cluster.ClusterView;
import io.baton.core.cluster.ClusterViewReader;
import io.baton.core.cluster.LocalObservation;
import io.baton.core.cluster.NodeRegistry;
import io.baton.core.cluster.StaleRule;
import io.baton.core.journal.Journal;
import io.baton.core.journal.JournalException;
import io.baton.server.node.NodeDaemon;
import io.baton.server.node.NodeRole;
import io.javalin.Javalin;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/cluster}: the cluster view, served by any node. A passive node reads the data
 * directory itself; the active node adds the epoch guard from its journal.
 */
public final class ClusterRoutes {

    private static final Logger log = LoggerFactory.getLogger(ClusterRoutes.class);

    private final NodeDaemon node;

    public ClusterRoutes(NodeDaemon node) {
        this.node = node;
    }

    public void register(Javalin app) {
        app.get("/api/cluster", ctx -> ctx.json(view()));
    }

    public ClusterView view() throws IOException {
        StaleRule staleRule = new StaleRule(NodeRegistry.staleAfter(node.cluster().renewInterval(), node.cluster().leaseDuration()),
                node.host());
        Guard guard = readGuard();
        HolderMonitor monitor = node.holderMonitor();
        LocalObservation local = new LocalObservation(node.nodeId(), node.role().name(), guard == null ? null : guard.epoch(),
                guard == null ? null : guard.nodeId(), monitor.leaseSilenceMillis(), monitor.alerts());
        return new ClusterViewReader(node.data(), staleRule).read(Instant.now(), local);
    }

    private record Guard(long epoch, String nodeId) {
    }

    /** Reads the guard in a guard-checked transaction, so it is shown only while this node still holds it. */
    private Guard readGuard() {
        Journal journal = node.journal();
        if (journal == null || node.role() != NodeRole.ACTIVE) {
            return null;
        }
        try {
            return journal.call(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT epoch, node_id FROM guard WHERE id = 1")) {
                    return rs.next() ? new Guard(rs.getLong(1), rs.getString(2)) : null;
                }
            });
        } catch (JournalException e) {
            log.warn("Node {} cannot read the epoch guard for the cluster view: {}", node.nodeId(), e.getMessage());
            return null;
        }
    }
}
