package io.baton.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.config.ServiceDescriptor.ReadinessSpec;
import io.baton.core.source.FolderSource.Candidate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Readiness decisions on listings made by hand, with the monotonic time passed in. */
class ReadinessTrackerTest {

    private static final long SECOND = 1_000_000_000L;
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    private static Candidate file(String rel, long size, long mtime, long ctime) {
        return new Candidate(Path.of("/in", rel), new FileIdentity(rel, size, mtime, 1, 42, ctime));
    }

    @Test
    void stableAfterUnchangedPolls() {
        ReadinessTracker t = new ReadinessTracker(new ReadinessSpec(Duration.ofSeconds(10), null));

        assertThat(t.ready(List.of(file("a.csv", 10, 1, 1)), 0, NOW)).as("first sight").isEmpty();
        assertThat(t.waiting()).singleElement().satisfies(w -> assertThat(w.reason()).contains("not stable yet"));
        assertThat(t.ready(List.of(file("a.csv", 10, 1, 1)), 9 * SECOND, NOW)).as("after 9 s").isEmpty();
        assertThat(t.ready(List.of(file("a.csv", 10, 1, 1)), 10 * SECOND, NOW)).as("after 10 s").hasSize(1);
        assertThat(t.waiting()).as("waiting once ready").isEmpty();
    }

    @Test
    void growthResetsStability() {
        ReadinessTracker t = new ReadinessTracker(new ReadinessSpec(Duration.ofSeconds(10), null));

        t.ready(List.of(file("a.csv", 10, 1, 1)), 0, NOW);
        assertThat(t.ready(List.of(file("a.csv", 20, 1, 2)), 8 * SECOND, NOW)).as("grown, old mtime kept").isEmpty();
        assertThat(t.ready(List.of(file("a.csv", 20, 1, 2)), 17 * SECOND, NOW)).as("9 s after the growth").isEmpty();
        assertThat(t.ready(List.of(file("a.csv", 20, 1, 2)), 18 * SECOND, NOW)).as("10 s after the growth").hasSize(1);
    }

    @Test
    void changeTimeAloneResetsStability() {
        ReadinessTracker t = new ReadinessTracker(new ReadinessSpec(Duration.ofSeconds(5), null));

        t.ready(List.of(file("a.csv", 10, 1, 1)), 0, NOW);
        assertThat(t.ready(List.of(file("a.csv", 10, 1, 7)), 6 * SECOND, NOW)).as("rewritten in place, same size and mtime").isEmpty();
    }

    @Test
    void doneFileGatesAndIsNoInput() {
        ReadinessTracker t = new ReadinessTracker(new ReadinessSpec(null, "{name}.done"));

        assertThat(t.ready(List.of(file("sub/a.csv", 10, 1, 1)), 0, NOW)).as("without its done file").isEmpty();
        assertThat(t.waiting().get(0).reason()).contains("sub/a.csv.done");
        List<Candidate> ready = t.ready(List.of(file("sub/a.csv", 10, 1, 1), file("sub/a.csv.done", 0, 1, 1)), SECOND, NOW);
        assertThat(ready).extracting(c -> c.identity().relPath()).containsExactly("sub/a.csv");
        assertThat(t.ready(List.of(file("sub/a.csv.done", 0, 1, 1)), 2 * SECOND, NOW)).as("a done file left alone").isEmpty();
        assertThat(t.waiting()).as("a done file does not wait").isEmpty();
    }

    @Test
    void basenameDoneFile() {
        ReadinessTracker t = new ReadinessTracker(new ReadinessSpec(null, "{basename}.ok"));

        assertThat(t.doneFileOf("x/orders.csv")).isEqualTo("x/orders.ok");
        assertThat(t.ready(List.of(file("orders.csv", 1, 1, 1), file("orders.ok", 0, 1, 1)), 0, NOW)).hasSize(1);
    }

    @Test
    void noRuleMeansReadyAtOnce() {
        ReadinessTracker t = new ReadinessTracker(new ReadinessSpec(null, null));

        assertThat(t.ready(List.of(file("a.csv", 10, 1, 1)), 0, NOW)).hasSize(1);
    }

    @Test
    void temporaryNameWaitsWithReason() {
        ReadinessTracker t = new ReadinessTracker(new ReadinessSpec(null, null, List.of("*.part", ".~*")));
        List<Candidate> listed = List.of(file("orders.csv.part", 1, 1, 1), file(".~lock.csv", 1, 1, 1), file("orders.csv", 1, 1, 1));

        List<Candidate> ready = t.ready(listed, 0, NOW);

        assertThat(ready).extracting(c -> c.identity().relPath()).containsExactly("orders.csv");
        assertThat(t.waiting()).extracting(ReadinessTracker.Waiting::reason)
                .containsExactly("temporary name (matches *.part): waits until the writer renames it",
                        "temporary name (matches .~*): waits until the writer renames it");
    }

    @Test
    void doneFileOutsideIncludeGlobsCounts() {
        ReadinessTracker t = new ReadinessTracker(new ReadinessSpec(null, "{name}.done"));
        List<Candidate> listed = List.of(file("a.csv", 1, 1, 1));

        assertThat(t.ready(listed, java.util.Set.of(), 0, NOW)).as("without its done file").isEmpty();
        assertThat(t.ready(listed, java.util.Set.of("a.csv.done"), SECOND, NOW)).as("done file left out by include: *.csv").hasSize(1);
    }

    @Test
    void claimProblemStaysListedBetweenPollAndClaim() {
        ReadinessTracker t = new ReadinessTracker(new ReadinessSpec(null, null));
        List<Candidate> listed = List.of(file("locked.csv", 1, 1, 1));

        t.ready(listed, 0, NOW);
        assertThat(t.claimFailed("locked.csv", "held by FLOCK", NOW)).as("first failure is new").isTrue();
        // The next poll lists the file as ready again, and it still shows as waiting until its claim check runs.
        assertThat(t.ready(listed, SECOND, NOW.plusSeconds(1))).hasSize(1);
        assertThat(t.waiting()).singleElement().satisfies(w -> {
            assertThat(w.reason()).isEqualTo("cannot be claimed: held by FLOCK");
            assertThat(w.since()).isEqualTo(NOW.toString());
        });
        assertThat(t.claimFailed("locked.csv", "held by FLOCK", NOW.plusSeconds(1))).as("same reason again").isFalse();
        assertThat(t.waiting()).hasSize(1);

        t.claimPassed("locked.csv");
        assertThat(t.waiting()).as("after the claim check passed").isEmpty();
    }

    @Test
    void skippedNamesStayListedUntilGone() {
        ReadinessTracker t = new ReadinessTracker(new ReadinessSpec(null, null));

        t.ready(List.of(), 0, NOW);
        t.neverTaken(List.of("link.csv"), "a symbolic link", NOW);
        t.ready(List.of(file("a.csv", 1, 1, 1)), SECOND, NOW.plusSeconds(1));
        assertThat(t.waiting()).as("between a poll and its report").extracting(ReadinessTracker.Waiting::relPath).containsExactly("link.csv");
        t.neverTaken(List.of("link.csv"), "a symbolic link", NOW.plusSeconds(1));
        assertThat(t.waiting()).singleElement().satisfies(w -> assertThat(w.since()).isEqualTo(NOW.toString()));

        t.neverTaken(List.of(), "a symbolic link", NOW.plusSeconds(2));
        assertThat(t.waiting()).as("once the link is gone").isEmpty();
    }
}
