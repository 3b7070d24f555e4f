package io.baton.server.housekeeping;

import io.baton.core.config.Durations;
import io.baton.core.config.ServiceDescriptor;
import io.baton.core.config.ServiceDescriptor.DispositionKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One folder whose old archived or quarantined inputs housekeeping removes, with the age after which
 * they go. Built from every loaded descriptor at each pass by {@link #plan}.
 *
 * <p>Several services may archive into one folder (the default {@code archive/{yyyy}/{MM}/{dd}} is
 * shared by every service that keeps it), and Baton's archive names do not say which service wrote
 * them. So a folder that overlaps the archive or quarantine folder of another service is expired only
 * when every such service sets a {@code keepFor}, and then after the longest of them. A folder that
 * overlaps a source or target folder, or that contains the data directory, is never expired.
 *
 * @param kind ARCHIVE or QUARANTINE, which decides the file names that are Baton's
 */
record ExpiryRule(Kind kind, Path root, Duration keepFor, List<String> services) {

    private static final Logger log = LoggerFactory.getLogger(ExpiryRule.class);

    /** Whose files a folder holds, and so which names Baton gave them. */
    enum Kind {
        /** Archived inputs, named {@code NAME.run-<run>.EXT} by the publisher. */
        ARCHIVE(Pattern.compile(".+\\.run-\\d+(\\.[^.]*)?")),
        /** Quarantined inputs, named {@code NAME.item-<item>.EXT} or {@code item-<item>}, each with a {@code .reason.txt}. */
        QUARANTINE(Pattern.compile(".+\\.item-\\d+(\\.[^.]*)?|item-\\d+"));

        final Pattern names;

        Kind(Pattern names) {
            this.names = names;
        }

        boolean isBatons(String fileName) {
            return names.matcher(fileName).matches();
        }
    }

    /** A folder a service disposes of inputs into, with that service's keepFor (null: for ever). */
    private record Folder(Kind kind, Path root, Duration keepFor, String service) {
    }

    /** Returns the folders to expire now; logs each configured folder that is left alone and why. */
    static List<ExpiryRule> plan(Collection<ServiceDescriptor> services, Path dataRoot) {
        List<Folder> folders = new ArrayList<>();
        List<Path> sourcesAndTargets = new ArrayList<>();
        for (ServiceDescriptor d : services) {
            // A remote source's archive folder is on its server, out of reach of local expiry.
            if (d.onSuccess().kind() == DispositionKind.ARCHIVE && d.source().remote() == null) {
                folders.add(new Folder(Kind.ARCHIVE, archiveRoot(d.onSuccess().archiveTemplate()), d.onSuccess().keepFor(), d.name()));
            }
            folders.add(new Folder(Kind.QUARANTINE, d.onFailure().quarantine().normalize(), d.onFailure().keepFor(), d.name()));
            if (d.source().path() != null) {
                sourcesAndTargets.add(d.source().path().normalize());
            }
            d.targets().stream().filter(t -> t.path() != null).forEach(t -> sourcesAndTargets.add(t.path().normalize()));
        }

        List<ExpiryRule> rules = new ArrayList<>();
        for (Folder f : folders) {
            if (f.keepFor() == null || rules.stream().anyMatch(r -> r.kind() == f.kind() && r.root().equals(f.root()))) {
                continue;
            }
            String unsafe = whyUnsafe(f, folders, sourcesAndTargets, dataRoot.normalize());
            if (unsafe != null) {
                log.warn("The {} folder {} of service {} is not expired although keepFor is {}: {}", f.kind().name().toLowerCase(),
                        f.root(), f.service(), Durations.format(f.keepFor()), unsafe);
                continue;
            }
            Duration keepFor = f.keepFor();
            List<String> sharing = new ArrayList<>();
            for (Folder other : folders) {
                if (overlaps(f.root(), other.root())) {
                    keepFor = keepFor.compareTo(other.keepFor()) >= 0 ? keepFor : other.keepFor();
                    sharing.add(other.service());
                }
            }
            rules.add(new ExpiryRule(f.kind(), f.root(), keepFor, sharing.stream().distinct().sorted().toList()));
        }
        return rules;
    }

    /** Returns why expiring the folder could remove files that are not its own, or null when it is safe. */
    private static String whyUnsafe(Folder f, List<Folder> folders, List<Path> sourcesAndTargets, Path dataRoot) {
        if (dataRoot.startsWith(f.root())) {
            return "it contains the data directory " + dataRoot;
        }
        for (Path p : sourcesAndTargets) {
            if (overlaps(f.root(), p)) {
                return "it overlaps the source or target folder " + p;
            }
        }
        for (Folder other : folders) {
            if (other.keepFor() == null && overlaps(f.root(), other.root())) {
                return "it overlaps the " + other.kind().name().toLowerCase() + " folder " + other.root() + " of service "
                        + other.service() + ", which sets no keepFor and so keeps its files for ever";
            }
        }
        return null;
    }

    /** Returns the fixed part of an archive folder template: the folder above its first placeholder. */
    static Path archiveRoot(String template) {
        int brace = template.indexOf('{');
        if (brace < 0) {
            return Path.of(template).normalize();
        }
        String fixed = template.substring(0, brace);
        int slash = fixed.lastIndexOf('/');
        return Path.of(slash <= 0 ? "/" : fixed.substring(0, slash)).normalize();
    }

    private static boolean overlaps(Path a, Path b) {
        return a.startsWith(b) || b.startsWith(a);
    }
}
