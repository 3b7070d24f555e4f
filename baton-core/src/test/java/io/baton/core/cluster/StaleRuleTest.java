package io.baton.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StaleRuleTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:30Z");
    private final StaleRule rule = new StaleRule(Duration.ofSeconds(15), "this-host");

    private static NodeRegistration entry(String host, long pid, String startedAt, String heartbeatAt) {
        return new NodeRegistration("node-a", host, pid, "/opt/baton", "0.1.0", "http://127.0.0.1:8491", "ACTIVE", 1, startedAt, heartbeatAt);
    }

    @Test
    void recentHeartbeatIsFresh() {
        NodeRegistration e = entry("other-host", 4242, "2026-03-01T10:00:00Z", "2026-03-01T10:00:20Z");

        assertThat(rule.staleReason(e, NOW)).isNull();
        assertThat(StaleRule.ageMillis(e, NOW)).isEqualTo(10_000);
    }

    @Test
    void heartbeatJustAfterTheReadersClockIsFresh() {
        // The writer's next heartbeat can land between the reader taking its time and reading the file.
        NodeRegistration e = entry("other-host", 4242, "2026-03-01T10:00:00Z", "2026-03-01T10:00:30.002Z");

        assertThat(rule.staleReason(e, NOW)).isNull();
        assertThat(StaleRule.ageMillis(e, NOW)).isZero();
    }

    @Test
    void oldHeartbeatIsStale() {
        NodeRegistration e = entry("other-host", 4242, "2026-03-01T10:00:00Z", "2026-03-01T10:00:14Z");

        assertThat(rule.staleReason(e, NOW)).isEqualTo("no heartbeat for 16000 ms (stale after 15000 ms)");
    }

    @Test
    void deadLocalProcessIsStale() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        NodeRegistration e = entry("this-host", p.pid(), "2026-03-01T10:00:00Z", "2026-03-01T10:00:29Z");

        assertThat(rule.staleReason(e, NOW)).isEqualTo("its process (pid " + p.pid() + " on this host) is not running");
    }

    @Test
    void liveProcessOnThisHostIsFresh() {
        long self = ProcessHandle.current().pid();
        String started = ProcessHandle.current().info().startInstant().orElseThrow().plusSeconds(1).toString();

        assertThat(rule.staleReason(entry("this-host", self, started, "2026-03-01T10:00:29Z"), NOW)).isNull();
    }

    @Test
    void reusedPidIsStale() {
        long self = ProcessHandle.current().pid();
        // The node started before this process: the pid now belongs to another program.
        String started = ProcessHandle.current().info().startInstant().orElseThrow().minusSeconds(60).toString();

        assertThat(rule.staleReason(entry("this-host", self, started, "2026-03-01T10:00:29Z"), NOW)).contains("is not running");
    }

    @Test
    void unreadableHeartbeatIsStale() {
        NodeRegistration e = entry("other-host", 4242, "2026-03-01T10:00:00Z", "yesterday");

        assertThat(rule.staleReason(e, NOW)).isEqualTo("its heartbeat time 'yesterday' cannot be read");
        assertThat(StaleRule.ageMillis(e, NOW)).isEqualTo(-1);
    }
}
