package io.baton.core.doctor;

import java.util.Arrays;

/** Summary of measured latencies in milliseconds. */
record Latency(int samples, double medianMillis, double p99Millis, double maxMillis) {

    /** Summarises samples in nanoseconds; p99 is the nearest-rank percentile, so with fewer than 100 samples it is the maximum. */
    static Latency of(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        int rank = (int) Math.ceil(0.99 * n);
        return new Latency(n, median / 1e6, sorted[Math.max(0, rank - 1)] / 1e6, sorted[n - 1] / 1e6);
    }
}
