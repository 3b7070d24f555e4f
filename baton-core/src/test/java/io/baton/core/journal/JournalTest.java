package io.baton.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path state;

    private final List<Journal> opened = new ArrayList<>();
    private final List<DeposedException> deposedCalls = new CopyOnWriteArrayList<>();
    private final CountDownLatch deposedLatch = new CountDownLatch(1);

    private Path file() {
        return state.resolve("journal.db");
    }

    private Journal open(long epoch) {
        Journal journal = Journal.openAndTakeGuard(file(), epoch, "node-a", false, 5_000, e -> {
            deposedCalls.add(e);
            deposedLatch.countDown();
        });
        opened.add(journal);
        return journal;
    }

    /** Opens a second connection to the journal file. Tests use it only while the journal runs no transaction. */
    private Connection plain() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file());
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.getLong(1);
        }
    }

    private long countWithPlainConnection(String sql) throws SQLException {
        try (Connection c = plain()) {
            return count(c, sql);
        }
    }

    private static JournalWork<Long> insertRun(String trigger) {
        return c -> Runs.start(c, "orders", 1, "node-a", trigger, Instant.now());
    }

    /** Submits a unit that blocks the writer thread until {@code release} opens, so that the units submitted meanwhile commit as one group. */
    private static CompletableFuture<Void> holdWriter(Journal journal, CountDownLatch release) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        CompletableFuture<Void> blocker = journal.submit(c -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while blocking the writer", e);
            }
            return null;
        });
        assertThat(inside.await(10, TimeUnit.SECONDS)).as("writer started the holding unit").isTrue();
        return blocker;
    }

    @AfterEach
    void closeJournals() {
        for (Journal journal : opened) {
            journal.close();
        }
    }

    @Test
    void newFileGetsSchemaAndGuard() throws SQLException {
        open(7).close();

        try (Connection c = plain(); Statement s = c.createStatement()) {
            Set<String> tables = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("meta", "guard", "runs", "items", "actions");
            try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
                assertThat(rs.getString(1)).isEqualTo(Integer.toString(JournalSchema.VERSION));
            }
            try (ResultSet rs = s.executeQuery("SELECT epoch, node_id FROM guard WHERE id = 1")) {
                assertThat(rs.getLong(1)).isEqualTo(7);
                assertThat(rs.getString(2)).isEqualTo("node-a");
            }
        }
    }

    @Test
    void openedJournalReportsEpochAndFile() {
        Journal journal = open(3);

        assertThat(journal.epoch()).isEqualTo(3);
        assertThat(journal.file()).isEqualTo(file());
    }

    @Test
    void sameEpochTakeIsDeposed() {
        open(5).close();

        DeposedException e = assertThrows(DeposedException.class, () -> open(5));

        assertThat(e.ownEpoch()).isEqualTo(5);
        assertThat(e.guardEpoch()).isEqualTo(5);
        assertThat(e.guardNode()).isEqualTo("node-a");
    }

    @Test
    void lowerEpochTakeIsDeposed() throws SQLException {
        open(5).close();

        DeposedException e = assertThrows(DeposedException.class, () -> open(3));

        assertThat(e.ownEpoch()).isEqualTo(3);
        assertThat(e.guardEpoch()).isEqualTo(5);
        assertThat(countWithPlainConnection("SELECT epoch FROM guard WHERE id = 1")).isEqualTo(5);
    }

    @Test
    void higherEpochTakeMovesGuard() throws SQLException {
        open(5).close();

        open(6).close();

        assertThat(countWithPlainConnection("SELECT epoch FROM guard WHERE id = 1")).isEqualTo(6);
    }

    @Test
    void versionTwoJournalGainsAttemptsAndHashes() throws SQLException {
        open(1).close();
        try (Connection c = plain(); Statement s = c.createStatement()) {
            SchemaDowngrade.toVersionTwo(s);
        }

        open(2).close();

        assertThat(countWithPlainConnection("SELECT count(*) FROM item_attempts")).isZero();
        assertThat(countWithPlainConnection("SELECT count(*) FROM items WHERE sha256 IS NOT NULL")).isZero();
        assertThat(countWithPlainConnection("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'"))
                .isEqualTo(JournalSchema.VERSION);
        assertThat(file().resolveSibling(file().getFileName() + ".v2.bak")).exists();
    }

    @Test
    void versionOneJournalMigratedWithBackupCopy() throws SQLException {
        open(1).close();
        try (Connection c = plain(); Statement s = c.createStatement()) {
            SchemaDowngrade.toVersionTwo(s);
            s.executeUpdate("DROP TABLE schedule_slots");
            s.executeUpdate("DROP TABLE operator_actions");
            s.executeUpdate("DROP TABLE role_changes");
            s.executeUpdate("ALTER TABLE guard DROP COLUMN handover_to");
            s.executeUpdate("ALTER TABLE guard DROP COLUMN handover_at");
            s.executeUpdate("ALTER TABLE actions DROP COLUMN next_attempt_at");
            s.executeUpdate("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
        }

        open(2).close();

        assertThat(countWithPlainConnection("SELECT count(*) FROM schedule_slots")).isZero();
        assertThat(countWithPlainConnection("SELECT count(*) FROM operator_actions")).isZero();
        assertThat(countWithPlainConnection("SELECT count(*) FROM role_changes")).as("role changes after the migration").isEqualTo(1);
        assertThat(countWithPlainConnection("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'"))
                .isEqualTo(JournalSchema.VERSION);
        assertThat(file().resolveSibling(file().getFileName() + ".v1.bak")).exists();
    }

    @Test
    void newerSchemaRejectedNamingBothVersions() throws SQLException {
        open(1).close();
        try (Connection c = plain(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE meta SET value = '" + (JournalSchema.VERSION + 1) + "' WHERE key = 'schema_version'");
        }

        JournalSchemaException e = assertThrows(JournalSchemaException.class, () -> open(2));

        assertThat(e.getMessage()).contains(file().toString());
        assertThat(e.getMessage()).contains("schema version " + (JournalSchema.VERSION + 1));
        assertThat(e.getMessage()).contains("versions up to " + JournalSchema.VERSION);
        assertThat(countWithPlainConnection("SELECT epoch FROM guard WHERE id = 1")).isEqualTo(1);
    }

    @Test
    void stampedVersionWithMissingColumnsRejected() throws SQLException {
        open(1).close();
        try (Connection c = plain(); Statement s = c.createStatement()) {
            // A development build that stamped the current version before it added these.
            s.executeUpdate("DROP TABLE item_attempts");
            s.executeUpdate("DROP INDEX items_by_sha256");
            s.executeUpdate("ALTER TABLE items DROP COLUMN sha256");
        }

        JournalSchemaMismatchException e = assertThrows(JournalSchemaMismatchException.class, () -> open(2));

        assertThat(e.getMessage()).as("names the file").contains(file().toString());
        assertThat(e.getMessage()).as("names the stamp").contains("stamped with schema version " + JournalSchema.VERSION);
        assertThat(e.getMessage()).as("names what is missing").contains("table item_attempts").contains("column items.sha256");
        assertThat(e.getMessage()).as("says what to do").contains("restore the journal from a backup").contains("move it aside");
        assertThat(countWithPlainConnection("SELECT epoch FROM guard WHERE id = 1")).as("guard epoch left as it was").isEqualTo(1);
        assertThat(countWithPlainConnection("SELECT count(*) FROM role_changes")).as("role changes left as they were").isEqualTo(1);
    }

    @Test
    void olderStampWithMissingTableRejected() throws SQLException {
        open(1).close();
        try (Connection c = plain(); Statement s = c.createStatement()) {
            SchemaDowngrade.toVersionTwo(s);
            s.executeUpdate("DROP TABLE schedule_slots");
        }

        JournalSchemaMismatchException e = assertThrows(JournalSchemaMismatchException.class, () -> open(2));

        assertThat(e.getMessage()).contains("stamped with schema version 2").contains("table schedule_slots");
        assertThat(file().resolveSibling(file().getFileName() + ".v2.bak")).as("backup of a journal never migrated").doesNotExist();
    }

    @Test
    void thousandConcurrentSubmitsCommit() throws Exception {
        Journal journal = open(1);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Long>> futures = new CopyOnWriteArrayList<>();
        try {
            List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String trigger = "unit-" + i;
                submitted.add(callers.submit(() -> futures.add(journal.submit(insertRun(trigger)))));
            }
            for (java.util.concurrent.Future<?> f : submitted) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdown();
        }

        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));

        assertThat(all).succeedsWithin(WAIT);
        assertThat(futures.stream().map(CompletableFuture::join).distinct().count()).isEqualTo(1000);
        journal.close();
        assertThat(countWithPlainConnection("SELECT count(*) FROM runs")).isEqualTo(1000);
        assertThat(countWithPlainConnection("SELECT count(DISTINCT trigger) FROM runs")).isEqualTo(1000);
    }

    @Test
    void failingUnitRolledBackAlone() throws Exception {
        Journal journal = open(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> blocker = holdWriter(journal, release);

        CompletableFuture<Long> before = journal.submit(insertRun("before"));
        CompletableFuture<Long> failing = journal.submit(c -> {
            Runs.start(c, "orders", 1, "node-a", "failing", Instant.now());
            throw new IllegalArgumentException("unit failed after its insert");
        });
        CompletableFuture<Long> after = journal.submit(insertRun("after"));
        release.countDown();

        assertThat(blocker).succeedsWithin(WAIT);
        assertThat(before).succeedsWithin(WAIT);
        assertThat(after).succeedsWithin(WAIT);
        assertThat(failing).failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(IllegalArgumentException.class)
                .withMessageContaining("unit failed after its insert");
        long failedRows = journal.call(c -> count(c, "SELECT count(*) FROM runs WHERE trigger = 'failing'"));
        long otherRows = journal.call(c -> count(c, "SELECT count(*) FROM runs WHERE trigger IN ('before', 'after')"));
        assertThat(failedRows).isZero();
        assertThat(otherRows).isEqualTo(2);
    }

    @Test
    void sqlErrorInUnitFailsAlone() throws Exception {
        Journal journal = open(1);
        CountDownLatch release = new CountDownLatch(1);
        holdWriter(journal, release);

        CompletableFuture<Long> failing = journal.submit(c -> count(c, "SELECT count(*) FROM no_such_table"));
        CompletableFuture<Long> other = journal.submit(insertRun("other"));
        release.countDown();

        assertThat(other).succeedsWithin(WAIT);
        assertThat(failing).failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(JournalException.class)
                .withMessageContaining("no_such_table");
    }

    @Test
    void unitThrowingErrorKeepsWriterRunning() {
        Journal journal = open(1);

        CompletableFuture<Long> failing = journal.submit(c -> {
            throw new AssertionError("unit threw an Error");
        });
        CompletableFuture<Long> next = journal.submit(insertRun("next"));

        assertThat(failing).failsWithin(Duration.ofSeconds(2));
        assertThat(next).succeedsWithin(Duration.ofSeconds(2));
    }

    @Test
    void callReturnsResultAndRethrowsFailure() {
        Journal journal = open(1);

        long runId = journal.call(insertRun("call"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> journal.call(c -> {
            throw new IllegalStateException("rejected by the unit");
        }));

        assertThat(runId).isPositive();
        assertThat(e.getMessage()).isEqualTo("rejected by the unit");
    }

    @Test
    void guardBumpDeposesNextSubmit() throws Exception {
        Journal journal = open(1);
        journal.call(insertRun("before the takeover"));
        try (Connection c = plain(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE guard SET epoch = 2, node_id = 'node-b' WHERE id = 1");
        }

        CompletableFuture<Long> submit = journal.submit(insertRun("after the takeover"));

        assertThat(submit).failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(DeposedException.class);
        DeposedException e = (DeposedException) submit.exceptionNow();
        assertThat(e.ownEpoch()).isEqualTo(1);
        assertThat(e.guardEpoch()).isEqualTo(2);
        assertThat(e.guardNode()).isEqualTo("node-b");
        assertThat(deposedLatch.await(10, TimeUnit.SECONDS)).as("onDeposed called").isTrue();
        assertThat(deposedCalls).hasSize(1);
        assertThat(deposedCalls.get(0)).isSameAs(e);
        assertThat(countWithPlainConnection("SELECT count(*) FROM runs WHERE trigger = 'after the takeover'")).isZero();
    }

    @Test
    void closeCommitsQueuedWork() throws SQLException {
        Journal journal = open(1);
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(journal.submit(insertRun("queued-" + i)));
        }

        journal.close();

        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(countWithPlainConnection("SELECT count(*) FROM runs")).isEqualTo(50);
    }

    @Test
    void submitAfterCloseFails() {
        Journal journal = open(1);
        journal.close();

        CompletableFuture<Long> late = journal.submit(insertRun("late"));

        assertThat(late).failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(JournalException.class)
                .withMessageContaining("the journal is closed");
    }

    @Test
    void abandonFailsQueuedWork() throws Exception {
        Journal journal = open(1);
        CountDownLatch release = new CountDownLatch(1);
        holdWriter(journal, release);
        CompletableFuture<Long> queued = journal.submit(insertRun("queued"));

        journal.abandon();
        release.countDown();

        assertThat(queued).failsWithin(WAIT)
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(JournalException.class)
                .withMessageContaining("stopped being active");
    }

    @Test
    void abandonClosesConnection() throws Exception {
        Path proc = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(proc), "needs /proc/self/fd to count open files");
        Journal journal = open(1);
        Path real = file().toRealPath();
        assertThat(openDescriptors(proc, real)).as("descriptors of the open journal").isPositive();

        journal.abandon();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (openDescriptors(proc, real) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(openDescriptors(proc, real)).as("descriptors of %s after abandon()", real).isZero();
    }

    private static long openDescriptors(Path proc, Path target) throws IOException {
        try (Stream<Path> fds = Files.list(proc)) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException e) {
                    // The descriptor was closed while the folder was listed.
                    return false;
                }
            }).count();
        }
    }
}
