package io.baton.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.baton.core.DataDirectory;
import io.baton.core.cluster.ClusterAlert;
import io.baton.core.cluster.LockTable;
import io.baton.core.cluster.NodeRegistration;
import io.baton.core.cluster.NodeRegistry;
import io.baton.core.doctor.Doctor;
import io.baton.core.lease.Lease;
import io.baton.core.lease.LeaseFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The passive node's watch on a hung holder, driven check by check with a monotonic time in seconds
 * that the test advances. The holder's "API" is a loopback socket that accepts connections and never
 * responds, as a hung JVM's would.
 */
class HolderMonitorTest {

    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path tmp;

    private DataDirectory data;
    private LeaseFile lease;
    private ServerSocket silentApi;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger monitorLog = (Logger) LoggerFactory.getLogger(HolderMonitor.class);
    private long counter;

    @BeforeEach
    void setUp() throws Exception {
        data = DataDirectory.init(tmp.resolve("data"));
        lease = new LeaseFile(data.leaseFile());
        silentApi = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        logged.start();
        monitorLog.addAppender(logged);
    }

    @AfterEach
    void tearDown() throws Exception {
        monitorLog.detachAppender(logged);
        silentApi.close();
    }

    private HolderMonitor monitor() {
        return new HolderMonitor("node-b", "host-b", data, Duration.ofSeconds(4), new LockTable(), new ApiProbe(Duration.ofMillis(200)),
                () -> false, Clock.systemUTC());
    }

    private void renew() throws Exception {
        lease.write(new Lease(++counter, "node-a", 1, 4242, "host-a", "2026-03-01T10:00:00Z", false, null));
    }

    private void register(String apiUrl) throws Exception {
        new NodeRegistry(data.nodes()).write(new NodeRegistration("node-a", "host-a", 4242, "/opt/baton", "0.1.0", apiUrl, "ACTIVE", 1,
                "2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z"));
    }

    private long warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
    }

    /** Runs {@link HolderMonitor#CONFIRMING_CHECKS} checks half a second apart from {@code t}, renewing before each if asked; returns the next time. */
    private long confirmingChecks(HolderMonitor monitor, long t, boolean renewing) throws Exception {
        for (int i = 0; i < HolderMonitor.CONFIRMING_CHECKS; i++, t += SECOND / 2) {
            if (renewing) {
                renew();
            }
            monitor.check(t);
        }
        return t;
    }

    @Test
    void pausedHolderRaisesAlertWhileLeaseValid() throws Exception {
        // A daemon paused with SIGSTOP: its lease stays as last written, and its API accepts connections
        // (the kernel does) but never responds.
        register("http://127.0.0.1:" + silentApi.getLocalPort());
        HolderMonitor monitor = monitor();
        renew();

        for (int i = 0; i < HolderMonitor.CONFIRMING_CHECKS - 1; i++) {
            monitor.check(i * SECOND / 2);
        }
        assertThat(monitor.alerts()).as("alerts after %d failed probes", HolderMonitor.CONFIRMING_CHECKS - 1).isEmpty();
        monitor.check(SECOND + SECOND / 2);

        assertThat(monitor.leaseSilenceMillis()).as("lease silence, well inside the 4 s lease").isEqualTo(1500);
        assertThat(monitor.alerts()).hasSize(1);
        ClusterAlert alert = monitor.alerts().get(0);
        assertThat(alert.kind()).isEqualTo("holder-api-silent");
        assertThat(alert.nodeId()).isEqualTo("node-a");
        assertThat(alert.host()).isEqualTo("host-a");
        assertThat(alert.pid()).isEqualTo(4242);
        assertThat(alert.message()).contains("holds the lease of epoch 1").contains("has failed 3 probes in a row")
                .contains("no response within 200 ms").contains("last saw the lease renewed 1500 ms ago")
                .contains("fence it").contains("baton takeover --confirm-fenced node-a");
        assertThat(warnings()).as("WARN lines").isEqualTo(1);
    }

    @Test
    void renewingHolderWithSilentApiRaisesAlert() throws Exception {
        register("http://127.0.0.1:" + silentApi.getLocalPort());
        HolderMonitor monitor = monitor();

        confirmingChecks(monitor, 0, true);

        assertThat(monitor.alerts()).extracting(ClusterAlert::kind).containsExactly("holder-api-silent");
        assertThat(monitor.leaseSilenceMillis()).as("lease silence of a renewing holder").isZero();
    }

    /** Builds a monitor as the node daemon does: its probes may take up to two seconds while the lease is renewed. */
    private HolderMonitor daemonMonitor() {
        Duration leaseDuration = Duration.ofSeconds(4);
        return new HolderMonitor("node-b", "host-b", data, leaseDuration, new LockTable(),
                new ApiProbe(HolderMonitor.renewedProbeTimeout(leaseDuration)), () -> false, Clock.systemUTC());
    }

    @Test
    void slowApiOfRenewingHolderRaisesNothing() throws Exception {
        // A live holder on a loaded machine: it renews its lease, but each response takes longer than the 333 ms
        // that a check waits while the lease is silent.
        com.sun.net.httpserver.HttpServer slowApi = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slowApi.createContext("/health/live", exchange -> {
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        slowApi.start();
        try {
            register("http://127.0.0.1:" + slowApi.getAddress().getPort());
            HolderMonitor monitor = daemonMonitor();

            confirmingChecks(monitor, 0, true);
            confirmingChecks(monitor, 3 * SECOND / 2, true);

            assertThat(monitor.alerts()).as("alerts about a renewing holder whose API responds in 700 ms").isEmpty();
            assertThat(warnings()).as("WARN lines").isZero();
        } finally {
            slowApi.stop(0);
        }
    }

    @Test
    void pausedHolderFailsPendingProbe() throws Exception {
        register("http://127.0.0.1:" + silentApi.getLocalPort());
        HolderMonitor monitor = daemonMonitor();
        renew();

        // The lease counts as silent from 1 s, a quarter of the lease: until then the probe sent first stays pending.
        monitor.check(0);
        monitor.check(SECOND / 2);
        monitor.check(SECOND);
        assertThat(monitor.alerts()).as("alerts after one failed probe, 1000 ms without a response").isEmpty();
        monitor.check(SECOND + SECOND / 2);

        // Two failures, but no response for 1500 ms, past a third of the lease while the lease is silent.
        assertThat(monitor.alerts()).extracting(ClusterAlert::kind).containsExactly("holder-api-silent");
        assertThat(monitor.alerts().get(0).message()).contains("has failed 2 probes in a row").contains("not responded for 1500 ms")
                .contains("no response within").contains("while the lease was silent");
    }

    @Test
    void pendingProbeKeepsAlertOpen() throws Exception {
        register("http://127.0.0.1:" + silentApi.getLocalPort());
        HolderMonitor monitor = daemonMonitor();
        renew();
        for (long t = 0; t <= 3 * SECOND / 2; t += SECOND / 2) {
            monitor.check(t);
        }
        assertThat(monitor.alerts()).as("alerts about the paused holder").hasSize(1);

        // The holder renews again but its API stays silent: the new probe is pending, and the alert stays open.
        renew();
        monitor.check(2 * SECOND);

        assertThat(monitor.alerts()).extracting(ClusterAlert::kind).containsExactly("holder-api-silent");
        assertThat(logged.list).as("log lines").noneMatch(e -> e.getFormattedMessage().contains("resolved"));
    }

    @Test
    void killedHolderOnOtherHostRaisesAlert() throws Exception {
        // A holder on another host killed with SIGKILL: its port refuses connections and its lease runs on
        // until it expires. From here it looks the same as a holder whose API alone died.
        int closedPort = silentApi.getLocalPort();
        silentApi.close();
        register("http://127.0.0.1:" + closedPort);
        HolderMonitor monitor = monitor();
        renew();

        confirmingChecks(monitor, 0, false);

        assertThat(monitor.alerts()).hasSize(1);
        assertThat(monitor.alerts().get(0).message()).contains("connection");
    }

    @Test
    void alertRaisedAndResolvedInEngine() throws Exception {
        register("http://127.0.0.1:" + silentApi.getLocalPort());
        AtomicBoolean active = new AtomicBoolean();
        io.baton.server.alert.AlertEngine engine = io.baton.server.alert.AlertEngine.logOnly();
        HolderMonitor monitor = new HolderMonitor("node-b", "host-b", data, Duration.ofSeconds(4), new LockTable(),
                new ApiProbe(Duration.ofMillis(200)), active::get, Clock.systemUTC()).alertVia(engine);
        renew();
        long t = confirmingChecks(monitor, 0, false);

        assertThat(engine.openAlerts()).extracting(io.baton.server.alert.AlertEngine.OpenAlert::key)
                .containsExactly("holder-api-silent/node-a");

        // A node that became active watches nothing, so every condition it watched clears.
        active.set(true);
        monitor.check(t);

        assertThat(engine.openAlerts()).isEmpty();
        io.baton.server.alert.Notice resolved = engine.recentNotices().getFirst();
        assertThat(resolved.status()).isEqualTo(io.baton.server.alert.Notice.Status.RESOLVED);
        assertThat(resolved.alert().message()).contains("node node-b is active now");
        assertThat(warnings()).as("the monitor's own WARN line is kept").isEqualTo(1);
    }

    /** Raises the alert about a paused node-a; returns the time of the next check. */
    private long alertAboutPausedHolder(HolderMonitor monitor) throws Exception {
        register("http://127.0.0.1:" + silentApi.getLocalPort());
        renew();
        long t = confirmingChecks(monitor, 0, false);
        assertThat(monitor.alerts()).as("alerts while the API of node-a is silent").hasSize(1);
        return t;
    }

    @Test
    void alertResolvesWhenApiRespondsAgain() throws Exception {
        io.baton.server.alert.AlertEngine engine = io.baton.server.alert.AlertEngine.logOnly();
        HolderMonitor monitor = monitor().alertVia(engine);
        long t = alertAboutPausedHolder(monitor);

        // The paused daemon resumes: its API responds again.
        com.sun.net.httpserver.HttpServer liveApi = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        liveApi.createContext("/health/live", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        liveApi.start();
        try {
            register("http://127.0.0.1:" + liveApi.getAddress().getPort());
            renew();
            monitor.check(t);
        } finally {
            liveApi.stop(0);
        }

        assertThat(monitor.alerts()).isEmpty();
        assertThat(engine.recentNotices().getFirst().alert().message()).contains("the API of node node-a").contains("responds again");
    }

    @Test
    void alertResolvesWhenAnotherNodeTakesLease() throws Exception {
        io.baton.server.alert.AlertEngine engine = io.baton.server.alert.AlertEngine.logOnly();
        HolderMonitor monitor = monitor().alertVia(engine);
        long t = alertAboutPausedHolder(monitor);

        // A third node took over after the lease expired; it has no registry entry yet, so nothing is probed.
        lease.write(new Lease(++counter, "node-c", 2, 5151, "host-c", "2026-03-01T10:00:09Z", false, null));
        monitor.check(t + 5 * SECOND);

        assertThat(monitor.alerts()).isEmpty();
        assertThat(engine.recentNotices().getFirst().alert().message()).contains("node node-c holds the lease of epoch 2");
    }

    @Test
    void alertStaysOpenPastLeaseExpiry() throws Exception {
        HolderMonitor monitor = monitor();
        long t = alertAboutPausedHolder(monitor);

        // No renewal for longer than the 4 s lease, but no node took over yet: the holder is still silent.
        monitor.check(t + 5 * SECOND);

        assertThat(monitor.alerts()).extracting(ClusterAlert::kind).containsExactly("holder-api-silent");
        assertThat(monitor.leaseSilenceMillis()).isEqualTo(1500 + 5000);
    }

    @Test
    void openAlertLoggedOncePerMinute() throws Exception {
        register("http://127.0.0.1:" + silentApi.getLocalPort());
        HolderMonitor monitor = monitor();
        long t = confirmingChecks(monitor, 0, true);

        for (int i = 0; i < 10; i++, t += 2 * SECOND) {
            renew();
            monitor.check(t);
        }
        assertThat(warnings()).as("WARN lines within the first minute").isEqualTo(1);
        assertThat(monitor.alerts().get(0).repeats()).isEqualTo(10);

        t += 60 * SECOND;
        renew();
        monitor.check(t);
        assertThat(warnings()).as("WARN lines after a minute").isEqualTo(2);
        assertThat(logged.list.getLast().getFormattedMessage()).contains("11 repeat(s)");
    }

    @Test
    void activeNodeReportsNoSilence() throws Exception {
        AtomicBoolean active = new AtomicBoolean();
        HolderMonitor monitor = new HolderMonitor("node-b", "host-b", data, Duration.ofSeconds(4), new LockTable(),
                new ApiProbe(Duration.ofMillis(200)), active::get, Clock.systemUTC());
        renew();
        monitor.check(0);
        monitor.check(5 * SECOND);
        assertThat(monitor.leaseSilenceMillis()).as("silence while passive").isEqualTo(5000);

        // Became active after the takeover, before the next check.
        active.set(true);

        assertThat(monitor.leaseSilenceMillis()).as("silence on the active node").isNull();
    }

    @Test
    void releasedLeaseRaisesNothing() throws Exception {
        // A holder that stopped in order released its lease; its closed API is no concern.
        register("http://127.0.0.1:" + silentApi.getLocalPort());
        HolderMonitor monitor = monitor();
        lease.write(new Lease(++counter, "node-a", 1, 4242, "host-a", "2026-03-01T10:00:00Z", true, null));

        confirmingChecks(monitor, 0, false);

        assertThat(monitor.alerts()).isEmpty();
    }

    @Test
    void probesFitBeforeTakeover() {
        // The alert must come before a takeover, which comes a whole lease after the last renewal: the lease counts
        // as silent after a share of it, and the confirming checks follow, each of one period and one wait.
        for (Duration lease : List.of(Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(15))) {
            Duration cycle = HolderMonitor.checkPeriod(lease).plus(HolderMonitor.probeTimeout(lease));
            Duration alert = lease.dividedBy(HolderMonitor.SILENT_LEASE_SHARE).plus(cycle.multipliedBy(HolderMonitor.CONFIRMING_CHECKS));
            assertThat(alert).as("latest alert after the last renewal with a %s lease", lease).isLessThanOrEqualTo(lease.multipliedBy(3).dividedBy(4));
        }
    }

    @Test
    void deadPidOnThisHostRaisesNothing() throws Exception {
        Process exited = new ProcessBuilder(Doctor.javaCommandOfThisProcess().getFirst(), "-version").start();
        exited.waitFor();
        register("http://127.0.0.1:" + silentApi.getLocalPort());
        HolderMonitor monitor = monitor();

        // The lease names this host and a pid that has exited, so no probe failure counts.
        for (int i = 0; i <= HolderMonitor.CONFIRMING_CHECKS + 1; i++) {
            lease.write(new Lease(++counter, "node-a", 1, exited.pid(), "host-b", "2026-03-01T10:00:00Z", false, null));
            monitor.check(i * SECOND);
        }

        assertThat(monitor.alerts()).isEmpty();
    }

    @Test
    void unregisteredHolderRaisesNothing() throws Exception {
        // Without a registration the holder's API is unknown, so nothing is probed or raised.
        HolderMonitor monitor = monitor();

        for (int i = 0; i < 5; i++) {
            renew();
            monitor.check(i * 2 * SECOND);
        }

        assertThat(monitor.alerts()).isEmpty();
    }

    @Test
    void journalHeldBySilentProcessRaisesAlert() throws Exception {
        Path probeDir = Files.createDirectories(tmp.resolve("probe"));
        List<String> argv = new ArrayList<>(Doctor.javaCommandOfThisProcess());
        argv.addAll(List.of("io.baton.core.doctor.LockProbe", "hold", probeDir.toString()));
        Process holder = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            String line;
            while ((line = out.readLine()) != null && !line.equals("held")) {
                continue;
            }
            assertThat(line).as("lock holder output").isEqualTo("held");
            // The journal is the file the child holds locked: a hard link gives it the same inode.
            Files.createLink(data.journalFile(), probeDir.resolve("probe.db"));
            renew();
            HolderMonitor monitor = monitor();

            monitor.check(0);
            monitor.check(5 * SECOND);
            assertThat(monitor.alerts()).as("alerts after the first check past the lease").isEmpty();
            monitor.check(7 * SECOND);

            assertThat(monitor.alerts()).hasSize(1);
            ClusterAlert alert = monitor.alerts().get(0);
            assertThat(alert.kind()).isEqualTo("journal-held");
            assertThat(alert.pid()).isEqualTo(holder.pid());
            assertThat(alert.message()).contains("held by pid " + holder.pid()).contains("silent for 7000 ms")
                    .contains("baton takeover --confirm-fenced node-a");
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
    }
}
