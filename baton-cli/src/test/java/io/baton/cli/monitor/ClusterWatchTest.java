package io.baton.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.server.alert.AlertEngine;
import io.baton.server.alert.Notice;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The monitor's decisions, poll by poll, with a monotonic time in seconds that the test advances. */
class ClusterWatchTest {

    private static final long SECOND = 1_000_000_000L;

    private final AlertEngine engine = AlertEngine.logOnly();
    private final ClusterWatch watch = new ClusterWatch(engine, "monitor-1", Duration.ofSeconds(20), Clock.systemUTC());

    private static NodeHealth active(String id, int port) {
        return new NodeHealth(URI.create("http://127.0.0.1:" + port), NodeHealth.State.ACTIVE, id, "active");
    }

    private static NodeHealth passive(String id, int port) {
        return new NodeHealth(URI.create("http://127.0.0.1:" + port), NodeHealth.State.NOT_ACTIVE, id, "passive");
    }

    private static NodeHealth down(int port) {
        return new NodeHealth(URI.create("http://127.0.0.1:" + port), NodeHealth.State.DOWN, null, "unreachable: connection refused");
    }

    private List<String> notices() {
        return engine.recentNotices().reversed().stream().map(n -> n.status().text() + " " + n.alert().kind().text()).toList();
    }

    @Test
    void oneActiveNodeIsHealthy() {
        assertThat(watch.observe(List.of(active("node-a", 1), passive("node-b", 2)), 0)).isEqualTo(ClusterWatch.Verdict.HEALTHY);
        assertThat(watch.observe(List.of(active("node-a", 1), down(2)), 5 * SECOND)).as("a passive node down")
                .isEqualTo(ClusterWatch.Verdict.HEALTHY);

        assertThat(engine.recentNotices()).isEmpty();
    }

    @Test
    void noActiveNodeAlertsAfterGrace() {
        watch.observe(List.of(active("node-a", 1), passive("node-b", 2)), 0);

        assertThat(watch.observe(List.of(down(1), passive("node-b", 2)), 1 * SECOND)).isEqualTo(ClusterWatch.Verdict.NO_ACTIVE_IN_GRACE);
        assertThat(watch.observe(List.of(down(1), passive("node-b", 2)), 20 * SECOND)).as("verdict 19 s later")
                .isEqualTo(ClusterWatch.Verdict.NO_ACTIVE_IN_GRACE);
        assertThat(engine.recentNotices()).as("notices within the grace").isEmpty();
        assertThat(watch.observe(List.of(down(1), passive("node-b", 2)), 21 * SECOND)).isEqualTo(ClusterWatch.Verdict.ALERT);

        assertThat(notices()).containsExactly("firing no-active-node");
        String message = engine.recentNotices().getFirst().alert().message();
        assertThat(message).contains("no node has been active for 20 s (grace 20 s)").contains("http://127.0.0.1:1 (unreachable: connection refused)")
                .contains("node node-b at http://127.0.0.1:2 (passive)");
        assertThat(engine.recentNotices().getFirst().alert().node()).isEqualTo("monitor-1");
    }

    @Test
    void takeoverResolvesNoActiveNode() {
        watch.observe(List.of(down(1), passive("node-b", 2)), 0);
        watch.observe(List.of(down(1), passive("node-b", 2)), 30 * SECOND);

        assertThat(watch.observe(List.of(down(1), active("node-b", 2)), 31 * SECOND)).isEqualTo(ClusterWatch.Verdict.HEALTHY);

        assertThat(notices()).containsExactly("firing no-active-node", "resolved no-active-node");
        assertThat(engine.recentNotices().getFirst().alert().message()).contains("node node-b at http://127.0.0.1:2 (active) is active after 31 s");
        assertThat(engine.openAlerts()).isEmpty();
    }

    @Test
    void shortFailoverRaisesNothing() {
        watch.observe(List.of(down(1), passive("node-b", 2)), 0);
        watch.observe(List.of(down(1), active("node-b", 2)), 10 * SECOND);
        watch.observe(List.of(down(1), passive("node-b", 2)), 11 * SECOND);

        // The grace counts from the latest poll without an active node, not from the first one ever.
        assertThat(watch.observe(List.of(down(1), passive("node-b", 2)), 25 * SECOND)).isEqualTo(ClusterWatch.Verdict.NO_ACTIVE_IN_GRACE);
        assertThat(engine.recentNotices()).isEmpty();
    }

    @Test
    void twoActiveNodesAlertAtOnce() {
        watch.observe(List.of(active("node-a", 1), passive("node-b", 2)), 0);

        assertThat(watch.observe(List.of(active("node-a", 1), active("node-x", 3)), SECOND)).isEqualTo(ClusterWatch.Verdict.ALERT);
        assertThat(notices()).containsExactly("firing two-active-nodes");
        assertThat(engine.recentNotices().getFirst().alert().message()).contains("2 nodes claim to be active at once")
                .contains("node node-a at http://127.0.0.1:1").contains("node node-x at http://127.0.0.1:3");

        watch.observe(List.of(active("node-a", 1), passive("node-x", 3)), 2 * SECOND);
        assertThat(notices()).containsExactly("firing two-active-nodes", "resolved two-active-nodes");
        assertThat(engine.recentNotices().getFirst().alert().message()).contains("only node node-a at http://127.0.0.1:1 (active) is active");
        assertThat(engine.recentNotices().getFirst().status()).isEqualTo(Notice.Status.RESOLVED);
    }

    @Test
    void oneNodeUnderTwoAddressesCountsOnce() {
        assertThat(watch.observe(List.of(active("node-a", 1), active("node-a", 4)), 0)).isEqualTo(ClusterWatch.Verdict.HEALTHY);

        assertThat(engine.recentNotices()).isEmpty();
    }
}
