package io.baton.server.housekeeping;

import io.baton.core.journal.ActionKind;
import io.baton.core.journal.Journal;
import io.baton.core.journal.RunState;
import io.baton.core.journal.Runs;
import io.baton.core.journal.WorkItems;
import io.baton.core.journal.WorkItems.ActionRecord;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes orphaned staging: the item folders under {@code work/<service>/<epoch>-<run>/} whose run is
 * no longer RUNNING (ended, abandoned, or unknown to the journal), unless an open publish action
 * still reads a staged output from them. Publishing links or copies outputs from staging, so such a
 * folder stays until its actions are DONE or SKIPPED.
 *
 * <p>The run folders are listed before the journal is read. A run creates its run record in the
 * transaction of its first claim, before it creates any staging. So every folder in the listing belongs
 * to a run that the later journal read shows as RUNNING for as long as the run uses it.
 */
final class StagingCollector {

    private static final Logger log = LoggerFactory.getLogger(StagingCollector.class);

    private static final Pattern RUN_FOLDER = Pattern.compile("(\\d{1,18})-(\\d{1,18})");

    /** Counts of one collection. */
    record Counts(int itemFolders, int runFolders, long bytes, int keptForPublishing) {
    }

    private final Path work;
    private final Journal journal;
    private final BooleanSupplier mayWrite;

    StagingCollector(Path work, Journal journal, BooleanSupplier mayWrite) {
        this.work = work;
        this.journal = journal;
        this.mayWrite = mayWrite;
    }

    Counts collect() throws IOException {
        List<Path> runFolders = listRunFolders();
        if (runFolders.isEmpty()) {
            return new Counts(0, 0, 0, 0);
        }

        Map<Long, RunState> states = new HashMap<>();
        Set<Path> needed = new HashSet<>();
        journal.call(c -> {
            for (Path folder : runFolders) {
                long runId = runIdOf(folder);
                Runs.RunRecord run = Runs.byId(c, runId);
                states.put(runId, run == null ? null : run.state());
            }
            for (ActionRecord a : WorkItems.openActions(c)) {
                if (a.kind().readsStaging()) {
                    needed.add(Path.of(a.sourcePath()).getParent());
                }
            }
            return null;
        });

        int items = 0;
        int runs = 0;
        int kept = 0;
        long bytes = 0;
        for (Path runFolder : runFolders) {
            RunState state = states.get(runIdOf(runFolder));
            if (state == RunState.RUNNING) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(runFolder)) {
                for (Path item : entries) {
                    if (needed.contains(item)) {
                        kept++;
                        continue;
                    }
                    if (!mayWrite.getAsBoolean()) {
                        return new Counts(items, runs, bytes, kept);
                    }
                    bytes += FileTrees.delete(item);
                    items++;
                }
            }
            if (FileTrees.isEmptyFolder(runFolder)) {
                Files.delete(runFolder);
                runs++;
                log.debug("Removed the staging of run {} ({}): {}", runIdOf(runFolder), state == null ? "unknown to the journal" : state, runFolder);
            }
        }
        log.info("Staging collected in {}: {} item folder(s) and {} run folder(s) of runs no longer running removed, {} bytes; "
                + "{} item folder(s) kept for open publish actions", work, items, runs, bytes, kept);
        return new Counts(items, runs, bytes, kept);
    }

    /** Lists {@code work/<service>/<epoch>-<run>} folders; anything else in {@code work/} is left alone. */
    private List<Path> listRunFolders() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(work, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> services = Files.newDirectoryStream(work)) {
            for (Path service : services) {
                if (!Files.isDirectory(service, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> runs = Files.newDirectoryStream(service)) {
                    for (Path run : runs) {
                        if (Files.isDirectory(run, LinkOption.NOFOLLOW_LINKS) && RUN_FOLDER.matcher(run.getFileName().toString()).matches()) {
                            out.add(run);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static long runIdOf(Path runFolder) {
        Matcher m = RUN_FOLDER.matcher(runFolder.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a run folder: " + runFolder);
        }
        return Long.parseLong(m.group(2));
    }
}
