package io.baton.core.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Compares the wall clock with the monotonic clock over a short interval, and the share's clock (the
 * modification time of a new file) with this host's. Lease decisions use only the monotonic clock. The
 * wall clock dates logs, schedules and registry ages, so a jumping clock or a share whose clock is off
 * makes those wrong.
 */
final class ClockCheck {

    static final String NAME = "clock";

    /** Wall and monotonic time may differ by this much over the sampling interval before the check fails. */
    private static final long MAX_RATE_DIFFERENCE_MILLIS = 50;

    /** The share's clock may differ from this host's by this much before the check warns. */
    private static final Duration MAX_SHARE_OFFSET = Duration.ofSeconds(2);

    private final Path scratch;

    ClockCheck(Path scratch) {
        this.scratch = scratch;
    }

    CheckResult run() {
        long monotonicStart = System.nanoTime();
        Instant wallStart = Instant.now();
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.skipped(NAME, "interrupted");
        }
        long monotonicMillis = (System.nanoTime() - monotonicStart) / 1_000_000;
        long wallMillis = Duration.between(wallStart, Instant.now()).toMillis();
        long difference = Math.abs(wallMillis - monotonicMillis);
        if (difference > MAX_RATE_DIFFERENCE_MILLIS) {
            return CheckResult.fail(NAME, String.format(Locale.ROOT, "over %d ms of monotonic time the wall clock moved %d ms",
                    monotonicMillis, wallMillis), "the wall clock jumps or is being stepped: let NTP slew it (chrony, ntpd) instead of stepping");
        }

        long offsetMillis;
        try {
            Path probe = scratch.resolve("clock");
            Instant before = Instant.now();
            Files.writeString(probe, "clock\n");
            Instant modified = Files.getLastModifiedTime(probe).toInstant();
            offsetMillis = Duration.between(before, modified).toMillis();
        } catch (IOException e) {
            return CheckResult.fail(NAME, "cannot write a file in " + scratch + " to read the share's clock: " + e,
                    "fix the share before starting a node on it");
        }
        String detail = String.format(Locale.ROOT, "wall and monotonic clocks agree within %d ms over %d ms; the share's clock is %+d ms from this host's",
                difference, monotonicMillis, offsetMillis);
        if (Math.abs(offsetMillis) > MAX_SHARE_OFFSET.toMillis()) {
            return CheckResult.warn(NAME, detail, "synchronise the clocks of the file server and every node (NTP): node ages in "
                    + "'baton cluster' and file ages for readiness and expiry are off by that much");
        }
        return CheckResult.pass(NAME, detail);
    }
}
