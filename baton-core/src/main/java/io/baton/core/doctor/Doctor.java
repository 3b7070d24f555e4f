package io.baton.core.doctor;

import io.baton.core.DataDirectory;
import io.baton.core.config.ClusterConfig;
import io.baton.core.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks whether a data directory and its lease timings can carry a cluster, without a running node.
 * The checks: the folders are writable, and the share excludes a second process the way the journal
 * and the epochs need. Renames are atomic, writes with fsync are fast enough for the lease timings,
 * there is free space, and the clocks behave. It writes only in a scratch folder under {@code state/}, which it removes, so
 * it may run next to a live node.
 */
public final class Doctor {

    /**
     * @param samples how many writes with fsync to time
     * @param minimumFreeBytes free space below which the free-space check warns
     * @param javaCommand starts a JVM with Baton's class path, for the lock probe processes
     */
    public record Settings(int samples, long minimumFreeBytes, List<String> javaCommand) {
    }

    private final DataDirectory data;
    private final Settings settings;

    public Doctor(Path dataDirectory, Settings settings) {
        this.data = new DataDirectory(dataDirectory);
        this.settings = settings;
    }

    /** Returns the command that starts a JVM like this one, on this process's class path. */
    public static List<String> javaCommandOfThisProcess() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"));
    }

    public List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        if (!Files.isDirectory(data.root())) {
            results.add(CheckResult.fail("data-directory", data.root() + " is not a directory",
                    "create a data directory with: baton init " + data.root()));
            return results;
        }

        ClusterConfig cluster = readClusterSettings(results);
        results.add(new WritableCheck(data).run());
        results.add(new FreeSpaceCheck(data.root(), settings.minimumFreeBytes()).run());

        Path scratch = data.state().resolve(".doctor-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(scratch);
        } catch (IOException e) {
            String why = "cannot create the scratch folder " + scratch + ": " + e;
            for (String name : List.of(RenameCheck.NAME, FsyncLatencyCheck.NAME, LockExclusionCheck.NAME, ClockCheck.NAME, TimingCheck.NAME)) {
                results.add(CheckResult.skipped(name, why));
            }
            return results;
        }
        try {
            results.add(new RenameCheck(scratch).run());
            FsyncLatencyCheck latency = new FsyncLatencyCheck(scratch, settings.samples());
            results.add(latency.run());
            results.add(new LockExclusionCheck(scratch, settings.javaCommand()).run());
            results.add(new ClockCheck(scratch).run());
            results.add(cluster == null ? CheckResult.skipped(TimingCheck.NAME, "cluster.yaml is invalid")
                    : new TimingCheck(cluster, latency.latency()).run());
        } finally {
            deleteTree(scratch, results);
        }
        return results;
    }

    private ClusterConfig readClusterSettings(List<CheckResult> results) {
        try {
            ClusterConfig cluster = ClusterConfig.parse(data.clusterFile(), Files.readString(data.clusterFile(), StandardCharsets.UTF_8));
            results.add(CheckResult.pass("cluster-settings", data.clusterFile() + " is valid"));
            return cluster;
        } catch (ConfigException e) {
            results.add(CheckResult.fail("cluster-settings", e.getMessage(), "correct the field named above in " + data.clusterFile()));
        } catch (IOException e) {
            results.add(CheckResult.fail("cluster-settings", "cannot read " + data.clusterFile() + ": " + e,
                    "create it with: baton init " + data.root()));
        }
        return null;
    }

    private static void deleteTree(Path folder, List<CheckResult> results) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            results.add(CheckResult.warn("cleanup", "cannot remove the scratch folder " + folder + ": " + e, "remove it by hand"));
        }
    }
}
