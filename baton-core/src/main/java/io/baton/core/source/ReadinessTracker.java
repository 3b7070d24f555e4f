package io.baton.core.source;

import io.baton.core.config.ServiceDescriptor.ReadinessSpec;
import io.baton.core.source.FolderSource.Candidate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which listed files are complete, and remembers why the others wait.
 *
 * <p>Stability is observed, never inferred: a file is stable once its size, modification time and
 * change time have stayed the same across this node's polls for {@code stableFor}, measured on the
 * monotonic clock. A writer that restores an old modification time after each write still changes
 * the size or the change time, so it keeps the file waiting. Observations live in memory only: after a
 * restart or a failover, every file waits out {@code stableFor} again, which can delay a file but never
 * take an incomplete one.
 *
 * <p>With a done-file rule, a file waits until its done file exists, however stable it looks; done
 * files themselves are never candidates. Not thread-safe: one service's runs use it one at a time.
 *
 * <p>NOTE: done files are left in the source folder after their input is disposed of.
 */
public final class ReadinessTracker {

    /** A file that is not ready, with the reason and the instant (ISO-8601) since which it is unchanged. */
    public record Waiting(String relPath, String reason, String since) {
    }

    private record Observation(long size, long mtimeNanos, long ctimeNanos, long sinceNanos, Instant since) {
    }

    private final ReadinessSpec spec;
    private final Map<String, Observation> observed = new HashMap<>();
    /** Ready files that could not be claimed at their last try, by relative path, with the reason. */
    private final Map<String, Waiting> claimProblems = new java.util.LinkedHashMap<>();
    /** Names in the folder that the source never takes, such as symbolic links, as of the last report. */
    private Map<String, Waiting> neverTaken = Map.of();
    /** Files that were not ready at the last poll. */
    private List<Waiting> notReady = List.of();
    /**
     * The list that {@link #waiting()} returns, rebuilt from the three parts above after each change. A reader
     * between a poll and its claim checks therefore still gets the files whose claim keeps failing.
     */
    private volatile List<Waiting> waiting = List.of();

    private final List<java.nio.file.PathMatcher> temporaryNames = new ArrayList<>();

    public ReadinessTracker(ReadinessSpec spec) {
        this.spec = spec;
        for (String glob : spec.temporaryNames()) {
            temporaryNames.add(java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
    }

    /**
     * Returns the candidates that are ready, in their listed order, and records why the others wait.
     *
     * @param nowNanos the monotonic clock ({@link System#nanoTime()})
     */
    public List<Candidate> ready(List<Candidate> listed, long nowNanos, Instant now) {
        return ready(listed, Set.of(), nowNanos, now);
    }

    /**
     * Returns the ready candidates as {@link #ready(List, long, Instant)} does. {@code present} contains the
     * other files of the folder, those the include and exclude globs left out, because a done file need
     * not match the input's globs.
     */
    public List<Candidate> ready(List<Candidate> listed, Set<String> present, long nowNanos, Instant now) {
        Set<String> names = new HashSet<>(present);
        for (Candidate c : listed) {
            names.add(c.identity().relPath());
        }

        List<Candidate> ready = new ArrayList<>();
        List<Waiting> waits = new ArrayList<>();
        Map<String, Observation> seen = new HashMap<>();
        for (Candidate c : listed) {
            String rel = c.identity().relPath();
            if (isDoneFile(rel)) {
                continue;
            }
            Observation o = observe(c.identity(), nowNanos, now);
            seen.put(rel, o);
            String reason = waitReason(rel, o, names, nowNanos);
            if (reason == null) {
                ready.add(c);
            } else {
                waits.add(new Waiting(rel, reason, o.since().toString()));
            }
        }
        // Files no longer listed are forgotten, so the map cannot grow without bound.
        observed.keySet().retainAll(seen.keySet());
        observed.putAll(seen);
        // A claim problem is kept only while its file stays ready; a file that waits again shows that reason.
        claimProblems.keySet().retainAll(ready.stream().map(c -> c.identity().relPath()).toList());
        notReady = List.copyOf(waits);
        publish();
        return ready;
    }

    /**
     * Records that a ready file could not be claimed, so that {@link #waiting()} shows it with the
     * reason until a claim check passes. Returns true when the reason is new for that file, so that the
     * caller logs it once and not on every poll.
     */
    public boolean claimFailed(String relPath, String reason, Instant now) {
        String shown = "cannot be claimed: " + reason;
        Waiting before = claimProblems.get(relPath);
        boolean isNew = before == null || !before.reason().equals(shown);
        if (isNew) {
            claimProblems.put(relPath, new Waiting(relPath, shown, now.toString()));
            publish();
        }
        return isNew;
    }

    /**
     * Lists the names that the source never takes, such as symbolic links, as waiting with the reason
     * until they are gone. Each call replaces the names of the call before.
     */
    public void neverTaken(List<String> relPaths, String reason, Instant now) {
        Map<String, Waiting> names = new HashMap<>();
        for (String rel : relPaths) {
            Waiting before = neverTaken.get(rel);
            names.put(rel, before != null ? before : new Waiting(rel, reason, now.toString()));
        }
        neverTaken = names;
        publish();
    }

    /** Forgets an earlier claim problem of a file that passed the claim check. */
    public void claimPassed(String relPath) {
        if (claimProblems.remove(relPath) != null) {
            publish();
        }
    }

    private void publish() {
        List<Waiting> all = new ArrayList<>(notReady);
        all.addAll(claimProblems.values());
        all.addAll(neverTaken.values());
        waiting = List.copyOf(all);
    }

    /** Files that waited at the last poll, with their reasons. */
    public List<Waiting> waiting() {
        return waiting;
    }

    private Observation observe(FileIdentity id, long nowNanos, Instant now) {
        Observation before = observed.get(id.relPath());
        boolean unchanged = before != null && before.size() == id.size() && before.mtimeNanos() == id.mtimeNanos()
                && before.ctimeNanos() == id.ctimeNanos();
        return unchanged ? before : new Observation(id.size(), id.mtimeNanos(), id.ctimeNanos(), nowNanos, now);
    }

    private String waitReason(String rel, Observation o, Set<String> names, long nowNanos) {
        java.nio.file.Path fileName = java.nio.file.Path.of(rel).getFileName();
        for (int i = 0; i < temporaryNames.size(); i++) {
            if (temporaryNames.get(i).matches(fileName)) {
                return "temporary name (matches " + spec.temporaryNames().get(i) + "): waits until the writer renames it";
            }
        }
        if (spec.doneFile() != null && !names.contains(doneFileOf(rel))) {
            return "waiting for the done file " + doneFileOf(rel);
        }
        Duration stableFor = spec.stableFor();
        if (stableFor != null && !stableFor.isZero()) {
            long stableMillis = (nowNanos - o.sinceNanos()) / 1_000_000;
            if (stableMillis < stableFor.toMillis()) {
                return "not stable yet: size " + o.size() + " bytes and times unchanged for " + stableMillis + " ms of "
                        + stableFor.toMillis() + " ms";
            }
        }
        return null;
    }

    /**
     * Tells whether a file is a done file by its name: it has the template's text before and after the
     * placeholder. Done files stay in the source folder after their input is disposed of, and they
     * must never be taken for inputs.
     */
    private boolean isDoneFile(String relPath) {
        if (spec.doneFile() == null) {
            return false;
        }
        String name = relPath.substring(relPath.lastIndexOf('/') + 1);
        String template = spec.doneFile();
        String placeholder = template.contains("{name}") ? "{name}" : "{basename}";
        int at = template.indexOf(placeholder);
        String prefix = template.substring(0, at);
        String suffix = template.substring(at + placeholder.length());
        return name.length() > prefix.length() + suffix.length() && name.startsWith(prefix) && name.endsWith(suffix);
    }

    /** Returns the done file that belongs to an input, beside it in the same folder. */
    public String doneFileOf(String relPath) {
        int slash = relPath.lastIndexOf('/');
        String dir = slash < 0 ? "" : relPath.substring(0, slash + 1);
        String name = relPath.substring(slash + 1);
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return dir + spec.doneFile().replace("{name}", name).replace("{basename}", base);
    }
}
