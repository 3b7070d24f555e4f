package io.baton.server.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.core.journal.OperatorActions.Actor;
import io.baton.core.publish.FileKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kept versions of every service, under {@code services/.versions/<name>/<N>/}: {@code service.yaml},
 * {@code lib/*.jar} and {@code version.json}. The service loader skips folders whose names start with a
 * dot, and housekeeping never looks into {@code services/}, so nothing here is loaded or expired by
 * either. A stored version is made read-only and never changed; pruning removes whole versions, oldest
 * first.
 *
 * <p>A version appears by one rename of a complete folder, {@code .new-<N>} to {@code <N>}, so a crash
 * leaves either no version N or a complete one. A leftover {@code .new-<N>} is removed by the next
 * {@link #add}.
 */
final class VersionStore {

    private static final Logger log = LoggerFactory.getLogger(VersionStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String RECORD = "version.json";
    static final String DESCRIPTOR = "service.yaml";
    static final String LIB = "lib";

    private final Path root;

    VersionStore(Path services) {
        this.root = services.resolve(".versions");
    }

    Path folder(String service, int version) {
        return root.resolve(service).resolve(Integer.toString(version));
    }

    /** Returns the kept versions of a service, oldest first; an empty list for a service with none. */
    List<ServiceVersion> list(String service) throws IOException {
        List<ServiceVersion> out = new ArrayList<>();
        for (int n : numbers(service)) {
            out.add(readRecord(folder(service, n)));
        }
        return out;
    }

    /** Returns the version record of one kept version, or null when that version is not kept. */
    ServiceVersion find(String service, int version) throws IOException {
        Path folder = folder(service, version);
        return Files.isDirectory(folder) ? readRecord(folder) : null;
    }

    /**
     * Stores content as the service's next version, numbered one more than the highest version kept,
     * and returns its record.
     */
    ServiceVersion add(String service, ServiceContent content, Actor actor, Integer rollbackOf, Instant now) throws IOException {
        Path serviceRoot = root.resolve(service);
        Files.createDirectories(serviceRoot);
        removeUnfinished(serviceRoot);

        List<Integer> numbers = numbers(service);
        int next = numbers.isEmpty() ? 1 : numbers.get(numbers.size() - 1) + 1;
        ServiceVersion record = new ServiceVersion(service, next, now.toString(), actor.name(), actor.remoteAddress(), rollbackOf,
                content.descriptorSha256(), content.jarSha256());

        Path partial = serviceRoot.resolve(".new-" + next);
        write(partial, content, record);
        seal(partial);
        Files.move(partial, folder(service, next), StandardCopyOption.ATOMIC_MOVE);
        FileKeys.syncDirectory(serviceRoot);
        log.info("Stored version {} of service {} in {} (deployed by {} from {})", next, service, folder(service, next),
                record.deployedBy(), record.remoteAddress());
        return record;
    }

    /**
     * Reads the files of a kept version and checks them against the hashes in its record.
     *
     * @throws IOException when the version is missing, or a file was changed after it was stored
     */
    ServiceContent read(String service, int version) throws IOException {
        Path folder = folder(service, version);
        ServiceVersion record = readRecord(folder);
        String descriptor = Files.readString(folder.resolve(DESCRIPTOR), StandardCharsets.UTF_8);
        Map<String, byte[]> jars = new TreeMap<>();
        for (String jar : record.jarSha256().keySet()) {
            jars.put(jar, Files.readAllBytes(folder.resolve(LIB).resolve(jar)));
        }
        ServiceContent content = ServiceContent.of(descriptor, jars);

        if (!content.descriptorSha256().equals(record.descriptorSha256()) || !content.jarSha256().equals(record.jarSha256())) {
            throw new IOException("the files of version " + version + " of service " + service + " in " + folder
                    + " do not match the SHA-256 hashes in its " + RECORD + ": they were changed after the deploy; choose another"
                    + " version, or deploy the service again from its source");
        }
        return content;
    }

    /** Removes the oldest versions of a service beyond {@code keep}, and returns their numbers. The newest is always kept. */
    List<Integer> prune(String service, int keep) throws IOException {
        List<Integer> numbers = numbers(service);
        List<Integer> removed = new ArrayList<>();
        for (int i = 0; i < numbers.size() - Math.max(1, keep); i++) {
            remove(folder(service, numbers.get(i)));
            removed.add(numbers.get(i));
        }
        if (!removed.isEmpty()) {
            log.info("Removed version(s) {} of service {}: only the newest {} are kept (retention.versions.keep in cluster.yaml)",
                    removed, service, keep);
        }
        return removed;
    }

    /**
     * Removes the versions of a service newer than its current one. A deploy that crashed or failed
     * between storing a version and making it current leaves such a version, and that deploy did not take effect.
     */
    List<Integer> removeNewerThan(String service, int current) throws IOException {
        List<Integer> removed = new ArrayList<>();
        for (int n : numbers(service)) {
            if (n > current) {
                remove(folder(service, n));
                removed.add(n);
            }
        }
        if (!removed.isEmpty()) {
            log.warn("Removed version(s) {} of service {}: a deploy stopped before they became current, and version {} stayed"
                    + " current; deploy again if you still want them", removed, service, current);
        }
        return removed;
    }

    /** Writes the files of a version and its record into a new folder, each synced to storage. */
    static void write(Path folder, ServiceContent content, ServiceVersion record) throws IOException {
        Files.createDirectories(folder.resolve(LIB));
        writeSynced(folder.resolve(DESCRIPTOR), content.descriptor().getBytes(StandardCharsets.UTF_8));
        for (var jar : content.jars().entrySet()) {
            writeSynced(folder.resolve(LIB).resolve(jar.getKey()), jar.getValue());
        }
        writeSynced(folder.resolve(RECORD), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
        FileKeys.syncDirectory(folder.resolve(LIB));
        FileKeys.syncDirectory(folder);
    }

    /** Reads the {@code version.json} of a version folder or of a current service folder. */
    static ServiceVersion readRecord(Path folder) throws IOException {
        return JSON.readValue(Files.readAllBytes(folder.resolve(RECORD)), ServiceVersion.class);
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        FileKeys.syncFile(file);
    }

    private List<Integer> numbers(String service) throws IOException {
        Path serviceRoot = root.resolve(service);
        if (!Files.isDirectory(serviceRoot)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(serviceRoot)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("[1-9][0-9]{0,8}"))
                    .map(Integer::valueOf).sorted().toList();
        }
    }

    private static void removeUnfinished(Path serviceRoot) throws IOException {
        try (DirectoryStream<Path> partials = Files.newDirectoryStream(serviceRoot, ".new-*")) {
            for (Path partial : partials) {
                log.warn("Removing {}: a version that a crashed deploy did not finish storing", partial);
                remove(partial);
            }
        }
    }

    /** Makes a stored version read-only: files 0444, folders 0555. */
    private static void seal(Path folder) throws IOException {
        try (Stream<Path> tree = Files.walk(folder)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x" : "r--r--r--"));
            }
        }
    }

    /** Deletes a version folder, making its folders writable first because {@link #seal} made them read-only. */
    private static void remove(Path folder) throws IOException {
        try (Stream<Path> tree = Files.walk(folder)) {
            for (Path p : tree.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (NoSuchFileException e) {
            return;
        }
        CommittedWork.deleteTree(folder);
    }
}
