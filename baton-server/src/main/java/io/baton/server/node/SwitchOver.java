package io.baton.server.node;

import io.baton.core.journal.DeposedException;
import io.baton.core.journal.Handovers;
import io.baton.core.journal.JournalException;
import io.baton.core.journal.OperatorActions;
import io.baton.core.lease.Lease;
import io.baton.server.service.CommittedWork;
import io.baton.server.service.ServiceManager;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active node's side of a switch-over: it hands its epoch e to another node without waiting for
 * the lease to expire.
 *
 * <p>Steps, in order: stop every service at a commit point (killing those still busy after the
 * timeout); confirm that every worker exited; publish every committed action; stop housekeeping;
 * record "handing epoch e over to B" in the guard (a guard-checked transaction); mark the lease
 * heartbeats with the offer; then poll the guard until it holds e + 1. The target takes e + 1 by
 * compare-and-set as soon as it sees the offer in the lease.
 *
 * <p>The node reports success only once its own guard check finds the newer epoch committed. If the
 * guard still holds e when the timeout ends, the node withdraws the offer in a guard-checked
 * transaction, so a target that comes later is rejected, and starts its services again in epoch e.
 * Withdrawal and takeover are both transactions on the guard, so exactly one of them wins.
 */
final class SwitchOver {

    private static final Logger log = LoggerFactory.getLogger(SwitchOver.class);

    /** How often the holder checks the guard for the target's epoch while it waits. */
    private static final Duration GUARD_POLL = Duration.ofMillis(50);

    /** Maximum wait for the role loop to make the node passive after the target took over. */
    private static final Duration STEP_DOWN_WAIT = Duration.ofSeconds(10);

    private final String nodeId;
    private final NodeDaemon.Active active;
    private final Consumer<NodeRole> roles;
    private final Runnable restartHousekeeping;

    SwitchOver(String nodeId, NodeDaemon.Active active, Consumer<NodeRole> roles, Runnable restartHousekeeping) {
        this.nodeId = nodeId;
        this.active = active;
        this.roles = roles;
        this.restartHousekeeping = restartHousekeeping;
    }

    /**
     * Runs the switch-over to {@code target}, or to any passive node when it is null, and waits for its end.
     * The offer carries {@code requestedBy}, so that the node taking the epoch records the switch-over.
     */
    SwitchOverResult run(String target, Duration timeout, OperatorActions.Actor requestedBy) {
        long start = System.nanoTime();
        String to = target == null ? Lease.ANY_NODE : target;
        String toText = target == null ? "any passive node" : "node " + target;
        long epoch = active.epoch();
        log.info("Node {} epoch {}: switch-over to {} requested (timeout {} ms)", nodeId, epoch, toText, timeout.toMillis());

        ServiceManager.HandoverStop stopped = active.services().stopForHandover(timeout);
        if (!stopped.aliveWorkers().isEmpty()) {
            return resume(stopped, start, "worker process(es) " + stopped.aliveWorkers() + " did not exit");
        }

        try (CommittedWork committed = new CommittedWork(active.ctx())) {
            int published = committed.publishOpen(null);
            log.info("Node {} epoch {}: services stopped for the switch-over, {} committed item(s) published", nodeId, epoch, published);
        } catch (JournalException e) {
            return resume(stopped, start, "publishing the committed items failed: " + e.getMessage());
        }
        active.housekeeping().get().stopAndWait(Duration.ofSeconds(5));

        roles.accept(NodeRole.HANDING_OVER);
        Instant offeredAt = Instant.now();
        try {
            active.journal().call(c -> Handovers.offer(c, to, offeredAt, requestedBy));
        } catch (DeposedException e) {
            return new SwitchOverResult(false, e.guardNode(), e.guardEpoch(), millisSince(start),
                    "node " + e.guardNode() + " took epoch " + e.guardEpoch() + " before the hand-over was recorded; node " + nodeId + " is passive");
        } catch (JournalException e) {
            return resume(stopped, start, "recording the hand-over in the journal failed: " + e.getMessage());
        }
        active.handoverOffered().set(true);
        try {
            active.keeper().offerHandover(to);
        } catch (IOException e) {
            return withdraw(stopped, start, "writing the hand-over to the lease failed: " + e.getMessage());
        }
        log.info("Node {} hands epoch {} over to {}", nodeId, epoch, toText);

        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            SwitchOverResult done = checkGuard(start);
            if (done != null) {
                return done;
            }
            sleep(GUARD_POLL);
        }
        return withdraw(stopped, start, toText + " did not take epoch " + (epoch + 1) + " within " + timeout.toMillis()
                + " ms; check that it runs, is passive and uses this data directory (its log says why it did not take over)");
    }

    /** Returns the result once the guard holds a newer epoch, or null while it still holds this node's. */
    private SwitchOverResult checkGuard(long start) {
        if (active.ended().getCount() == 0 && !active.handoverOffered().get()) {
            return new SwitchOverResult(false, nodeId, active.epoch(), millisSince(start), "node " + nodeId + " stopped being active during the switch-over: "
                    + active.endReason().get());
        }
        try {
            active.journal().call(c -> null);
            return null;
        } catch (JournalException e) {
            DeposedException deposed = deposition(e);
            if (deposed != null) {
                return completed(deposed, start);
            }
            log.warn("Node {} epoch {}: the guard check during the switch-over failed: {}", nodeId, active.epoch(), e.getMessage());
            return null;
        }
    }

    /**
     * Returns the deposition behind a failed journal call: the call's own, or the one recorded when an
     * earlier call was deposed and the writer closed the journal. Returns null for any other failure.
     */
    private DeposedException deposition(JournalException e) {
        return e instanceof DeposedException d ? d : active.deposedBy().get();
    }

    private SwitchOverResult completed(DeposedException e, long start) {
        long millis = millisSince(start);
        awaitPassive();
        String message = "node " + nodeId + " handed epoch " + active.epoch() + " over to node " + e.guardNode() + ", which committed epoch "
                + e.guardEpoch() + " " + millis + " ms after the request; node " + nodeId + " is passive";
        log.info("Switch-over done: {}", message);
        return new SwitchOverResult(true, e.guardNode(), e.guardEpoch(), millis, message);
    }

    /** Withdraws the offer unless the target took the epoch first, then resumes. */
    private SwitchOverResult withdraw(ServiceManager.HandoverStop stopped, long start, String why) {
        try {
            active.journal().call(Handovers::withdraw);
        } catch (JournalException e) {
            DeposedException deposed = deposition(e);
            if (deposed != null) {
                return completed(deposed, start);
            }
            log.error("Node {} epoch {}: withdrawing the hand-over failed: {}; stepping down, because the target may still take the epoch",
                    nodeId, active.epoch(), e.getMessage());
            return new SwitchOverResult(false, nodeId, active.epoch(), millisSince(start), "the switch-over failed (" + why
                    + ") and withdrawing the hand-over failed too (" + e.getMessage() + "); node " + nodeId + " stays without running services");
        }
        active.handoverOffered().set(false);
        try {
            active.keeper().withdrawHandover();
        } catch (IOException e) {
            log.warn("Node {} epoch {}: writing the lease without the hand-over failed: {}; the next renewal writes it", nodeId,
                    active.epoch(), e.toString());
        }
        return resume(stopped, start, why);
    }

    /** Makes this node active again in its epoch and starts the services that ran before. */
    private SwitchOverResult resume(ServiceManager.HandoverStop stopped, long start, String why) {
        roles.accept(NodeRole.ACTIVE);
        active.services().restart(stopped.wereRunning());
        restartHousekeeping.run();
        String message = "switch-over failed: " + why + "; node " + nodeId + " stays active with epoch " + active.epoch()
                + " and started " + stopped.wereRunning().size() + " service(s) again";
        log.warn("Node {}: {}", nodeId, message);
        return new SwitchOverResult(false, nodeId, active.epoch(), millisSince(start), message);
    }

    private void awaitPassive() {
        try {
            active.steppedDown().await(STEP_DOWN_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
