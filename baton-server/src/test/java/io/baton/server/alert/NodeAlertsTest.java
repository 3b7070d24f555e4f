package io.baton.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.config.AlertsConfig;
import io.baton.core.journal.RoleChangeCause;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAlertsTest {

    @TempDir
    Path dir;

    private final AlertEngineTest.ManualClock clock = new AlertEngineTest.ManualClock();
    private final AlertEngine engine = new AlertEngine(AlertsConfig.DEFAULTS, SilenceStore.none(), clock, List.of());
    private final NodeAlerts alerts = new NodeAlerts(engine, "n1", Duration.ofMillis(500), clock);

    private List<String> openKinds() {
        return engine.openAlerts().stream().map(AlertEngine.OpenAlert::kind).toList();
    }

    @Test
    void slowRenewalResolvedAfterCalmMinute() {
        alerts.renewed(Duration.ofMillis(800).toNanos());
        clock.advance(Duration.ofSeconds(30));
        alerts.renewed(Duration.ofMillis(100).toNanos());

        assertThat(openKinds()).as("after 30 s of fast renewals").containsExactly("lease-renewal-slow");

        clock.advance(Duration.ofSeconds(31));
        alerts.renewed(Duration.ofMillis(100).toNanos());

        assertThat(openKinds()).as("after a minute of fast renewals").isEmpty();
        assertThat(engine.recentNotices().getFirst().status()).isEqualTo(Notice.Status.RESOLVED);
    }

    @Test
    void firstStartIsNoFailover() {
        alerts.becameActive(RoleChangeCause.FIRST_START, 1, "no earlier epoch", null);

        assertThat(openKinds()).isEmpty();

        alerts.becameActive(RoleChangeCause.EXPIRY, 2, "lease of node n2 expired", "n2");
        alerts.becameActive(RoleChangeCause.SWITCHOVER, 3, "handed over by node n2", "n2");

        assertThat(openKinds()).containsExactlyInAnyOrder("failover", "switch-over");
    }

    @Test
    void everyFailoverNotifiesWithinRepeatInterval() {
        alerts.becameActive(RoleChangeCause.EXPIRY, 2, "lease of node n2 expired", "n2");
        clock.advance(Duration.ofMinutes(8));
        alerts.becameActive(RoleChangeCause.EXPIRY, 4, "lease of node n2 expired", "n2");

        List<Notice> firing = engine.recentNotices().stream().filter(n -> n.status() == Notice.Status.FIRING).toList();
        assertThat(firing).as("one firing notice per failover, 8 minutes apart").hasSize(2);
        assertThat(firing).extracting(n -> n.alert().message()).anySatisfy(m -> assertThat(m).contains("epoch 4"));
    }

    @Test
    void ownOrderlyRestartRaisesNothing() {
        alerts.becameActive(RoleChangeCause.RELEASE, 2, "node n1 released epoch 1", "n1");

        assertThat(openKinds()).isEmpty();

        alerts.becameActive(RoleChangeCause.RELEASE, 3, "node n2 released epoch 2", "n2");

        assertThat(openKinds()).as("another node stopped in order: a planned change").containsExactly("switch-over");
    }

    @Test
    void diskBelowThresholdRaisedThenResolved() {
        // Usable space is below 100% of the total on any file system that contains a file, and never below 0%.
        new DiskSpaceMonitor(engine, "n1", dir, 100, () -> true, clock).check();

        assertThat(openKinds()).containsExactly("disk-space-low");
        assertThat(engine.openAlerts().getFirst().message()).contains(dir.toString()).contains("minFreePercent");

        new DiskSpaceMonitor(engine, "n1", dir, 0, () -> true, clock).check();

        assertThat(openKinds()).isEmpty();
    }
}
