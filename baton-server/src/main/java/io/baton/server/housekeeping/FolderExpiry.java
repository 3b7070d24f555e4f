package io.baton.server.housekeeping;

import io.baton.core.config.Durations;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes archived or quarantined inputs older than a rule's {@code keepFor} from its folder, with
 * their {@code .reason.txt}, and then the folders this left empty.
 *
 * <p>Only regular files with the names Baton gives (see {@link ExpiryRule.Kind}) are removed. The walk
 * stays inside the rule's folder and never follows a symbolic link. A file's age is measured from its
 * change time (ctime), which the link or copy into the archive or quarantine sets. The modification time
 * cannot serve, because an archived file keeps the input's. A later change of the file's metadata
 * (chmod, a new link) resets the ctime, so such a file is kept longer, never removed earlier.
 * A file that is the target of an open publish action is kept, so a pending disposition can finish.
 */
final class FolderExpiry {

    private static final Logger log = LoggerFactory.getLogger(FolderExpiry.class);

    private static final String REASON_SUFFIX = ".reason.txt";

    /** Counts of one folder's expiry, with the change time of the oldest Baton file kept. */
    record Counts(int files, long bytes, int folders, Instant oldestKept) {
    }

    private final BooleanSupplier mayWrite;
    private final Clock clock;

    FolderExpiry(BooleanSupplier mayWrite, Clock clock) {
        this.mayWrite = mayWrite;
        this.clock = clock;
    }

    /** Expires one folder; {@code openTargets} are the target paths of publish actions not yet DONE or SKIPPED. */
    Counts expire(ExpiryRule rule, Set<Path> openTargets) throws IOException {
        if (!Files.isDirectory(rule.root(), LinkOption.NOFOLLOW_LINKS)) {
            return new Counts(0, 0, 0, null);
        }
        Instant cutoff = clock.instant().minus(rule.keepFor());
        Walk walk = new Walk(rule, cutoff, openTargets);
        Files.walkFileTree(rule.root(), walk);
        Counts counts = new Counts(walk.files, walk.bytes, walk.folders, walk.oldestKept);
        log.info("Expired the {} folder {} (keepFor {}, services {}): {} file(s) older than {} removed, {} bytes, {} empty folder(s) removed; "
                + "oldest file kept changed at {}", rule.kind().name().toLowerCase(), rule.root(), Durations.format(rule.keepFor()), rule.services(),
                counts.files(), cutoff, counts.bytes(), counts.folders(), counts.oldestKept() == null ? "(none)" : counts.oldestKept());
        return counts;
    }

    private final class Walk extends SimpleFileVisitor<Path> {

        private final ExpiryRule rule;
        private final Instant cutoff;
        private final Set<Path> openTargets;
        /** Per open folder: whether this walk removed something inside it. */
        private final Deque<boolean[]> removedInside = new ArrayDeque<>();
        int files;
        long bytes;
        int folders;
        Instant oldestKept;

        Walk(ExpiryRule rule, Instant cutoff, Set<Path> openTargets) {
            this.rule = rule;
            this.cutoff = cutoff;
            this.openTargets = openTargets;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            removedInside.push(new boolean[1]);
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            if (!mayWrite.getAsBoolean()) {
                return FileVisitResult.TERMINATE;
            }
            if (!attrs.isRegularFile()) {
                return FileVisitResult.CONTINUE;
            }

            String name = file.getFileName().toString();
            boolean reasonFile = rule.kind() == ExpiryRule.Kind.QUARANTINE && name.endsWith(REASON_SUFFIX)
                    && rule.kind().isBatons(name.substring(0, name.length() - REASON_SUFFIX.length()));
            if (!rule.kind().isBatons(name) && !reasonFile) {
                return FileVisitResult.CONTINUE;
            }
            if (reasonFile && Files.exists(file.resolveSibling(name.substring(0, name.length() - REASON_SUFFIX.length())), LinkOption.NOFOLLOW_LINKS)) {
                // Removed together with its quarantined file.
                return FileVisitResult.CONTINUE;
            }

            Instant changed = changeTime(file);
            if (changed == null) {
                return FileVisitResult.CONTINUE;
            }
            if (!changed.isBefore(cutoff) || openTargets.contains(file)) {
                oldestKept = oldestKept == null || changed.isBefore(oldestKept) ? changed : oldestKept;
                return FileVisitResult.CONTINUE;
            }

            remove(file, attrs.size());
            if (!reasonFile) {
                Path reason = file.resolveSibling(name + REASON_SUFFIX);
                if (Files.isRegularFile(reason, LinkOption.NOFOLLOW_LINKS)) {
                    remove(reason, Files.size(reason));
                }
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            log.warn("Cannot read {} while expiring the {} folder {}: {}; it is skipped", file, rule.kind().name().toLowerCase(),
                    rule.root(), e.toString());
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            boolean removedHere = removedInside.pop()[0];
            boolean dated = dir.getFileName() != null && dir.getFileName().toString().matches("\\d{2}|\\d{4}");
            if (dir.equals(rule.root()) || !(removedHere || dated) || !mayWrite.getAsBoolean()) {
                return FileVisitResult.CONTINUE;
            }
            try {
                Files.delete(dir);
                folders++;
                markRemoved();
            } catch (DirectoryNotEmptyException notEmpty) {
                // The folder contains files that are kept, or the publisher just archived into it.
            }
            return FileVisitResult.CONTINUE;
        }

        private void remove(Path file, long size) throws IOException {
            try {
                Files.delete(file);
            } catch (NoSuchFileException gone) {
                return;
            }
            files++;
            bytes += size;
            markRemoved();
        }

        private void markRemoved() {
            if (!removedInside.isEmpty()) {
                removedInside.peek()[0] = true;
            }
        }
    }

    private static Instant changeTime(Path file) throws IOException {
        try {
            return ((FileTime) Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS)).toInstant();
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
