package io.baton.core.cluster;

import io.baton.core.DataDirectory;
import io.baton.core.lease.EpochRecord;
import io.baton.core.lease.EpochStore;
import io.baton.core.lease.Lease;
import io.baton.core.lease.LeaseFile;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link ClusterView} from the data directory. It only reads, so a passive node, or the CLI
 * with no node running, can build the same view as the active node.
 */
public final class ClusterViewReader {

    private final DataDirectory data;
    private final StaleRule staleRule;

    public ClusterViewReader(DataDirectory data, StaleRule staleRule) {
        this.data = data;
        this.staleRule = staleRule;
    }

    public ClusterView read(Instant now, LocalObservation local) throws IOException {
        ClusterView.LeaseView lease = leaseView(now, local.leaseSilenceMillis());

        EpochStore epochs = new EpochStore(data.epochs());
        long highest = epochs.highest();
        // TODO: read switch-overs and forced takeovers from the journal's role_changes table once it exists;
        // until then the last change and its cause come from the epoch files alone.
        EpochRecord last = highest == 0 ? null : epochs.read(highest);
        String previousHolder = highest <= 1 ? null : epochs.holder(highest - 1);
        ClusterView.EpochView epoch = new ClusterView.EpochView(highest, last == null ? null : last.nodeId(),
                local.guardEpoch(), local.guardNode());

        List<ClusterView.NodeView> nodes = new ArrayList<>();
        for (NodeRegistration entry : new NodeRegistry(data.nodes()).readAll()) {
            nodes.add(ClusterView.NodeView.of(entry, StaleRule.ageMillis(entry, now), staleRule.staleReason(entry, now)));
        }
        return new ClusterView(now.toString(), local.nodeId(), local.role(), lease, epoch, nodes, last, previousHolder,
                List.copyOf(local.alerts()));
    }

    private ClusterView.LeaseView leaseView(Instant now, Long silenceMillis) throws IOException {
        Lease lease = new LeaseFile(data.leaseFile()).read();
        if (lease == null) {
            return null;
        }
        long wallAge;
        try {
            // The caller takes now before the lease file is read, and the holder renews the lease every renew
            // interval. A heartbeat written in between, or by a holder whose clock runs ahead, counts as age 0.
            wallAge = Math.max(0, Duration.between(Instant.parse(lease.wallTime()), now).toMillis());
        } catch (DateTimeParseException | NullPointerException e) {
            wallAge = -1;
        }
        return new ClusterView.LeaseView(lease.nodeId(), lease.epoch(), lease.counter(), lease.host(), lease.pid(), lease.wallTime(),
                lease.released(), wallAge, silenceMillis);
    }
}
