package io.baton.server.service;

import io.baton.core.journal.JournalException;
import io.baton.core.journal.ScheduleSlots;
import io.baton.core.journal.SlotOutcome;
import io.baton.core.schedule.MisfirePolicy;
import io.baton.core.schedule.Schedule;
import io.baton.core.schedule.SchedulePlanner;
import io.baton.core.schedule.SlotPlan;
import io.baton.core.schedule.SlotTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The timer of one service's schedule on the active node. It wakes at the next slot, and at least once a
 * second so that a wall-clock jump is seen promptly. The executor measures each sleep on the monotonic
 * clock, so a jump never makes the timer sleep for the length of the jump. Each wake asks the
 * {@link SchedulePlanner} what is due and records every slot in the journal before its run starts.
 */
final class ScheduleTimer {

    private static final Logger log = LoggerFactory.getLogger(ScheduleTimer.class);

    /** Maximum sleep between two looks at the clock, in milliseconds. */
    static final long MAX_SLEEP_MILLIS = 1_000;

    /** Starts the run of a slot; implemented by the service's runtime. */
    interface SlotRunner {
        /** Starts a run for the slot unless the service is busy or stopped; returns what happened. */
        SlotStart startSlot(Instant slot, String why);
    }

    /** The result of handing a slot to the runner. */
    enum SlotStart { STARTED, BUSY, NOT_RUNNING, ALREADY_RECORDED }

    private final String service;
    private final Schedule schedule;
    private final ActiveContext ctx;
    private final ScheduledExecutorService executor;
    private final SlotRunner runner;
    private final SchedulePlanner planner;
    private ScheduledFuture<?> wake;
    private boolean armed;

    ScheduleTimer(String service, Schedule schedule, MisfirePolicy misfire, ActiveContext ctx, ScheduledExecutorService executor,
            SlotRunner runner) {
        this.service = service;
        this.schedule = schedule;
        this.ctx = ctx;
        this.executor = executor;
        this.runner = runner;
        this.planner = new SchedulePlanner(schedule, misfire);
    }

    /** Starts the timer from the latest slot any node recorded, applying the misfire policy to the slots since. */
    void arm() {
        Instant last = ctx.journal().call(c -> ScheduleSlots.latest(c, service));
        SlotPlan plan;
        synchronized (this) {
            plan = planner.start(last, ctx.clock().instant(), System.nanoTime());
            armed = true;
            log.info("Schedule of service {} armed on node {}: {}, next slot {}", service, ctx.nodeId(), schedule.describe(),
                    show(planner.next()));
        }
        apply(plan);
        synchronized (this) {
            sleep();
        }
    }

    /** Restarts after a pause: the slots of the pause are not run. */
    synchronized void resume() {
        planner.resumeAt(ctx.clock().instant(), System.nanoTime());
        armed = true;
        sleep();
    }

    /** Stops the timer; a run already started goes on. */
    synchronized void cancel() {
        armed = false;
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
    }

    /** Returns the next slots to come, shown with the UTC offset of the schedule's zone. */
    synchronized List<String> upcoming(int count) {
        return planner.upcoming(count).stream().map(this::show).toList();
    }

    private void sleep() {
        if (!armed) {
            return;
        }
        Instant next = planner.next();
        long millis = next == null ? MAX_SLEEP_MILLIS : Duration.between(ctx.clock().instant(), next).toMillis();
        long delay = Math.max(10, Math.min(MAX_SLEEP_MILLIS, millis));
        wake = executor.schedule(this::onWake, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Looks at the clock once and applies the plan. The runner is called without this timer's lock held: the runtime calls
     * {@link #cancel()} under its own lock, and the two locks must never be taken in opposite orders.
     */
    private void onWake() {
        try (MDC.MDCCloseable m = MDC.putCloseable("service", service)) {
            SlotPlan plan;
            synchronized (this) {
                if (!armed) {
                    return;
                }
                plan = planner.tick(ctx.clock().instant(), System.nanoTime());
            }
            try {
                apply(plan);
            } catch (JournalException e) {
                // The slot stays unrecorded; a deposed node stops its services through the journal's listener.
                log.error("Schedule of service {} on node {} could not record a slot: {}", service, ctx.nodeId(), e.getMessage());
            } catch (RuntimeException e) {
                log.error("Schedule of service {} on node {} failed at a slot: {}", service, ctx.nodeId(), e.toString(), e);
            }
            synchronized (this) {
                sleep();
            }
        }
    }

    private void apply(SlotPlan plan) {
        if (plan.clockNote() != null) {
            log.warn("Schedule of service {} on node {}: {}; next slot {}", service, ctx.nodeId(), plan.clockNote(), show(planner.next()));
        }
        if (plan.missedTotal() > 0) {
            recordMissed(plan);
        }
        if (plan.fire() == null) {
            return;
        }

        SlotStart start = runner.startSlot(plan.fire(), plan.why());
        switch (start) {
            case STARTED -> {
                if (!"schedule".equals(plan.why())) {
                    log.info("Service {}: slot {} runs now, {}", service, show(plan.fire()), plan.why());
                }
            }
            case BUSY -> {
                String detail = "a run of the service was in progress";
                record(plan.fire(), SlotOutcome.SKIPPED_BUSY, detail);
                log.info("Service {}: slot {} skipped, {}", service, show(plan.fire()), detail);
            }
            case NOT_RUNNING -> record(plan.fire(), SlotOutcome.MISSED, "the service was not running");
            case ALREADY_RECORDED -> log.info("Service {}: slot {} was already recorded, by this or another node; not run again",
                    service, show(plan.fire()));
        }
    }

    private void recordMissed(SlotPlan plan) {
        long unlisted = plan.missedTotal() - plan.missed().size();
        String detail = plan.why() + (unlisted > 0 ? "; " + unlisted + " earlier missed slot(s) are counted, not recorded" : "");
        ctx.journal().call(c -> {
            for (Instant slot : plan.missed()) {
                ScheduleSlots.record(c, service, slot, schedule.zone(), SlotOutcome.MISSED, ctx.nodeId(), ctx.epoch(), ctx.clock().instant(), detail);
            }
            return null;
        });
        log.warn("Service {} on node {}: {} slot(s) missed, the last at {} ({})", service, ctx.nodeId(), plan.missedTotal(),
                plan.missed().isEmpty() ? "-" : show(plan.missed().get(plan.missed().size() - 1)), detail);
        ctx.alerts().scheduleMissed(service, plan.missedTotal(), detail);
    }

    private void record(Instant slot, SlotOutcome outcome, String detail) {
        ctx.journal().call(c -> ScheduleSlots.record(c, service, slot, schedule.zone(), outcome, ctx.nodeId(), ctx.epoch(),
                ctx.clock().instant(), detail));
    }

    private String show(Instant slot) {
        return slot == null ? "none" : SlotTimes.format(slot, schedule.zone());
    }
}
