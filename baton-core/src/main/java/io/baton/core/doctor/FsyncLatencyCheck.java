package io.baton.core.doctor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Measures what one lease renewal or journal commit costs on the share: create a small file, write
 * 512 bytes, fsync it and rename it over another. The lease renewal does the write and the rename;
 * SQLite's commit does writes and fsyncs. The result feeds {@link TimingCheck}.
 */
final class FsyncLatencyCheck {

    static final String NAME = "fsync-latency";

    private final Path scratch;
    private final int samples;
    private Latency latency;

    FsyncLatencyCheck(Path scratch, int samples) {
        this.scratch = scratch;
        this.samples = samples;
    }

    /** Returns the measured latency, or null when the check failed. */
    Latency latency() {
        return latency;
    }

    CheckResult run() {
        long[] nanos = new long[samples];
        ByteBuffer block = ByteBuffer.allocate(512);
        Path target = scratch.resolve("latency");
        try {
            for (int i = 0; i < samples; i++) {
                Path temp = scratch.resolve("latency.tmp");
                long start = System.nanoTime();
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    channel.write(block.clear());
                    channel.force(true);
                }
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                nanos[i] = System.nanoTime() - start;
            }
        } catch (IOException e) {
            return CheckResult.fail(NAME, "a write with fsync in " + scratch + " failed: " + e, "fix the share before starting a node on it");
        }
        latency = Latency.of(nanos);
        return CheckResult.pass(NAME, String.format(Locale.ROOT, "%d writes of 512 bytes with fsync and rename: median %.1f ms, p99 %.1f ms, max %.1f ms",
                latency.samples(), latency.medianMillis(), latency.p99Millis(), latency.maxMillis()));
    }
}
