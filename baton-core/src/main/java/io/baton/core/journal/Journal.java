package io.baton.core.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal: the record of runs, work items and publish actions, in SQLite on the data directory.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Only the daemon of the active node opens the journal, through exactly one connection: a JVM
 *       drops every POSIX lock it holds on a file when any channel to it closes, so a second connection
 *       in the same process could silently release SQLite's lock.</li>
 *   <li>Every transaction begins with {@code BEGIN IMMEDIATE} and checks the epoch guard first. When the
 *       guard holds another epoch, nothing is written, every waiting caller gets a {@link
 *       DeposedException}, and the deposed listener is called so that the node stops all work.</li>
 *   <li>One writer thread runs all work. It takes whatever is queued (up to {@link #MAX_GROUP}) into one
 *       transaction, the group commit, so that many work items share one fsync. Each unit runs inside a
 *       savepoint, so one failing unit does not undo the others.</li>
 * </ul>
 *
 * <p>SQLite runs with a rollback journal and {@code synchronous=FULL}: WAL needs shared memory between
 * processes and does not work on a network file system, so it is used only when every node is on one host.
 */
public final class Journal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    /** Most units of work in one transaction; bounds the latency a single group adds. */
    static final int MAX_GROUP = 512;

    private final Path file;
    private final Connection connection;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Consumer<DeposedException> onDeposed;
    private volatile long epoch;
    private volatile boolean closed;
    private volatile boolean abandoned;

    private Journal(Path file, Connection connection, long epoch, Consumer<DeposedException> onDeposed) {
        this.file = file;
        this.connection = connection;
        this.epoch = epoch;
        this.onDeposed = onDeposed;
        this.writer = Thread.ofPlatform().name("journal-writer").daemon().unstarted(this::writeLoop);
    }

    /**
     * Opens (creating or migrating) the journal and makes {@code newEpoch} the epoch in its guard, in
     * one transaction. That commit is the moment this node becomes active. Records the role change with
     * cause {@link RoleChangeCause#FIRST_START}; the daemon passes the real cause with the other overload.
     *
     * @throws JournalSchemaException when the journal was written by a newer version of Baton
     * @throws JournalSchemaMismatchException when the journal lacks tables or columns that its schema version has
     * @throws DeposedException when the guard already holds {@code newEpoch} or a newer one
     */
    public static Journal openAndTakeGuard(Path file, long newEpoch, String nodeId, boolean sameHost,
            long busyTimeoutMillis, Consumer<DeposedException> onDeposed) {
        return openAndTakeGuard(file, newEpoch, nodeId, sameHost, busyTimeoutMillis, onDeposed,
                Takeover.of(RoleChangeCause.FIRST_START, Instant.now(), "journal opened"));
    }

    /**
     * Opens (creating or migrating) the journal and makes {@code newEpoch} the epoch in its guard, in
     * one transaction that also checks what {@code takeover} requires of the guard, clears any hand-over
     * offer and records the role change. That commit is the moment this node becomes active.
     *
     * @throws JournalSchemaException when the journal was written by a newer version of Baton
     * @throws JournalSchemaMismatchException when the journal lacks tables or columns that its schema version has
     * @throws DeposedException when the guard already holds {@code newEpoch} or a newer one
     * @throws TakeoverRejectedException when the guard does not hold the hand-over or the holder the takeover requires
     */
    public static Journal openAndTakeGuard(Path file, long newEpoch, String nodeId, boolean sameHost,
            long busyTimeoutMillis, Consumer<DeposedException> onDeposed, Takeover takeover) {
        Connection c = connect(file, sameHost, busyTimeoutMillis);
        try {
            migrate(file, c);
            takeGuard(c, newEpoch, nodeId, takeover);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new JournalException("cannot take the epoch guard in " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        Journal journal = new Journal(file, c, newEpoch, onDeposed);
        journal.writer.start();
        return journal;
    }

    private static Connection connect(Path file, boolean sameHost, long busyTimeoutMillis) {
        Properties p = new Properties();
        p.setProperty("journal_mode", sameHost ? "WAL" : "DELETE");
        p.setProperty("synchronous", "FULL");
        p.setProperty("busy_timeout", Long.toString(busyTimeoutMillis));
        p.setProperty("foreign_keys", "false");
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, p);
            // Transactions are begun by hand as BEGIN IMMEDIATE, so the driver's own begin stays out of the way.
            c.setAutoCommit(true);
            return c;
        } catch (SQLException e) {
            throw new JournalException("cannot open the journal " + file + ": " + e.getMessage()
                    + "; check that the data directory is reachable and writable", e);
        }
    }

    private static void migrate(Path file, Connection c) throws SQLException {
        int stored = JournalSchema.storedVersion(c);
        if (stored > JournalSchema.VERSION) {
            throw new JournalSchemaException(file, stored, JournalSchema.VERSION);
        }
        if (stored > 0) {
            requireStampedSchema(file, c, stored);
        }
        if (stored == JournalSchema.VERSION) {
            return;
        }
        if (stored > 0) {
            backup(file, stored);
        }
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                int current = JournalSchema.storedVersion(c);
                if (current == 0) {
                    JournalSchema.create(c);
                    s.execute("INSERT INTO guard (id, epoch, node_id, since) VALUES (1, 0, '', '" + Instant.now() + "')");
                } else if (current < JournalSchema.VERSION) {
                    JournalSchema.upgrade(c, current);
                    log.info("Journal {} migrated from schema version {} to {}; the copy before is {}.v{}.bak",
                            file, current, JournalSchema.VERSION, file.getFileName(), current);
                }
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
    }

    /** Checks that the journal has every table and column that its version stamp promises, before anything writes to it. */
    private static void requireStampedSchema(Path file, Connection c, int stamped) throws SQLException {
        Map<String, Set<String>> actual = JournalSchema.columns(c);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Set<String>> table : JournalSchema.expectedColumns(stamped).entrySet()) {
            Set<String> columns = actual.get(table.getKey());
            if (columns == null) {
                missing.add("table " + table.getKey());
                continue;
            }
            for (String column : table.getValue()) {
                if (!columns.contains(column)) {
                    missing.add("column " + table.getKey() + "." + column);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new JournalSchemaMismatchException(file, stamped, missing);
        }
    }

    private static void backup(Path file, int version) {
        Path copy = file.resolveSibling(file.getFileName() + ".v" + version + ".bak");
        try {
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new JournalException("cannot back up the journal to " + copy + " before migrating it: " + e.getMessage(), e);
        }
    }

    private static void takeGuard(Connection c, long newEpoch, String nodeId, Takeover takeover) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                GuardRow guard = readGuard(s);
                if (guard.epoch() >= newEpoch) {
                    throw new DeposedException(newEpoch, guard.epoch(), guard.nodeId());
                }
                checkTakeover(guard, nodeId, takeover);
                Instant now = Instant.now();
                try (PreparedStatement u = c.prepareStatement(
                        "UPDATE guard SET epoch = ?, node_id = ?, since = ?, handover_to = NULL, handover_at = NULL,"
                        + " handover_actor = NULL, handover_address = NULL WHERE id = 1")) {
                    u.setLong(1, newEpoch);
                    u.setString(2, nodeId);
                    u.setString(3, now.toString());
                    u.executeUpdate();
                }
                Instant started = takeover.cause() == RoleChangeCause.SWITCHOVER && guard.handoverAt() != null
                        ? Instant.parse(guard.handoverAt()) : takeover.startedAt();
                RoleChanges.insert(c, newEpoch, nodeId, guard.nodeId(), takeover, started, now);
                if (takeover.cause() == RoleChangeCause.SWITCHOVER && guard.handoverActor() != null) {
                    recordSwitchOver(c, guard, newEpoch, nodeId, now);
                }
                if (takeover.cause() == RoleChangeCause.FORCED_TAKEOVER && takeover.actor() != null) {
                    recordForcedTakeover(c, guard, newEpoch, nodeId, takeover.actor(), now);
                }
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
    }

    /**
     * Records a switch-over requested through the API on the node that handed the epoch over. The taking
     * node writes the row, in the transaction that takes the epoch, because the handing node is deposed
     * by that commit and can write nothing after it.
     */
    private static void recordSwitchOver(Connection c, GuardRow guard, long newEpoch, String nodeId, Instant now) throws SQLException {
        OperatorActions.Actor actor = new OperatorActions.Actor(guard.handoverActor(), guard.handoverAddress());
        String detail = "node " + guard.nodeId() + " handed epoch " + guard.epoch() + " over to node " + nodeId + ", which took epoch "
                + newEpoch;
        OperatorActions.record(c, new OperatorActions.Row(now, actor, guard.nodeId(), "switch-over", null, null, null, null, nodeId,
                OperatorActions.Outcome.DONE, 200, detail));
    }

    /**
     * Records a forced takeover requested through the API, in the transaction that takes the epoch, because
     * the node that took it opens its journal only after that commit.
     *
     * @param actor the caller as "NAME from ADDRESS"
     */
    private static void recordForcedTakeover(Connection c, GuardRow guard, long newEpoch, String nodeId, String actor, Instant now)
            throws SQLException {
        int from = actor.lastIndexOf(" from ");
        OperatorActions.Actor caller = from < 0 ? new OperatorActions.Actor(actor, null)
                : new OperatorActions.Actor(actor.substring(0, from), actor.substring(from + " from ".length()));
        String detail = "node " + nodeId + " took epoch " + newEpoch + " from node " + guard.nodeId() + ", which the operator confirmed fenced";
        OperatorActions.record(c, new OperatorActions.Row(now, caller, nodeId, "takeover", null, null, null, null, guard.nodeId(),
                OperatorActions.Outcome.DONE, 200, detail));
    }

    private record GuardRow(long epoch, String nodeId, String handoverTo, String handoverAt, String handoverActor,
            String handoverAddress) {
    }

    private static GuardRow readGuard(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT epoch, node_id, handover_to, handover_at, handover_actor, handover_address"
                + " FROM guard WHERE id = 1")) {
            return new GuardRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6));
        }
    }

    /** Rejects a switch-over whose offer was withdrawn or made to another node, and a forced takeover from a node that is not the holder. */
    private static void checkTakeover(GuardRow guard, String nodeId, Takeover takeover) {
        if (takeover.cause() == RoleChangeCause.SWITCHOVER) {
            boolean offered = guard.handoverTo() != null && (guard.handoverTo().equals(nodeId) || guard.handoverTo().equals("*"));
            if (guard.epoch() != takeover.handoverEpoch() || !offered) {
                throw new TakeoverRejectedException("the hand-over of epoch " + takeover.handoverEpoch() + " is no longer valid: the guard holds epoch "
                        + guard.epoch() + " of node " + guard.nodeId() + (guard.handoverTo() == null ? " with no hand-over"
                        : " handed over to " + guard.handoverTo()));
            }
        }
        if (takeover.cause() == RoleChangeCause.FORCED_TAKEOVER && !guard.nodeId().equals(takeover.fencedHolder())) {
            throw new TakeoverRejectedException("node " + takeover.fencedHolder() + " is not the holder: the guard holds epoch "
                    + guard.epoch() + " of node " + (guard.nodeId().isEmpty() ? "(none)" : guard.nodeId()));
        }
    }

    public long epoch() {
        return epoch;
    }

    public Path file() {
        return file;
    }

    /** Queues work for the next group commit; the future completes once it is committed. */
    public <T> CompletableFuture<T> submit(JournalWork<T> work) {
        Pending<T> pending = new Pending<>(work);
        if (closed) {
            pending.future.completeExceptionally(new JournalException("the journal is closed"));
            return pending.future;
        }
        queue.add(pending);
        return pending.future;
    }

    /**
     * Runs work on the journal's connection by itself, outside any transaction, right after a
     * transaction that finds the epoch guard still ours, and waits for it. For statements that SQLite
     * refuses inside a transaction, such as {@code VACUUM}; the work must not change what the journal
     * records, because no guard check covers its own writes.
     */
    public <T> T callOutsideTransaction(JournalWork<T> work) {
        Pending<T> pending = new Pending<>(work, true);
        if (closed) {
            throw new JournalException("the journal is closed");
        }
        queue.add(pending);
        try {
            return pending.future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JournalException("interrupted while waiting for the journal", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /** Runs work in the next group commit and waits for it. */
    public <T> T call(JournalWork<T> work) {
        try {
            return submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JournalException("interrupted while waiting for the journal", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /** Waits for a future returned by {@link #submit}, unwrapping journal failures. */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        return new JournalException(String.valueOf(cause.getMessage()), cause);
    }

    private void writeLoop() {
        try {
            drainLoop();
        } finally {
            // Only this thread uses the connection, so only it closes it: at close(), and when the node
            // abandons the journal on fencing, which must not wait for storage itself.
            closeQuietly(connection);
        }
    }

    private void drainLoop() {
        List<Pending<?>> group = new ArrayList<>();
        while (!closed || (!abandoned && !queue.isEmpty())) {
            try {
                Pending<?> first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commitGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failAll(group, new JournalException("the journal writer was interrupted"));
                return;
            } finally {
                group.clear();
            }
        }
    }

    private void commitGroup(List<Pending<?>> group) {
        List<Pending<?>> inTransaction = group.stream().filter(p -> !p.outsideTransaction).toList();
        if (!inTransaction.isEmpty()) {
            commitTransaction(inTransaction);
        }
        for (Pending<?> p : group) {
            if (p.outsideTransaction) {
                runOutsideTransaction(p);
            }
        }
    }

    /** Runs one unit outside a transaction if an empty guard-checked transaction commits first. */
    private <T> void runOutsideTransaction(Pending<T> p) {
        Pending<Void> guardCheck = new Pending<>(c -> null);
        commitTransaction(List.of(guardCheck));
        if (guardCheck.future.isCompletedExceptionally()) {
            guardCheck.future.whenComplete((v, e) -> p.future.completeExceptionally(e));
            return;
        }
        try {
            p.future.complete(p.work.run(connection));
        } catch (SQLException | RuntimeException e) {
            log.error("Journal work outside a transaction failed in {}: {}", file, e.getMessage());
            p.future.completeExceptionally(new JournalException("journal work failed: " + e.getMessage(), e));
        }
    }

    /**
     * Sets the observer of each committed transaction's duration, in nanoseconds from BEGIN to COMMIT;
     * called on the journal's writer thread, so it must return at once.
     */
    public void observeCommits(java.util.function.LongConsumer nanos) {
        this.commitObserver = nanos;
    }

    private volatile java.util.function.LongConsumer commitObserver = nanos -> { };

    private void commitTransaction(List<Pending<?>> group) {
        long begin = System.nanoTime();
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                checkGuard(s);
                for (Pending<?> p : group) {
                    p.runInSavepoint(connection);
                }
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException | Error e) {
                rollback(s);
                throw e;
            }
            commitObserver.accept(System.nanoTime() - begin);
            for (Pending<?> p : group) {
                p.complete();
            }
        } catch (DeposedException e) {
            failAll(group, e);
            onDeposed.accept(e);
        } catch (SQLException | RuntimeException e) {
            log.error("Journal commit of {} units failed in {}: {}", group.size(), file, e.getMessage());
            failAll(group, new JournalException("journal commit failed: " + e.getMessage(), e));
        } catch (Error e) {
            // The transaction is already rolled back; fail the callers instead of leaving them waiting for ever.
            failAll(group, new JournalException("journal commit failed: " + e, e));
            if (e instanceof VirtualMachineError) {
                throw e;
            }
        }
    }

    private void checkGuard(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT epoch, node_id FROM guard WHERE id = 1")) {
            long guard = rs.getLong(1);
            if (guard != epoch) {
                throw new DeposedException(epoch, guard, rs.getString(2));
            }
        }
    }

    private static void rollback(Statement s) {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException e) {
            log.warn("Journal rollback failed: {}", e.getMessage());
        }
    }

    private static void failAll(List<Pending<?>> group, RuntimeException e) {
        for (Pending<?> p : group) {
            p.future.completeExceptionally(e);
        }
    }

    /** Stops accepting work, commits what is queued, and closes the connection. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Fails all queued work and lets the writer thread close the connection without committing
     * anything more. Returns at once. Used when the node is fenced or deposed, so nothing more may be
     * written, and the caller must not block on storage that may hang.
     */
    public void abandon() {
        abandoned = true;
        closed = true;
        writer.interrupt();
        List<Pending<?>> rest = new ArrayList<>();
        queue.drainTo(rest);
        failAll(rest, new JournalException("the journal was closed because this node stopped being active"));
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.warn("Closing the journal connection failed: {}", e.getMessage());
        }
    }

    private static final class Pending<T> {
        final JournalWork<T> work;
        final boolean outsideTransaction;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;
        RuntimeException failure;

        Pending(JournalWork<T> work) {
            this(work, false);
        }

        Pending(JournalWork<T> work, boolean outsideTransaction) {
            this.work = work;
            this.outsideTransaction = outsideTransaction;
        }

        void runInSavepoint(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("SAVEPOINT unit");
                try {
                    result = work.run(c);
                    s.execute("RELEASE unit");
                } catch (SQLException | RuntimeException e) {
                    s.execute("ROLLBACK TO unit");
                    s.execute("RELEASE unit");
                    failure = e instanceof RuntimeException r ? r : new JournalException(e.getMessage(), e);
                } catch (Error e) {
                    // A failing unit (an assertion in service-facing code, a stack overflow) is undone alone.
                    s.execute("ROLLBACK TO unit");
                    s.execute("RELEASE unit");
                    if (e instanceof VirtualMachineError) {
                        throw e;
                    }
                    failure = new JournalException("journal unit failed: " + e, e);
                }
            }
        }

        void complete() {
            if (failure != null) {
                future.completeExceptionally(failure);
            } else {
                future.complete(result);
            }
        }
    }
}
