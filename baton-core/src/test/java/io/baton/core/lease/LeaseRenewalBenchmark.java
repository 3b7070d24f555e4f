package io.baton.core.lease;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures lease renewals under CPU load, to choose lease timings: a real {@link LeaseKeeper} renews a
 * lease file while busy threads load every core and a reader thread, polling every 10 ms as a
 * passive node would more often than it does, records the gaps between counter changes. A gap at or
 * past {@code renewDeadline} would fence the active node, one at or past {@code duration} would
 * let a passive node take over while the holder is alive (a false failover).
 *
 * <p>Arguments: WORK_FOLDER SECONDS BUSY_THREADS DURATION_MS RENEW_INTERVAL_MS RENEW_DEADLINE_MS.
 * Prints one tab-separated row per value: metric, value, unit. Not a test: it asserts nothing.
 */
public final class LeaseRenewalBenchmark {

    private LeaseRenewalBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: LeaseRenewalBenchmark WORK_FOLDER SECONDS BUSY_THREADS DURATION_MS RENEW_INTERVAL_MS RENEW_DEADLINE_MS");
            System.exit(2);
        }
        Path work = Files.createDirectories(Path.of(args[0]));
        int seconds = Integer.parseInt(args[1]);
        int busyThreads = Integer.parseInt(args[2]);
        long duration = Long.parseLong(args[3]);
        Duration renewInterval = Duration.ofMillis(Long.parseLong(args[4]));
        Duration renewDeadline = Duration.ofMillis(Long.parseLong(args[5]));

        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < busyThreads; i++) {
            load.add(Thread.ofPlatform().daemon().name("busy-" + i).start(LeaseRenewalBenchmark::spin));
        }

        LeaseFile file = new LeaseFile(work.resolve("lease"));
        AtomicInteger fences = new AtomicInteger();
        LeaseKeeper keeper = new LeaseKeeper(file, "bench", 1, "localhost", renewInterval, renewDeadline, fences::incrementAndGet,
                Clock.systemUTC());
        keeper.start();

        List<Long> gaps = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long lastCounter = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < end) {
            Lease lease = file.read();
            long now = System.nanoTime();
            if (lease != null && lease.counter() != lastCounter) {
                if (lastCounter >= 0) {
                    gaps.add((now - lastChange) / 1_000_000);
                }
                lastCounter = lease.counter();
                lastChange = now;
            }
            Thread.sleep(10);
        }
        keeper.stop(false);
        load.forEach(Thread::interrupt);

        Collections.sort(gaps);
        long max = gaps.getLast();
        System.out.printf("renewals\t%d\tcount%n", gaps.size());
        System.out.printf("gap median\t%d\tms%n", gaps.get(gaps.size() / 2));
        System.out.printf("gap p99\t%d\tms%n", gaps.get((int) Math.ceil(0.99 * gaps.size()) - 1));
        System.out.printf("gap max\t%d\tms%n", max);
        System.out.printf("self-fences\t%d\tcount%n", fences.get());
        System.out.printf("gaps at or past duration (false failovers)\t%d\tcount%n", gaps.stream().filter(g -> g >= duration).count());
    }

    private static void spin() {
        long x = 0;
        while (!Thread.currentThread().isInterrupted()) {
            x += System.nanoTime() % 7;
            if (x % 1_000_003 == 0) {
                // Allocation too, so the collector runs as it would in a loaded node.
                byte[] garbage = new byte[64 * 1024];
                x += garbage.length;
            }
        }
    }
}
