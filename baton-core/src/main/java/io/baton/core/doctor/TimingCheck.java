package io.baton.core.doctor;

import io.baton.core.config.ClusterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Re-checks the lease timings of {@code cluster.yaml} against each other and against the measured
 * latency of the share. {@link ClusterConfig#parse} already rejects timings that could let two nodes
 * be active at once; this check adds the margins that depend on the storage.
 */
final class TimingCheck {

    static final String NAME = "timings";

    private final ClusterConfig cluster;
    private final Latency latency;

    /** @param latency the share's measured latency, or null when it could not be measured */
    TimingCheck(ClusterConfig cluster, Latency latency) {
        this.cluster = cluster;
        this.latency = latency;
    }

    CheckResult run() {
        long interval = cluster.renewInterval().toMillis();
        long deadline = cluster.renewDeadline().toMillis();
        long duration = cluster.leaseDuration().toMillis();
        long poll = cluster.pollInterval().toMillis();
        long workerSilence = cluster.workerSilenceBound().toMillis();
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();

        if (workerSilence >= duration) {
            failures.add("the worker silence bound (" + workerSilence + " ms, renewDeadline - 500 ms) is not below lease.duration ("
                    + duration + " ms): raise lease.duration");
        }
        if (poll * 4 > duration) {
            warnings.add("lease.pollInterval (" + poll + " ms) is more than a quarter of lease.duration (" + duration
                    + " ms), so a takeover waits up to a whole pollInterval longer: lower lease.pollInterval");
        }
        String measured = "";
        if (latency != null) {
            // One renewal may fail and the next must still start within renewDeadline of the last good one:
            // 2 × (renewInterval + latency) ≤ renewDeadline.
            double allowed = deadline / 2.0 - interval;
            measured = String.format(Locale.ROOT, "; share p99 %.1f ms against %.0f ms allowed (renewDeadline / 2 - renewInterval)",
                    latency.p99Millis(), allowed);
            if (latency.p99Millis() > allowed) {
                long neededDeadline = (long) Math.ceil(2 * (interval + latency.p99Millis()));
                failures.add(String.format(Locale.ROOT, "the share's p99 write latency (%.1f ms) leaves no room for one failed renewal before "
                        + "lease.renewDeadline: raise lease.renewDeadline to at least %d ms (and lease.duration with it), lower "
                        + "lease.renewInterval, or use faster storage", latency.p99Millis(), neededDeadline));
            } else if (latency.p99Millis() > interval) {
                warnings.add(String.format(Locale.ROOT, "the share's p99 write latency (%.1f ms) is longer than lease.renewInterval "
                        + "(%d ms): nodes will log slow lease renewals", latency.p99Millis(), interval));
            }
        }

        String detail = String.format(Locale.ROOT, "renewInterval %d ms, renewDeadline %d ms, duration %d ms (minimum %d ms), pollInterval %d ms, "
                + "worker silence bound %d ms%s", interval, deadline, duration, cluster.minimumLeaseDuration().toMillis(), poll,
                workerSilence, measured);
        if (!failures.isEmpty()) {
            return CheckResult.fail(NAME, detail, String.join("; ", failures));
        }
        if (!warnings.isEmpty()) {
            return CheckResult.warn(NAME, detail, String.join("; ", warnings));
        }
        return CheckResult.pass(NAME, detail);
    }
}
