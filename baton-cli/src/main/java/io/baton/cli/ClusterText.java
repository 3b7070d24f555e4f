package io.baton.cli;

import io.baton.core.cluster.ClusterAlert;
import io.baton.core.cluster.ClusterView;
import io.baton.core.lease.EpochRecord;
import java.util.Locale;

/** Formats a {@link ClusterView} for humans: a header with the lease and epoch, one line per node, then the alerts. */
final class ClusterText {

    private ClusterText() {
    }

    static String format(ClusterView view) {
        StringBuilder out = new StringBuilder();
        String source = view.servedBy() == null ? "read from the data directory" : "as seen by node " + view.servedBy() + " (" + view.servedByRole() + ")";
        out.append("Cluster at ").append(view.at()).append(", ").append(source).append('\n');

        out.append("lease:        ").append(lease(view.lease())).append('\n');
        out.append("epoch:        ").append(epoch(view.epoch())).append('\n');
        out.append("last change:  ").append(lastChange(view.lastChange(), view.previousHolder())).append('\n');

        out.append('\n');
        out.append(String.format(Locale.ROOT, "%-16s %-8s %-6s %-20s %-8s %-10s %-15s %-28s %s%n",
                "NODE", "ROLE", "EPOCH", "HOST", "PID", "AGE", "VERSION", "API", "STATUS"));
        if (view.nodes().isEmpty()) {
            out.append("(no node is registered)\n");
        }
        for (ClusterView.NodeView n : view.nodes()) {
            out.append(String.format(Locale.ROOT, "%-16s %-8s %-6d %-20s %-8d %-10s %-15s %-28s %s%n", n.nodeId(), n.role(), n.epoch(),
                    n.host(), n.pid(), seconds(n.ageMillis()), n.version(), n.apiUrl(), n.stale() ? "STALE: " + n.staleReason() : "ok"));
        }

        for (ClusterAlert a : view.alerts()) {
            out.append('\n').append("ALERT ").append(a.kind()).append(" since ").append(a.since()).append(": ").append(a.message()).append('\n');
        }
        return out.toString();
    }

    private static String lease(ClusterView.LeaseView lease) {
        if (lease == null) {
            return "none (no node has been active on this data directory)";
        }
        StringBuilder s = new StringBuilder();
        s.append(lease.released() ? "released by " : "held by ").append(lease.holder()).append(" (host ").append(lease.host())
                .append(", pid ").append(lease.pid()).append("), epoch ").append(lease.epoch()).append(", counter ").append(lease.counter())
                .append(", heartbeat written ").append(seconds(lease.wallAgeMillis())).append(" ago");
        if (lease.silenceMillis() != null) {
            s.append(", unchanged for ").append(seconds(lease.silenceMillis())).append(" as measured here");
        }
        return s.toString();
    }

    private static String epoch(ClusterView.EpochView epoch) {
        if (epoch.highest() == 0) {
            return "none claimed yet";
        }
        String s = epoch.highest() + ", claimed by " + epoch.claimedBy();
        if (epoch.guardEpoch() != null) {
            s += "; journal guard: epoch " + epoch.guardEpoch() + " of node " + epoch.guardNode();
        }
        return s;
    }

    private static String lastChange(EpochRecord last, String previousHolder) {
        if (last == null) {
            return "none";
        }
        return "epoch " + last.epoch() + " taken by " + last.nodeId() + (previousHolder == null ? "" : " from " + previousHolder)
                + " at " + last.takenAt() + ": " + (last.cause() == null ? "cause not recorded" : last.cause());
    }

    /** Formats milliseconds as seconds with one decimal, or "?" for an unknown age (-1). */
    private static String seconds(long millis) {
        return millis < 0 ? "?" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
