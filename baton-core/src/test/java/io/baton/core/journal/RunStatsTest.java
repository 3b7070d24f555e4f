package io.baton.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hourly totals and run durations of the console's charts, on a real SQLite journal. */
class RunStatsTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:20:00Z");

    @TempDir
    Path temp;

    private Journal journal;

    @BeforeEach
    void openJournal() throws IOException {
        Files.createDirectories(temp.resolve("state"));
        journal = Journal.openAndTakeGuard(temp.resolve("state/journal.db"), 1, "node-a", false, 5_000, e -> { });
    }

    @AfterEach
    void closeJournal() {
        journal.close();
    }

    private void run(String service, Instant started, Duration took, RunState state, long files, long bytes) {
        journal.call(c -> {
            long id = Runs.start(c, service, 1, "node-a", "test", started);
            Runs.finish(c, id, state, new Runs.RunTotals(files, 0, 0, files * 10, bytes, bytes * 2), null, started.plus(took));
            return id;
        });
    }

    @Test
    void totalsPerServiceAndHourWithinWindow() {
        run("orders", Instant.parse("2026-12-05T07:59:59Z"), Duration.ofSeconds(1), RunState.SUCCEEDED, 100, 1000);
        run("orders", Instant.parse("2026-12-05T08:00:00Z"), Duration.ofSeconds(2), RunState.SUCCEEDED, 3, 300);
        run("orders", Instant.parse("2026-12-05T08:30:00.5Z"), Duration.ofMillis(1500), RunState.FAILED, 1, 50);
        run("billing", Instant.parse("2026-12-05T10:05:00Z"), Duration.ofMinutes(3), RunState.SUCCEEDED, 7, 700);

        RunStats.Window w = journal.call(c -> RunStats.lastHours(c, 3, null, NOW));

        assertThat(w.from()).isEqualTo("2026-12-05T08:00:00Z");
        assertThat(w.runsRead()).as("runs in the window, the one before 08:00 left out").isEqualTo(3);
        assertThat(w.hours()).containsExactly(
                new RunStats.HourTotals("2026-12-05T08:00:00Z", "orders", 2, 1, 4, 350, 700),
                new RunStats.HourTotals("2026-12-05T10:00:00Z", "billing", 1, 0, 7, 700, 1400));
        assertThat(w.durations()).extracting(RunStats.RunDuration::millis).containsExactly(180_000L, 1500L, 2000L);
    }

    @Test
    void oneServiceOnly() {
        run("orders", Instant.parse("2026-12-05T09:00:00Z"), Duration.ofSeconds(1), RunState.SUCCEEDED, 2, 20);
        run("billing", Instant.parse("2026-12-05T09:10:00Z"), Duration.ofSeconds(1), RunState.SUCCEEDED, 5, 50);

        RunStats.Window w = journal.call(c -> RunStats.lastHours(c, 24, "billing", NOW));

        assertThat(w.hours()).extracting(RunStats.HourTotals::service).containsExactly("billing");
        assertThat(w.durations()).extracting(RunStats.RunDuration::service).containsExactly("billing");
    }

    @Test
    void runningRunCountsWithoutDuration() {
        journal.call(c -> Runs.start(c, "orders", 1, "node-a", "test", Instant.parse("2026-12-05T10:10:00Z")));

        RunStats.Window w = journal.call(c -> RunStats.lastHours(c, 1, null, NOW));

        assertThat(w.hours()).singleElement().extracting(RunStats.HourTotals::runs).isEqualTo(1L);
        assertThat(w.durations()).isEmpty();
    }
}
