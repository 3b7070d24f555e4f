package io.baton.cli;

import io.baton.core.doctor.CheckResult;
import io.baton.core.doctor.Doctor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Checks a data directory and the lease timings without a running node: writable folders, lock exclusion "
                + "between two processes, write+fsync latency against lease.renewDeadline, atomic rename, free space, clocks "
                + "and timing margins. Exits 0 when every check passes or warns, 1 with the list of failures.")
final class DoctorCommand implements Callable<Integer> {

    @Option(names = "--home", description = "program directory of this node, for dataDirectory in conf/node.yaml (default: BATON_HOME)")
    Path home;

    @Option(names = "--data", description = "the data directory to check (default: dataDirectory in conf/node.yaml)")
    Path data;

    @Option(names = "--samples", defaultValue = "50", description = "number of timed writes with fsync (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--min-free-mb", defaultValue = "1024", description = "free space in MiB below which the check warns (default: ${DEFAULT-VALUE})")
    long minFreeMb;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dir = data != null ? data.toAbsolutePath().normalize() : NodeCommand.readConfig(Home.resolve(home)).dataDirectory();
        if (dir == null) {
            System.err.println("baton: no data directory to check: pass --data DIR or set dataDirectory in conf/node.yaml");
            return 2;
        }
        OptionRange.require(spec.commandLine(), "--samples", samples, 1, 100_000);
        OptionRange.requireAtLeast(spec.commandLine(), "--min-free-mb", minFreeMb, 0);
        System.out.println("Checking data directory " + dir);
        List<CheckResult> results = new Doctor(dir, new Doctor.Settings(samples, minFreeMb * 1024 * 1024, Doctor.javaCommandOfThisProcess())).run();
        for (CheckResult r : results) {
            System.out.printf("%-8s %-18s %s%n", r.status(), r.name(), r.detail());
            if (r.fix() != null && r.status() != CheckResult.Status.PASS) {
                System.out.printf("%-8s %-18s fix: %s%n", "", "", r.fix());
            }
        }
        System.out.println(summary(results));
        return results.stream().anyMatch(r -> r.status() == CheckResult.Status.FAIL) ? 1 : 0;
    }

    /** Builds the last line of the report: the failed checks, else the warnings, else that everything passed. */
    static String summary(List<CheckResult> results) {
        List<String> failed = names(results, CheckResult.Status.FAIL);
        List<String> warned = names(results, CheckResult.Status.WARN);
        String warnings = warned.size() + (warned.size() == 1 ? " warning" : " warnings") + " (" + String.join(", ", warned) + ")";
        if (!failed.isEmpty()) {
            return failed.size() + " check(s) failed: " + String.join(", ", failed) + (warned.isEmpty() ? "" : "; " + warnings);
        }
        if (!warned.isEmpty()) {
            return "Checks passed with " + warnings + "; see the fix lines above.";
        }
        return "All checks passed.";
    }

    private static List<String> names(List<CheckResult> results, CheckResult.Status status) {
        return results.stream().filter(r -> r.status() == status).map(CheckResult::name).toList();
    }
}
