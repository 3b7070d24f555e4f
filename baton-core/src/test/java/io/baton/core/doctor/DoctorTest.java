package io.baton.core.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.DataDirectory;
import io.baton.core.cluster.LockTable;
import io.baton.core.config.ClusterConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {

    @TempDir
    Path tmp;

    private static Doctor.Settings settings(long minimumFreeBytes) {
        return new Doctor.Settings(20, minimumFreeBytes, Doctor.javaCommandOfThisProcess());
    }

    @Test
    void healthyDirectoryPassesEveryCheck() throws Exception {
        DataDirectory.init(tmp.resolve("data"));

        List<CheckResult> results = new Doctor(tmp.resolve("data"), settings(1)).run();

        Map<String, CheckResult.Status> byName = results.stream().collect(Collectors.toMap(CheckResult::name, CheckResult::status));
        assertThat(byName).containsOnlyKeys("cluster-settings", "writable", "free-space", "rename-atomicity", "fsync-latency",
                "lock-exclusion", "clock", "timings");
        assertThat(byName.values()).as("statuses of " + results).containsOnly(CheckResult.Status.PASS);
        try (var state = Files.list(tmp.resolve("data/state"))) {
            assertThat(state.map(p -> p.getFileName().toString()).toList()).as("state/ after the doctor").containsOnly("epochs", "nodes");
        }
    }

    @Test
    void missingDirectoryFailsWithInitHint() {
        List<CheckResult> results = new Doctor(tmp.resolve("absent"), settings(1)).run();

        assertThat(results).hasSize(1);
        assertThat(results.get(0).status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(results.get(0).fix()).contains("baton init");
    }

    @Test
    void incompleteLayoutFailsWritableAndInvalidSettingsFail() throws Exception {
        DataDirectory.init(tmp.resolve("data"));
        Files.delete(tmp.resolve("data/logs"));
        Files.writeString(tmp.resolve("data/cluster.yaml"), "lease: { duration: 2s }\n");

        List<CheckResult> results = new Doctor(tmp.resolve("data"), settings(1)).run();

        CheckResult writable = byName(results, "writable");
        assertThat(writable.status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(writable.detail()).contains(tmp.resolve("data/logs") + " is missing");
        CheckResult settings = byName(results, "cluster-settings");
        assertThat(settings.status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(settings.detail()).contains("duration");
        assertThat(byName(results, "timings").status()).isEqualTo(CheckResult.Status.SKIPPED);
    }

    @Test
    void lowFreeSpaceWarns() throws Exception {
        DataDirectory.init(tmp.resolve("data"));

        CheckResult free = new FreeSpaceCheck(tmp.resolve("data"), Long.MAX_VALUE).run();

        assertThat(free.status()).isEqualTo(CheckResult.Status.WARN);
        assertThat(free.fix()).contains("No space left on device");
    }

    @Test
    void slowShareFailsTimingsNamingSetting() {
        ClusterConfig cluster = ClusterConfig.parse(Path.of("cluster.yaml"), "lease: { duration: 15s, renewInterval: 2s, renewDeadline: 10s, pollInterval: 1s }\n");

        CheckResult timings = new TimingCheck(cluster, new Latency(50, 900, 3500, 4000)).run();

        assertThat(timings.status()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(timings.fix()).contains("raise lease.renewDeadline to at least 11000 ms");
    }

    @Test
    void shareSlowerThanRenewIntervalWarns() {
        ClusterConfig cluster = ClusterConfig.parse(Path.of("cluster.yaml"), "lease: { duration: 15s, renewInterval: 2s, renewDeadline: 10s, pollInterval: 1s }\n");

        CheckResult timings = new TimingCheck(cluster, new Latency(50, 900, 2500, 2600)).run();

        assertThat(timings.status()).isEqualTo(CheckResult.Status.WARN);
        assertThat(timings.fix()).contains("lease.renewInterval");
    }

    @Test
    void latencyPercentilesUseNearestRank() {
        long[] nanos = new long[200];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = (i + 1) * 1_000_000L;
        }

        Latency latency = Latency.of(nanos);

        assertThat(latency.medianMillis()).isEqualTo(100.5);
        assertThat(latency.p99Millis()).isEqualTo(198.0);
        assertThat(latency.maxMillis()).isEqualTo(200.0);
    }

    @Test
    void lockExclusionFailsWhenHolderTakesNoLock() throws Exception {
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        // The holder only prints "held" and takes nothing, as on a share whose locks are no-ops; the contender is the real probe.
        String realJava = Doctor.javaCommandOfThisProcess().stream().map(a -> "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
        String script = "if [ \"$2\" = hold ]; then echo held; cat >/dev/null; else exec " + realJava + " \"$@\"; fi";

        CheckResult result = new LockExclusionCheck(scratch, List.of("sh", "-c", script, "sh")).run();

        assertThat(result.status()).as(result.detail()).isEqualTo(CheckResult.Status.FAIL);
        assertThat(result.detail()).contains("exclusive-create while another process held it: acquired (expected excluded)")
                .contains("sqlite-begin-immediate while another process held it: acquired (expected excluded)")
                .contains("file-lock while another process held it: acquired (expected excluded)");
        assertThat(result.fix()).contains("does not give the exclusion Baton relies on");
    }

    @Test
    void lockTableShowsProbeHoldingJournalLock() throws Exception {
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        List<String> argv = new ArrayList<>(Doctor.javaCommandOfThisProcess());
        argv.addAll(List.of(LockProbe.class.getName(), "hold", scratch.toString()));
        Process holder = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            String line;
            while ((line = out.readLine()) != null && !line.equals("held")) {
                continue;
            }
            assertThat(line).as("holder output").isEqualTo("held");

            var holders = new LockTable().holders(scratch.resolve("probe.db"), ProcessHandle.current().pid());

            assertThat(holders).extracting(LockTable.Holder::pid).contains(holder.pid());
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
    }

    private static CheckResult byName(List<CheckResult> results, String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no check " + name));
    }
}
