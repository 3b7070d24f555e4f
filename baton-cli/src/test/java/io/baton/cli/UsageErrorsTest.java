package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.core.doctor.CheckResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The CLI in-process: arguments it rejects before calling a node (exit 2 with the allowed values), help
 * text, and the human views of {@code baton status}. No node runs, so a call that got past the checks
 * would fail with exit 1 instead.
 */
class UsageErrorsTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine cl = Baton.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs a command that reports on System.err, as the commands do once their arguments are parsed. */
    private static Result runWithSystemErr(String... args) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            Result r = run(args);
            return new Result(r.exitCode(), r.out(), r.err() + captured.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void cronCountOutOfRange() {
        Result r = run("cron", "0 * * * * *", "--count", "120", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--count 120").contains("1 to 100");
    }

    @Test
    void settingsSetWithoutValue() {
        Result r = run("settings", "orders", "--set", "region", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("invalid --set 'region'").contains("KEY=VALUE");
    }

    @Test
    void variablesInvalidName() {
        Result r = run("variables", "--secret", "1abc", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("invalid variable name '1abc'");
    }

    @Test
    void autostartInvalidValue() {
        Result r = run("autostart", "orders", "maybe", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("invalid value 'maybe'").contains("on, off or descriptor");
    }

    @Test
    void settingsHelpShowsReferenceSyntax() {
        Result r = run("settings", "--help");

        assertThat(r.out()).contains("${NAME}").contains("write $${ for a").contains("--secret-stdin");
    }

    @Test
    void cronHelpStatesCountRange() {
        Result r = run("cron", "--help");

        assertThat(r.out()).contains("1 to 100");
    }

    @Test
    void retryStateNotAllowed() {
        Result r = run("retry", "--service", "orders", "--state", "DISPOSED", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("invalid --state DISPOSED").contains("DISPOSITION_PENDING");
    }

    @Test
    void retryHelpListsEveryState() {
        Result r = run("retry", "--help");

        for (String state : new String[] {"QUARANTINED", "FAILED", "PUBLISH_BLOCKED", "DISPOSITION_PENDING"}) {
            assertThat(r.out().replaceAll("\\s+", " ")).as("retry --help names " + state).contains(state);
        }
    }

    @Test
    void statusOfInvalidService() throws Exception {
        JsonNode invalid = Api.JSON.readTree("""
                {"name": "orders", "state": "INVALID", "reason": "service.yaml is missing in /data/services/orders",
                 "descriptorValid": false, "paused": false, "nextSlots": [], "runInProgress": false}
                """);

        String text = ServiceCommands.Status.serviceText(invalid);

        assertThat(text).contains("INVALID (service.yaml is missing").contains("descriptor: invalid");
        assertThat(text).doesNotContain("schedule:").doesNotContain("autoStart:");
    }

    @Test
    void statusOfNodeForPeople() throws Exception {
        JsonNode node = Api.JSON.readTree("""
                {"nodeId": "a", "role": "ACTIVE", "epoch": 3, "activeNode": "a", "dataDirectory": "/data",
                 "workerSlots": {"max": 4, "inUse": ["orders", "rates"], "waiting": ["late"]}}
                """);

        String text = ServiceCommands.Status.nodeText(node);

        assertThat(text).contains("role:       ACTIVE, epoch 3");
        assertThat(text).contains("workers:    2 running (max 4): orders, rates");
        assertThat(text).contains("waiting:    late");
        assertThat(text).doesNotContain("{");
    }

    @Test
    void nodeStopTakesDuration() {
        Result r = run("node", "stop", "--timeout", "30s", "--home", "/nonexistent-baton-home");

        // Past the option check, the call fails for want of a node: exit 1, not a usage error.
        assertThat(r.exitCode()).as("exit code, err: " + r.err()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("not an int");
    }

    @Test
    void nodeStopTakesPlainSeconds() {
        Result r = run("node", "stop", "--timeout", "30", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).as("exit code, err: " + r.err()).isEqualTo(1);
    }

    @Test
    void nodeStopInvalidTimeout() {
        Result r = run("node", "stop", "--timeout", "soon", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("invalid duration 'soon'").contains("30s").contains("whole seconds");
    }

    @Test
    void switchoverTakesPlainSeconds() {
        Result r = run("switchover", "--timeout", "30", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).as("exit code, err: " + r.err()).isEqualTo(1);
    }

    @Test
    void itemIdNotANumber() {
        Result r = run("retry", "abc", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("baton: work item id must be a whole number, not 'abc'").contains("see: baton retry --help");
        assertThat(r.err()).doesNotContain("is not a long");
    }

    @Test
    void rollbackVersionNotANumber() {
        Result r = run("rollback", "orders", "abc", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("baton: version to deploy again must be a whole number, not 'abc'; see: baton rollback --help");
    }

    @Test
    void deployRejectsUnknownFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path fakeZip = java.nio.file.Files.writeString(tmp.resolve("orders.zip"), "name: orders\n");
        java.nio.file.Path binary = java.nio.file.Files.write(tmp.resolve("orders.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});

        Result zip = runWithSystemErr("deploy", fakeZip.toString(), "--home", "/nonexistent-baton-home");
        Result bin = runWithSystemErr("deploy", binary.toString(), "--home", "/nonexistent-baton-home");

        assertThat(zip.exitCode()).isEqualTo(1);
        assertThat(zip.err()).contains(fakeZip + " is not a zip archive").contains("baton export");
        assertThat(bin.exitCode()).isEqualTo(1);
        assertThat(bin.err()).contains(binary + " is neither a zip archive nor a UTF-8 text descriptor");
    }

    @Test
    void initOnFileExplained(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("not-a-folder"), "x");

        Result r = run("init", file.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("baton: " + file + ": a file of that name already exists").contains("choose another path");
    }

    @Test
    void limitNotANumber() {
        Result r = run("runs", "orders", "--limit", "ten", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--limit must be a whole number, not 'ten'");
    }

    @Test
    void otherUsageErrorsUnchanged() {
        Result r = run("runs", "orders", "--no-such-option", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void clusterWithoutDataDirectory() {
        Result r = run("cluster", "--data", "/nonexistent-baton-data");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("/nonexistent-baton-data/cluster.yaml is missing").contains("not a data directory")
                .contains("pass --data DIR");
    }

    @Test
    void nodeStopWithoutNode() {
        Result r = run("node", "stop", "--home", "/nonexistent-baton-home");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no node is running in /nonexistent-baton-home").contains("nothing to stop");
        assertThat(r.err()).doesNotContain("start one");
    }

    @Test
    void statusOfPassiveNode() throws Exception {
        JsonNode node = Api.JSON.readTree("""
                {"nodeId": "b", "role": "PASSIVE", "epoch": 0, "highestEpochSeen": 4, "activeNode": "a", "dataDirectory": "/data"}
                """);

        String text = ServiceCommands.Status.nodeText(node);

        assertThat(text).contains("role:       PASSIVE, no epoch (highest seen: 4)");
        assertThat(text).doesNotContain("epoch 0");
    }

    @Test
    void doctorSummaryCountsWarnings() {
        List<CheckResult> results = List.of(CheckResult.pass("writable", "ok"), CheckResult.warn("free-space", "5 MiB", "free space"));

        assertThat(DoctorCommand.summary(results)).isEqualTo("Checks passed with 1 warning (free-space); see the fix lines above.");
    }

    @Test
    void doctorSummaryNamesFailures() {
        List<CheckResult> results = List.of(CheckResult.fail("writable", "no", "chmod"), CheckResult.warn("free-space", "5 MiB", "free space"));

        assertThat(DoctorCommand.summary(results)).isEqualTo("1 check(s) failed: writable; 1 warning (free-space)");
    }

    @Test
    void doctorSummaryAllPassed() {
        assertThat(DoctorCommand.summary(List.of(CheckResult.pass("writable", "ok")))).isEqualTo("All checks passed.");
    }

    @Test
    void numericOptionsOutOfRange() {
        String home = "/nonexistent-baton-home";
        String[][] cases = {
            {"--limit -1", "1 to 10000", "schedule", "orders", "--limit", "-1", "--home", home},
            {"--limit 0", "1 to 10000", "runs", "orders", "--limit", "0", "--home", home},
            {"--limit 10001", "1 to 10000", "actions", "--limit", "10001", "--home", home},
            {"--limit 0", "1 to 10000", "audit", "--limit", "0", "--home", home},
            {"--limit -5", "1 to 10000", "logs", "--limit", "-5", "--home", home},
            {"--limit 0", "1 to 100000", "lineage", "--service", "orders", "--limit", "0", "--home", home},
            {"--count 0", "1 to 100", "cron", "0 * * * * *", "--count", "0", "--home", home},
            {"VERSION 0", "1 or more", "rollback", "orders", "0", "--home", home},
            {"--version -1", "1 or more", "export", "orders", "--version", "-1", "--output", "/tmp/orders.zip", "--home", home},
            {"--api-port 70000", "0 to 65535", "node", "--api-port", "70000", "--home", home},
            {"--samples 0", "1 to 100000", "doctor", "--data", "/tmp", "--samples", "0"},
            {"--min-free-mb -1", "0 or more", "doctor", "--data", "/tmp", "--min-free-mb", "-1"},
        };
        for (String[] c : cases) {
            Result r = run(java.util.Arrays.copyOfRange(c, 2, c.length));
            String command = String.join(" ", java.util.Arrays.copyOfRange(c, 2, c.length));

            assertThat(r.exitCode()).as("exit code of: baton " + command).isEqualTo(2);
            assertThat(r.err()).as("error of: baton " + command).contains("invalid " + c[0] + ": expected a whole number")
                    .contains(c[1]);
        }
    }

    @Test
    void shortPasswordRejected() {
        java.io.InputStream original = System.in;
        try {
            for (String command : new String[] {"add", "passwd"}) {
                System.setIn(new java.io.ByteArrayInputStream("short\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                Result r = command.equals("add")
                        ? run("user", "add", "dave", "--role", "viewer", "--password-stdin", "--home", "/nonexistent-baton-home")
                        : run("user", "passwd", "dave", "--password-stdin", "--home", "/nonexistent-baton-home");

                assertThat(r.exitCode()).as("exit code of user " + command).isEqualTo(2);
                assertThat(r.err()).as("error of user " + command).contains("invalid password for user dave: it has 5 characters")
                        .contains("at least 8");
            }
        } finally {
            System.setIn(original);
        }
    }
}
