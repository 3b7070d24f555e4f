package io.baton.core.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease between an active node's {@link LeaseKeeper} and a passive node's {@link LeaseWatcher}, with short timings. */
class LeaseKeeperTest {

    private static final Duration LEASE = Duration.ofMillis(600);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration RENEW = Duration.ofMillis(100);
    private static final Duration DEADLINE = Duration.ofMillis(300);
    private static final String HOST = "test-host";

    @TempDir
    Path temp;

    private Path state;
    private LeaseFile leaseFile;
    private final AtomicInteger fences = new AtomicInteger();
    private final List<LeaseKeeper> keepers = new ArrayList<>();

    @BeforeEach
    void createStateFolder() throws IOException {
        state = Files.createDirectories(temp.resolve("state"));
        leaseFile = new LeaseFile(state.resolve("lease"));
    }

    @AfterEach
    void stopKeepers() {
        for (LeaseKeeper keeper : keepers) {
            keeper.close();
        }
    }

    private LeaseKeeper startKeeper(String nodeId, long epoch) throws IOException {
        LeaseKeeper keeper = new LeaseKeeper(leaseFile, nodeId, epoch, HOST, RENEW, DEADLINE, fences::incrementAndGet, Clock.systemUTC());
        keepers.add(keeper);
        keeper.start();
        return keeper;
    }

    private LeaseWatcher watcher(String nodeId) {
        return new LeaseWatcher(leaseFile, nodeId, HOST, LEASE, POLL);
    }

    private static BooleanSupplier forAtMost(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        return () -> System.nanoTime() < end;
    }

    private static String reasonOf(Vacancy vacancy) {
        return vacancy == null ? null : vacancy.reason();
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void awaitCount(AtomicInteger count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (count.get() == 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }

    @Test
    void keeperWritesHeartbeat() throws IOException {
        startKeeper("node-a", 4);

        Lease lease = leaseFile.read();

        assertThat(lease).isNotNull();
        assertThat(lease.counter()).isPositive();
        assertThat(lease.nodeId()).isEqualTo("node-a");
        assertThat(lease.epoch()).isEqualTo(4);
        assertThat(lease.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(lease.host()).isEqualTo(HOST);
        assertThat(lease.released()).isFalse();
    }

    @Test
    void heartbeatsAdvanceCounter() throws Exception {
        startKeeper("node-a", 1);
        long first = leaseFile.read().counter();

        Thread.sleep(RENEW.toMillis() * 4);

        assertThat(leaseFile.read().counter()).isGreaterThan(first);
    }

    @Test
    void heartbeatsKeepWatcherWaiting() throws Exception {
        LeaseKeeper keeper = startKeeper("node-a", 1);

        String reason = reasonOf(watcher("node-b").awaitFree(true, forAtMost(LEASE.multipliedBy(3))));

        assertThat(reason).as("reason the watcher found the lease free").isNull();
        assertThat(keeper.isValid()).isTrue();
        assertThat(fences).hasValue(0);
    }

    @Test
    void stoppedKeeperFreesLeaseAfterDuration() throws Exception {
        LeaseKeeper keeper = startKeeper("node-a", 1);
        Thread.sleep(RENEW.toMillis() * 2);
        keeper.stop(false);
        long start = System.nanoTime();

        String reason = reasonOf(watcher("node-b").awaitFree(true, forAtMost(Duration.ofSeconds(5))));

        long waited = millisSince(start);
        assertThat(reason).startsWith("the lease of node node-a (epoch 1) expired after ");
        assertThat(waited).isGreaterThanOrEqualTo(LEASE.toMillis());
        assertThat(waited).isLessThan(LEASE.toMillis() + 1000);
        assertThat(keeper.isValid()).isFalse();
    }

    @Test
    void releasedLeaseFreeAtOnce() throws Exception {
        LeaseKeeper keeper = startKeeper("node-a", 3);
        keeper.stop(true);
        long start = System.nanoTime();

        String reason = reasonOf(watcher("node-b").awaitFree(true, forAtMost(Duration.ofSeconds(5))));

        assertThat(reason).isEqualTo("node node-a released epoch 3");
        assertThat(millisSince(start)).isLessThan(LEASE.toMillis() / 2);
        assertThat(leaseFile.read().released()).isTrue();
    }

    @Test
    void noLeaseNeverClaimedFreeAtOnce() throws Exception {
        long start = System.nanoTime();

        String reason = reasonOf(watcher("node-b").awaitFree(false, forAtMost(Duration.ofSeconds(5))));

        assertThat(reason).isEqualTo("no node was ever active on this data directory");
        assertThat(millisSince(start)).isLessThan(LEASE.toMillis() / 2);
    }

    @Test
    void noLeaseAfterClaimWaitsDuration() throws Exception {
        long start = System.nanoTime();

        String reason = reasonOf(watcher("node-b").awaitFree(true, forAtMost(Duration.ofSeconds(5))));

        assertThat(reason).isEqualTo("no lease heartbeat for " + LEASE.toMillis() + " ms");
        assertThat(millisSince(start)).isGreaterThanOrEqualTo(LEASE.toMillis());
    }

    @Test
    void unparsableLeaseCountsAsSilence() throws Exception {
        Files.writeString(leaseFile.path(), "{\"counter\": 1, \"nodeId\"");

        String reason = reasonOf(watcher("node-b").awaitFree(true, forAtMost(Duration.ofSeconds(5))));

        assertThat(leaseFile.read()).isNull();
        assertThat(reason).isEqualTo("no lease heartbeat for " + LEASE.toMillis() + " ms");
    }

    @Test
    void ownDeadPredecessorFreeAtOnce() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        assertThat(exited.waitFor(10, TimeUnit.SECONDS)).as("helper process exited").isTrue();
        leaseFile.write(new Lease(42, "node-b", 2, exited.pid(), HOST, "2025-03-01T10:00:00Z", false, null));
        long start = System.nanoTime();

        String reason = reasonOf(watcher("node-b").awaitFree(true, forAtMost(Duration.ofSeconds(5))));

        assertThat(reason).contains("earlier process of this node (pid " + exited.pid() + ")");
        assertThat(millisSince(start)).isLessThan(LEASE.toMillis() / 2);
    }

    @Test
    void sameNodeOtherHostNotPredecessor() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        assertThat(exited.waitFor(10, TimeUnit.SECONDS)).as("helper process exited").isTrue();
        leaseFile.write(new Lease(42, "node-b", 2, exited.pid(), "other-host", "2025-03-01T10:00:00Z", false, null));

        String reason = reasonOf(watcher("node-b").awaitFree(true, forAtMost(Duration.ofSeconds(5))));

        assertThat(reason).startsWith("the lease of node node-b (epoch 2) expired after ");
    }

    @Test
    void handoverFreesLeaseForTarget() throws Exception {
        LeaseKeeper keeper = startKeeper("node-a", 4);
        keeper.offerHandover("node-b");
        long start = System.nanoTime();

        Vacancy vacancy = watcher("node-b").awaitFree(true, forAtMost(Duration.ofSeconds(5)));

        assertThat(vacancy).as("vacancy seen by the target").isNotNull();
        assertThat(vacancy.cause()).isEqualTo(io.baton.core.journal.RoleChangeCause.SWITCHOVER);
        assertThat(vacancy.handoverEpoch()).isEqualTo(4);
        assertThat(vacancy.reason()).as("recorded cause").isEqualTo("node node-a hands epoch 4 over to node node-b");
        assertThat(millisSince(start)).as("time to see the hand-over").isLessThan(LEASE.toMillis());
    }

    @Test
    void handoverToAnyNodeFreesLease() throws Exception {
        LeaseKeeper keeper = startKeeper("node-a", 4);
        keeper.offerHandover(Lease.ANY_NODE);

        Vacancy vacancy = watcher("node-b").awaitFree(true, forAtMost(Duration.ofSeconds(5)));

        assertThat(vacancy.cause()).isEqualTo(io.baton.core.journal.RoleChangeCause.SWITCHOVER);
    }

    @Test
    void handoverToOtherNodeKeepsLeaseHeld() throws Exception {
        LeaseKeeper keeper = startKeeper("node-a", 4);
        keeper.offerHandover("node-c");

        Vacancy vacancy = watcher("node-b").awaitFree(true, forAtMost(LEASE.multipliedBy(3)));

        assertThat(vacancy).as("vacancy seen by a node the hand-over is not for").isNull();
    }

    @Test
    void holderIgnoresItsOwnHandover() throws Exception {
        LeaseKeeper keeper = startKeeper("node-a", 4);
        keeper.offerHandover(Lease.ANY_NODE);

        Vacancy vacancy = watcher("node-a").awaitFree(true, forAtMost(LEASE.multipliedBy(2)));

        assertThat(vacancy).as("vacancy seen by the node that offers the hand-over").isNull();
    }

    @Test
    void withdrawnHandoverKeepsLeaseHeld() throws Exception {
        LeaseKeeper keeper = startKeeper("node-a", 4);
        keeper.offerHandover("node-b");
        keeper.withdrawHandover();

        Vacancy vacancy = watcher("node-b").awaitFree(true, forAtMost(LEASE.multipliedBy(2)));

        assertThat(vacancy).as("vacancy after the hand-over was withdrawn").isNull();
    }

    @Test
    void watcherStopsWhenAskedTo() throws Exception {
        startKeeper("node-a", 1);

        String reason = reasonOf(watcher("node-b").awaitFree(true, () -> false));

        assertThat(reason).isNull();
    }

    @Test
    void failedRenewalsFenceOnce() throws Exception {
        LeaseKeeper keeper = startKeeper("node-a", 1);
        assertThat(keeper.isValid()).isTrue();

        // Root ignores folder permissions, so the lease's folder is replaced by a regular file instead.
        Files.move(state, temp.resolve("state-moved"));
        Files.writeString(state, "not a folder\n");
        awaitCount(fences, Duration.ofSeconds(3));
        Thread.sleep(DEADLINE.toMillis() * 2);

        assertThat(fences).hasValue(1);
        assertThat(keeper.isFenced()).isTrue();
        assertThat(keeper.isValid()).isFalse();
    }

    @Test
    void newerEpochFencesBeforeNextHeartbeat() throws Exception {
        EpochStore epochs = new EpochStore(Files.createDirectories(state.resolve("epochs")));
        epochs.tryClaim(4, "node-a");
        List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
        LeaseKeeper keeper = new LeaseKeeper(leaseFile, "node-a", 4, HOST, RENEW, DEADLINE, epochs, reasons::add, Clock.systemUTC());
        keepers.add(keeper);
        keeper.start();

        epochs.tryClaim(5, "node-b");
        long start = System.nanoTime();
        while (reasons.isEmpty() && millisSince(start) < 3_000) {
            Thread.sleep(10);
        }
        long fenceMillis = millisSince(start);
        long counter = leaseFile.read().counter();
        Thread.sleep(RENEW.toMillis() * 3);

        assertThat(reasons).as("fence reasons").hasSize(1);
        assertThat(reasons.get(0)).contains("epoch 5 was claimed by node node-b");
        // One renew interval of 100 ms at most, with room for a loaded machine.
        assertThat(fenceMillis).as("time to fence after epoch 5 was claimed").isLessThan(DEADLINE.toMillis());
        assertThat(keeper.isValid()).isFalse();
        assertThat(leaseFile.read().counter()).as("heartbeat counter after the fence").isEqualTo(counter);
    }

    @Test
    void fenceFollowsDeadlineNotLease() throws Exception {
        startKeeper("node-a", 1);
        Files.move(state, temp.resolve("state-moved"));
        Files.writeString(state, "not a folder\n");
        long start = System.nanoTime();

        awaitCount(fences, Duration.ofSeconds(3));

        assertThat(fences).hasValue(1);
        assertThat(millisSince(start)).isLessThan(LEASE.toMillis());
    }

    @Test
    void fencedKeeperDoesNotRelease() throws Exception {
        LeaseKeeper keeper = startKeeper("node-a", 1);
        Path moved = temp.resolve("state-moved");
        Files.move(state, moved);
        Files.writeString(state, "not a folder\n");
        awaitCount(fences, Duration.ofSeconds(3));
        Files.delete(state);
        Files.move(moved, state);

        keeper.stop(true);

        assertThat(leaseFile.read().released()).isFalse();
    }

    @Test
    void keeperWithoutFolderFailsToStart() throws IOException {
        Files.delete(state);
        LeaseKeeper keeper = new LeaseKeeper(leaseFile, "node-a", 1, HOST, RENEW, DEADLINE, fences::incrementAndGet, Clock.systemUTC());

        assertThrows(IOException.class, keeper::start);

        assertThat(keeper.isValid()).isFalse();
    }
}
