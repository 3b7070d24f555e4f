package io.baton.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.DataDirectory;
import io.baton.core.lease.Lease;
import io.baton.core.lease.LeaseFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterViewReaderTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:30Z");

    @TempDir
    Path tmp;

    private DataDirectory data;
    private ClusterViewReader reader;

    @BeforeEach
    void setUp() throws Exception {
        data = DataDirectory.init(tmp);
        reader = new ClusterViewReader(data, new StaleRule(Duration.ofSeconds(15), "this-host"));
    }

    private void writeLease(String wallTime) throws Exception {
        new LeaseFile(data.leaseFile()).write(new Lease(7, "node-a", 1, 4242, "other-host", wallTime, false, null));
    }

    @Test
    void leaseAgeIsReaderTimeMinusHeartbeat() throws Exception {
        writeLease("2026-03-01T10:00:28.500Z");

        ClusterView view = reader.read(NOW, LocalObservation.none());

        assertThat(view.lease().holder()).isEqualTo("node-a");
        assertThat(view.lease().wallAgeMillis()).isEqualTo(1_500);
    }

    @Test
    void heartbeatAfterReaderTimeHasAgeZero() throws Exception {
        // The holder renews the lease between the caller taking its time and the reader opening the file.
        writeLease("2026-03-01T10:00:30.002Z");

        ClusterView view = reader.read(NOW, LocalObservation.none());

        assertThat(view.lease().wallAgeMillis()).isZero();
    }

    @Test
    void unreadableHeartbeatHasAgeMinusOne() throws Exception {
        writeLease("yesterday");

        ClusterView view = reader.read(NOW, LocalObservation.none());

        assertThat(view.lease().wallAgeMillis()).isEqualTo(-1);
    }

    @Test
    void noLeaseFileGivesNoLeaseView() throws Exception {
        ClusterView view = reader.read(NOW, LocalObservation.none());

        assertThat(view.lease()).isNull();
    }
}
