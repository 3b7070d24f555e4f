package io.baton.core.doctor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Checks that the share excludes a second process while one holds an exclusive create, SQLite's
 * {@code BEGIN IMMEDIATE} and a POSIX file lock, and that all three are free again once the holder lets
 * go. Each side is a child JVM ({@link LockProbe}), because POSIX locks do not contend inside one
 * process. Both children run on this host, so the check proves the share's locking between two local
 * processes. Between hosts it is only as good as the file system's lock protocol.
 */
final class LockExclusionCheck {

    static final String NAME = "lock-exclusion";

    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

    private final Path scratch;
    private final List<String> javaCommand;

    /** @param javaCommand the command that starts a JVM with Baton's class path, up to the main class */
    LockExclusionCheck(Path scratch, List<String> javaCommand) {
        this.scratch = scratch;
        this.javaCommand = javaCommand;
    }

    CheckResult run() {
        Process holder = null;
        try {
            holder = start("hold");
            BufferedReader holderOut = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String output = awaitHeld(holderOut);
            if (output != null) {
                return CheckResult.fail(NAME, "the holder process could not take the locks in " + scratch + ": " + output,
                        "check that the folder is writable and that SQLite works there");
            }
            Map<String, String> whileHeld = tryOnce();
            holder.getOutputStream().close();
            if (!holder.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                return CheckResult.fail(NAME, "the holder process did not let go of its locks within " + CHILD_TIMEOUT.toSeconds() + " s",
                        "check the share for hung lock calls");
            }
            Map<String, String> afterRelease = tryOnce();
            return judge(whileHeld, afterRelease);
        } catch (IOException e) {
            return CheckResult.fail(NAME, "cannot run the lock probe processes: " + e, "check that Java can start from this installation");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.skipped(NAME, "interrupted");
        } finally {
            if (holder != null) {
                holder.destroyForcibly();
            }
        }
    }

    private CheckResult judge(Map<String, String> whileHeld, Map<String, String> afterRelease) {
        List<String> problems = new ArrayList<>();
        for (String kind : List.of(LockProbe.EXCLUSIVE_CREATE, LockProbe.SQLITE_BEGIN_IMMEDIATE, LockProbe.FILE_LOCK)) {
            String held = whileHeld.getOrDefault(kind, "missing");
            String released = afterRelease.getOrDefault(kind, "missing");
            if (!held.equals("excluded")) {
                problems.add(kind + " while another process held it: " + held + " (expected excluded)");
            }
            if (!released.equals("acquired")) {
                problems.add(kind + " after the holder let go: " + released + " (expected acquired)");
            }
        }
        if (!problems.isEmpty()) {
            return CheckResult.fail(NAME, String.join("; ", problems), "this file system does not give the exclusion Baton relies on: "
                    + "put the data directory on a local file system, or on NFSv4 with working locks");
        }
        return CheckResult.pass(NAME, "a second process was excluded from exclusive create, SQLite BEGIN IMMEDIATE and a file lock, "
                + "and got all three once the holder let go");
    }

    private Map<String, String> tryOnce() throws IOException, InterruptedException {
        Process contender = start("try");
        contender.getOutputStream().close();
        Map<String, String> outcomes = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(contender.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    outcomes.put(line.substring(0, space), line.substring(space + 1));
                }
            }
        }
        if (!contender.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            contender.destroyForcibly();
            throw new IOException("the contender process did not finish within " + CHILD_TIMEOUT.toSeconds() + " s");
        }
        return outcomes;
    }

    /** Starts a probe with its standard error merged into its output, where lines outside the protocol are ignored. */
    private Process start(String mode) throws IOException {
        List<String> argv = new ArrayList<>(javaCommand);
        argv.add(LockProbe.class.getName());
        argv.add(mode);
        argv.add(scratch.toString());
        return new ProcessBuilder(argv).redirectErrorStream(true).start();
    }

    /** Reads the holder's output up to its {@code held} line; returns null then, or the output when it ended without one. */
    private static String awaitHeld(BufferedReader reader) throws IOException {
        StringBuilder other = new StringBuilder();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.equals("held")) {
                return null;
            }
            if (other.length() < 2000) {
                other.append(line.trim()).append(' ');
            }
        }
        return other.isEmpty() ? "it exited without output" : other.toString().trim();
    }
}
