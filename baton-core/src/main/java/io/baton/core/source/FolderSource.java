package io.baton.core.source;

import io.baton.core.config.ServiceDescriptor.FileOrder;
import io.baton.core.config.ServiceDescriptor.SourceSpec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the candidate files of a folder source: regular files that match the include globs and none
 * of the exclude globs. Symbolic links are not followed, so a link in the inbox cannot make Baton
 * read or dispose of a file outside it. A glob containing '/' is matched against the relative path,
 * any other against the file name.
 */
public final class FolderSource {

    private static final Logger log = LoggerFactory.getLogger(FolderSource.class);

    private final SourceSpec spec;
    private final List<PathMatcher> include;
    private final List<PathMatcher> exclude;
    private final List<Boolean> includeOnPath;
    private final List<Boolean> excludeOnPath;
    /** Relative paths of every regular file at the last listing, matching the globs or not: done files need not match them. */
    private Set<String> present = Set.of();
    private Set<String> links = Set.of();

    public FolderSource(SourceSpec spec) {
        this.spec = spec;
        this.include = spec.include().stream().map(FolderSource::matcher).toList();
        this.exclude = spec.exclude().stream().map(FolderSource::matcher).toList();
        this.includeOnPath = spec.include().stream().map(g -> g.contains("/")).toList();
        this.excludeOnPath = spec.exclude().stream().map(g -> g.contains("/")).toList();
    }

    private static PathMatcher matcher(String glob) {
        return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    }

    /** A listed file with the identity read at listing time. */
    public record Candidate(Path path, FileIdentity identity) {
    }

    public Path folder() {
        return spec.path();
    }

    /**
     * Lists the candidates in the configured order. A file that disappears while it is listed is left
     * out; it is no candidate.
     *
     * @throws NoSuchFileException when the source folder itself is missing
     */
    public List<Candidate> list() throws IOException {
        Path root = spec.path();
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "source folder is missing; create it or fix source.path");
        }
        List<Candidate> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        present = seen;
        links = new java.util.TreeSet<>();
        if (spec.recursive()) {
            // The root itself may be a link to the real inbox; links inside it are still not followed.
            walk(root.toRealPath(), out);
        } else {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
                for (Path p : entries) {
                    consider(root, p, out);
                }
            }
        }
        Comparator<Candidate> order = spec.order() == FileOrder.MODIFIED
                ? Comparator.comparingLong((Candidate c) -> c.identity().mtimeNanos()).thenComparing(c -> c.identity().relPath())
                : Comparator.comparing((Candidate c) -> c.identity().relPath());
        out.sort(order);
        return out;
    }

    private void walk(Path root, List<Candidate> out) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                consider(root, file, out);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                log.warn("Cannot list {}: {}; it is skipped", file, e.toString());
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Returns the relative paths of the symbolic links that the last {@link #list()} found under the globs and
     * left out, because links are not followed; the caller reports them once and lists them as waiting.
     */
    public Set<String> skippedLinks() {
        return links;
    }

    /** Returns the relative paths of every regular file seen by the last {@link #list()}, whatever the globs. */
    public Set<String> present() {
        return present;
    }

    private void consider(Path root, Path file, List<Candidate> out) {
        String rel = relative(root, file);
        if (!matches(rel, file.getFileName())) {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                present.add(rel);
            }
            return;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(file)) {
                links.add(rel);
            }
            return;
        }
        present.add(rel);
        try {
            out.add(new Candidate(file, FileIdentity.of(file, rel)));
        } catch (NoSuchFileException e) {
            log.debug("File {} vanished while listing", rel);
        } catch (IOException e) {
            log.warn("Cannot read the attributes of {}: {}; it is skipped", file, e.toString());
        }
    }

    private boolean matches(String rel, Path name) {
        Path relPath = Path.of(rel);
        boolean included = false;
        for (int i = 0; i < include.size() && !included; i++) {
            included = include.get(i).matches(includeOnPath.get(i) ? relPath : name);
        }
        if (!included) {
            return false;
        }
        for (int i = 0; i < exclude.size(); i++) {
            if (exclude.get(i).matches(excludeOnPath.get(i) ? relPath : name)) {
                return false;
            }
        }
        return true;
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }
}
