package io.baton.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RunDeadlineTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger limits = new AtomicInteger();
    private final AtomicInteger kills = new AtomicInteger();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void limitThenKill() {
        RunDeadline deadline = new RunDeadline(Duration.ofMillis(200), Duration.ofMillis(300));

        deadline.arm(scheduler, limits::incrementAndGet, kills::incrementAndGet);

        assertThat(deadline.reached()).as("reached at once").isFalse();
        await().atMost(Duration.ofSeconds(10)).until(deadline::reached);
        assertThat(limits.get()).as("limit actions").isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(deadline::killed);
        assertThat(kills.get()).as("kill actions").isEqualTo(1);
        assertThat(deadline.elapsed()).as("elapsed").isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(deadline.reason()).isEqualTo("the run reached its maximum run duration of 200ms; the worker did not reach a commit"
                + " point within stopGracePeriod (300ms) and was killed; the items not processed are released for a later run");
    }

    @Test
    void cancelBeforeLimitFiresNothing() throws InterruptedException {
        RunDeadline deadline = new RunDeadline(Duration.ofMillis(300), Duration.ofMillis(100));
        deadline.arm(scheduler, limits::incrementAndGet, kills::incrementAndGet);

        deadline.cancel();
        Thread.sleep(800);

        assertThat(deadline.reached()).as("reached").isFalse();
        assertThat(limits.get() + kills.get()).as("actions").isZero();
    }

    @Test
    void cancelAfterLimitStopsKill() throws InterruptedException {
        RunDeadline deadline = new RunDeadline(Duration.ofMillis(100), Duration.ofMillis(700));
        deadline.arm(scheduler, limits::incrementAndGet, kills::incrementAndGet);
        await().atMost(Duration.ofSeconds(10)).until(deadline::reached);

        deadline.cancel();
        Thread.sleep(1200);

        assertThat(kills.get()).as("kill actions").isZero();
        assertThat(deadline.reason()).contains("so it stopped at a commit point");
    }

    @Test
    void noLimitNeverFires() throws InterruptedException {
        RunDeadline deadline = new RunDeadline(null, Duration.ofMillis(100));
        deadline.arm(scheduler, limits::incrementAndGet, kills::incrementAndGet);

        Thread.sleep(300);

        assertThat(deadline.reached()).isFalse();
        assertThat(limits.get() + kills.get()).isZero();
    }
}
