package io.baton.server.node;

import io.baton.core.journal.RoleChangeCause;
import io.baton.core.journal.Takeover;
import io.baton.core.lease.Lease;
import io.baton.core.lease.LeaseFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The checks before a passive node takes the epoch from a holder that an operator fenced by hand
 * ({@code baton takeover --confirm-fenced NODE}). The takeover itself is an ordinary guard bump, done by
 * the role loop, whose transaction also requires the guard to name that holder; the newer epoch deposes
 * the old holder if it ever wakes.
 *
 * <p>A request is rejected when the named node is not the holder in the lease, when it released the
 * lease, when it runs on this host and is neither stopped nor a zombie, or when its lease counter moves
 * while this node watches it: a node that renews its lease is alive, and taking over from it would
 * leave two active nodes until its next guard check.
 */
final class ForcedTakeover {

    /** A checked request, handed to the role loop, which completes it. */
    record Request(String holder, String actor, Takeover takeover, CompletableFuture<String> outcome) {

        /** Completes the request: {@code failure} is null on success. */
        void complete(String failure) {
            outcome.complete(failure);
        }

        void await(Duration timeout) {
            String failure;
            try {
                failure = outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new ForcedTakeoverRefusedException("the forced takeover did not complete within " + timeout.toSeconds() + " s; see the node's log");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ForcedTakeoverRefusedException("interrupted while waiting for the forced takeover");
            } catch (ExecutionException e) {
                throw new ForcedTakeoverRefusedException("the forced takeover failed: " + e.getCause());
            }
            if (failure != null) {
                throw new ForcedTakeoverRefusedException("the forced takeover failed: " + failure);
            }
        }
    }

    private final LeaseFile leaseFile;
    private final String nodeId;
    private final String host;
    private final Duration observation;

    /** @param observation how long to watch the lease counter; longer than one renew interval of the holder */
    ForcedTakeover(LeaseFile leaseFile, String nodeId, String host, Duration observation) {
        this.leaseFile = leaseFile;
        this.nodeId = nodeId;
        this.host = host;
        this.observation = observation;
    }

    /** Checks that {@code holder} may be taken over from and returns the request for the role loop. */
    Request request(String holder, String actor) {
        if (holder == null || holder.isBlank()) {
            throw new ForcedTakeoverRefusedException("the node to take over from is missing; name the fenced holder with --confirm-fenced NODE");
        }
        if (holder.equals(nodeId)) {
            throw new ForcedTakeoverRefusedException("node " + holder + " is this node; name the fenced holder with --confirm-fenced NODE");
        }
        Lease lease = read();
        if (lease == null) {
            throw new ForcedTakeoverRefusedException("there is no readable lease in " + leaseFile.path() + ", so no node holds the epoch; a passive node takes over by itself");
        }
        if (!lease.nodeId().equals(holder)) {
            throw new ForcedTakeoverRefusedException("node " + holder + " is not the holder: the lease names node " + lease.nodeId() + " (epoch " + lease.epoch()
                    + "); fence that node first and name it with --confirm-fenced");
        }
        if (lease.released()) {
            throw new ForcedTakeoverRefusedException("node " + holder + " released its lease; node " + nodeId + " takes over by itself within one poll interval");
        }
        checkLocalProcess(lease);
        checkSilent(lease);

        String detail = "operator " + actor + " confirmed that node " + holder + " (pid " + lease.pid() + " on host " + lease.host() + ") is fenced";
        Takeover takeover = new Takeover(RoleChangeCause.FORCED_TAKEOVER, Instant.now(), 0, holder, actor, detail);
        return new Request(holder, actor, takeover, new CompletableFuture<>());
    }

    /** Rejects a holder that runs on this host and is neither stopped (SIGSTOP) nor a zombie. */
    private void checkLocalProcess(Lease lease) {
        if (!host.equals(lease.host())) {
            return;
        }
        boolean alive = ProcessHandle.of(lease.pid()).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
            return;
        }
        char state = processState(lease.pid());
        if (state != 'T' && state != 't' && state != 'Z') {
            throw new ForcedTakeoverRefusedException("node " + lease.nodeId() + " runs on this host as pid " + lease.pid() + " (process state " + state
                    + ") and is not fenced; stop it first (baton node stop, or kill -STOP " + lease.pid() + " if it hangs)");
        }
    }

    /** Rejects a holder whose lease counter moves while this node watches it. */
    private void checkSilent(Lease first) {
        try {
            Thread.sleep(observation.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForcedTakeoverRefusedException("interrupted while watching the lease of node " + first.nodeId());
        }
        Lease later = read();
        if (later != null && (later.counter() != first.counter() || !later.nodeId().equals(first.nodeId()))) {
            throw new ForcedTakeoverRefusedException("node " + first.nodeId() + " still renews its lease (heartbeat " + first.counter() + " became "
                    + later.counter() + " within " + observation.toMillis() + " ms), so it is not fenced; use baton switchover on that node instead");
        }
    }

    private Lease read() {
        try {
            return leaseFile.read();
        } catch (IOException e) {
            throw new ForcedTakeoverRefusedException("cannot read the lease " + leaseFile.path() + ": " + e.getMessage() + "; check the data directory");
        }
    }

    /** Returns the state letter from {@code /proc/PID/stat} (R, S, D, T, Z, ...), or '?' when it cannot be read. */
    static char processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name in brackets may contain spaces and brackets, so the state follows the last ')'.
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() ? '?' : stat.charAt(end + 2);
        } catch (IOException e) {
            return '?';
        }
    }
}
