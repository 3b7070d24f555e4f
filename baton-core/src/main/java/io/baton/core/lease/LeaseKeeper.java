package io.baton.core.lease;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the active node's lease alive and fences the node when it cannot.
 *
 * <p>A renewer thread writes a heartbeat every {@code renewInterval}. A separate watchdog thread,
 * which does no I/O at all, compares the monotonic clock with the start of the last successful
 * renewal; past {@code renewDeadline} it calls the fence action once. The two are apart because a
 * write to a hung network share can block for ever, and the fence must still happen.
 *
 * <p>Before each heartbeat the renewer checks that the node still may renew: a node woken from a
 * pause (SIGSTOP, a frozen VM) longer than the renew deadline writes no heartbeat, and a node that
 * finds a newer epoch claimed in the epochs folder fences itself instead of writing one, because
 * another node has judged its lease expired.
 */
public final class LeaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final LeaseFile file;
    private final String nodeId;
    private final long epoch;
    private final String host;
    private final Duration renewInterval;
    private final Duration renewDeadline;
    private final Consumer<String> fence;
    private final EpochStore epochs;
    private final Clock wallClock;
    private final AtomicBoolean fenced = new AtomicBoolean();
    private volatile long lastRenewStartNanos;
    private volatile boolean stopped;
    private volatile String handoverTo;
    private long counter;
    private Thread renewer;
    private Thread watchdog;

    public LeaseKeeper(LeaseFile file, String nodeId, long epoch, String host, Duration renewInterval, Duration renewDeadline,
            Runnable fence, Clock wallClock) {
        this(file, nodeId, epoch, host, renewInterval, renewDeadline, null, reason -> fence.run(), wallClock);
    }

    /**
     * @param epochs the epochs folder, checked for a newer epoch before each renewal; null to skip the check
     * @param fence called once with the reason when the node must fence itself
     */
    public LeaseKeeper(LeaseFile file, String nodeId, long epoch, String host, Duration renewInterval, Duration renewDeadline,
            EpochStore epochs, Consumer<String> fence, Clock wallClock) {
        this.epochs = epochs;
        this.file = file;
        this.nodeId = nodeId;
        this.epoch = epoch;
        this.host = host;
        this.renewInterval = renewInterval;
        this.renewDeadline = renewDeadline;
        this.fence = fence;
        this.wallClock = wallClock;
    }

    private volatile java.util.function.LongConsumer renewalObserver = nanos -> { };

    /** Sets the observer of each successful renewal's duration, in nanoseconds; called on the renewal thread. */
    public LeaseKeeper observeRenewals(java.util.function.LongConsumer nanos) {
        this.renewalObserver = nanos;
        return this;
    }

    /** Writes the first heartbeat (which must succeed) and starts both threads. */
    public void start() throws IOException {
        long startNanos = System.nanoTime();
        write(false);
        lastRenewStartNanos = startNanos;
        renewer = Thread.ofPlatform().name("lease-renewer").daemon().start(this::renewLoop);
        watchdog = Thread.ofPlatform().name("lease-watchdog").daemon().start(this::watchLoop);
    }

    /**
     * Tells whether this node may still act as the active node: no fence yet and the last successful
     * renewal started within the renew deadline.
     */
    public boolean isValid() {
        return !fenced.get() && !stopped && System.nanoTime() - lastRenewStartNanos < renewDeadline.toNanos();
    }

    public boolean isFenced() {
        return fenced.get();
    }

    /**
     * Marks this and every later heartbeat as handing the epoch over to {@code target} (a node id or
     * {@link Lease#ANY_NODE}), and writes one at once so that passive nodes see it on their next poll.
     * The lease keeps being renewed, so other passive nodes still see a live holder.
     */
    public void offerHandover(String target) throws IOException {
        handoverTo = target;
        write(false);
    }

    /** Clears a hand-over offer and writes a plain heartbeat at once. */
    public void withdrawHandover() throws IOException {
        handoverTo = null;
        write(false);
    }

    /** Writes one heartbeat. Synchronized because the renewer and an offer both write through one temporary file. */
    private synchronized void write(boolean released) throws IOException {
        counter++;
        file.write(new Lease(counter, nodeId, epoch, ProcessHandle.current().pid(), host, wallClock.instant().toString(), released,
                handoverTo));
    }

    private void renewLoop() {
        int failures = 0;
        while (!stopped && !fenced.get()) {
            long start = System.nanoTime();
            if (start - lastRenewStartNanos >= renewDeadline.toNanos()) {
                // Past the deadline (a pause, or failed renewals) the watchdog fences this node. A late
                // heartbeat would make passive nodes wait a whole lease duration again.
                log.warn("Lease of node {} epoch {} not renewed: the last renewal started {} ms ago, past the renew deadline",
                        nodeId, epoch, (start - lastRenewStartNanos) / 1_000_000);
                return;
            }
            try {
                long newer = newerEpoch();
                if (newer > 0 && handoverTo != null) {
                    // The hand-over this node offered is being taken: the new holder writes the lease now, and
                    // the switch-over steps this node down once it reads the new epoch in the journal's guard.
                    log.info("Node {} stops renewing epoch {}: epoch {} was claimed by node {} after the hand-over offer",
                            nodeId, epoch, newer, epochs.holder(newer));
                    return;
                }
                if (newer > 0) {
                    fenceNow("epoch " + newer + " was claimed by node " + epochs.holder(newer) + " while this node held epoch "
                            + epoch + "; another node judged this node's lease expired");
                    return;
                }
                write(false);
                if (!fenced.get()) {
                    lastRenewStartNanos = start;
                }
                renewalObserver.accept(System.nanoTime() - start);
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                if (failures > 0) {
                    log.info("Lease renewal of node {} epoch {} works again after {} failure(s)", nodeId, epoch, failures);
                    failures = 0;
                }
                if (tookMillis > renewInterval.toMillis()) {
                    log.warn("Slow lease renewal of node {} epoch {}: {} ms, longer than the renew interval", nodeId, epoch, tookMillis);
                }
            } catch (IOException e) {
                if (failures++ == 0) {
                    log.error("Lease renewal of node {} epoch {} failed: {}; the node fences itself after {} without a renewal",
                            nodeId, epoch, e.toString(), renewDeadline);
                }
            }
            sleep(renewInterval.toMillis());
        }
    }

    /** Returns the highest epoch claimed above this node's, or 0 when there is none (or no epochs folder to check). */
    private long newerEpoch() throws IOException {
        if (epochs == null) {
            return 0;
        }
        long highest = epochs.highest();
        return highest > epoch ? highest : 0;
    }

    private void fenceNow(String reason) {
        if (fenced.compareAndSet(false, true)) {
            fence.accept(reason);
        }
    }

    private void watchLoop() {
        long checkMillis = Math.max(10, Math.min(100, renewDeadline.toMillis() / 20));
        while (!stopped) {
            long sinceRenewal = System.nanoTime() - lastRenewStartNanos;
            if (sinceRenewal >= renewDeadline.toNanos() && fenced.compareAndSet(false, true)) {
                // No I/O before the fence action: the share may be hung.
                fence.accept("lease lost: the last successful renewal started " + sinceRenewal / 1_000_000
                        + " ms ago, past the renew deadline of " + renewDeadline.toMillis()
                        + " ms (renewals failed or hung, or the process was paused)");
                return;
            }
            sleep(checkMillis);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops renewing. With {@code release}, writes a last heartbeat marked released so that a passive
     * node may take over at once; used only after every worker has exited.
     */
    public void stop(boolean release) {
        stopped = true;
        interrupt(renewer);
        interrupt(watchdog);
        join(renewer);
        if (release && !fenced.get()) {
            try {
                handoverTo = null;
                write(true);
            } catch (IOException e) {
                log.warn("Cannot release the lease of node {} epoch {}: {}; other nodes take over when it expires", nodeId, epoch, e.toString());
            }
        }
    }

    private static void interrupt(Thread t) {
        if (t != null) {
            t.interrupt();
        }
    }

    private static void join(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(false);
    }
}
