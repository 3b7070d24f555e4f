package io.baton.server.service;

import io.baton.core.journal.ActionKind;
import io.baton.core.journal.ItemAttempts;
import io.baton.core.journal.Runs;
import io.baton.core.journal.WorkItems;
import io.baton.core.journal.WorkItems.ActionRecord;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery at takeover, before any service starts: finish the publish actions that earlier epochs
 * committed, end the runs they left running, release their claims, and delete staging that no open
 * action needs any more.
 */
public final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {
    }

    public static void run(ActiveContext ctx) throws IOException {
        int published;
        try (CommittedWork committed = new CommittedWork(ctx)) {
            published = committed.publishOpen(null);
        }

        String reason = "abandoned at takeover by node " + ctx.nodeId() + " epoch " + ctx.epoch()
                + ": the node that ran it stopped before the run ended";
        String released = "claim released at takeover by epoch " + ctx.epoch();
        int[] counts = ctx.journal().call(c -> {
            // The attempts are ended first, because they are found through the items still CLAIMED.
            ItemAttempts.releaseAllOpen(c, released, ctx.clock().instant());
            return new int[] {
                Runs.abandonRunning(c, reason, ctx.clock().instant()),
                WorkItems.releaseAllClaimed(c, released)
            };
        });

        Set<Path> keep = ctx.journal().call(c -> {
            Set<Path> folders = new HashSet<>();
            for (ActionRecord a : WorkItems.openActions(c)) {
                if (a.kind().readsStaging()) {
                    folders.add(Path.of(a.sourcePath()).getParent());
                }
            }
            return folders;
        });
        int removed = collectStaging(ctx.data().work(), keep);

        log.info("Recovery on node {} epoch {}: {} committed item(s) published, {} run(s) abandoned, {} claim(s) released, "
                + "{} staging folder(s) removed", ctx.nodeId(), ctx.epoch(), published, counts[0], counts[1], removed);
    }

    /** Deletes item staging folders under work/SERVICE/EPOCH-RUN/ITEM unless an open action needs them. */
    private static int collectStaging(Path work, Set<Path> keep) throws IOException {
        int removed = 0;
        if (!Files.isDirectory(work)) {
            return 0;
        }
        try (DirectoryStream<Path> services = Files.newDirectoryStream(work, Files::isDirectory)) {
            for (Path service : services) {
                try (DirectoryStream<Path> runs = Files.newDirectoryStream(service, Files::isDirectory)) {
                    for (Path run : runs) {
                        try (DirectoryStream<Path> items = Files.newDirectoryStream(run)) {
                            for (Path item : items) {
                                if (!keep.contains(item)) {
                                    CommittedWork.deleteTree(item);
                                    removed++;
                                }
                            }
                        }
                        if (isEmpty(run)) {
                            Files.deleteIfExists(run);
                        }
                    }
                }
            }
        }
        return removed;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }
}
