package io.baton.server.service;

import io.baton.core.publish.FileKeys;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a service's current folder, {@code services/<name>/}, with a copy of a stored version, so that
 * a crash at any point leaves either the old or the new version current, never a mix of their files.
 *
 * <p>The swap is three steps in {@code services/}: the new folder is built and synced as
 * {@code .deploy-<name>}; the current folder is renamed to {@code .old-<name>}; {@code .deploy-<name>}
 * is renamed to {@code <name>}. Each rename is atomic. A crash between the two renames leaves no
 * {@code <name>} but a complete {@code .old-<name>}, which {@link #recover} renames back, so the old
 * version stays current. After the second rename the new version is current, and a leftover
 * {@code .old-<name>} or {@code .deploy-<name>} is only removed.
 */
final class ServiceFolderSwap {

    private static final Logger log = LoggerFactory.getLogger(ServiceFolderSwap.class);

    private final Path services;

    ServiceFolderSwap(Path services) {
        this.services = services;
    }

    /** Makes the files of {@code version} (service.yaml, lib/*.jar, version.json) the current folder of {@code name}. */
    void install(String name, Path version) throws IOException {
        Path staging = services.resolve(".deploy-" + name);
        ServiceManager.deleteTree(staging);
        copyVersion(version, staging);

        Path current = services.resolve(name);
        Path old = services.resolve(".old-" + name);
        ServiceManager.deleteTree(old);
        if (Files.exists(current)) {
            Files.move(current, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, current, StandardCopyOption.ATOMIC_MOVE);
        FileKeys.syncDirectory(services);
        ServiceManager.deleteTree(old);
    }

    /**
     * Finishes or undoes a swap that a crash interrupted: restores {@code .old-<name>} when
     * {@code <name>} is missing, and removes every other leftover. Runs before the services load.
     */
    void recover() throws IOException {
        try (DirectoryStream<Path> olds = Files.newDirectoryStream(services, ".old-*")) {
            for (Path old : olds) {
                Path current = services.resolve(old.getFileName().toString().substring(".old-".length()));
                if (Files.exists(current)) {
                    log.info("Removing {}: the deploy that replaced it had finished", old);
                    ServiceManager.deleteTree(old);
                } else {
                    log.warn("Restoring {} from {}: a deploy stopped between its two renames, so the earlier version stays current",
                            current, old);
                    Files.move(old, current, StandardCopyOption.ATOMIC_MOVE);
                    FileKeys.syncDirectory(services);
                }
            }
        }
        try (DirectoryStream<Path> stagings = Files.newDirectoryStream(services, ".deploy-*")) {
            for (Path staging : stagings) {
                log.warn("Removing {}: a deploy stopped before it became current", staging);
                ServiceManager.deleteTree(staging);
            }
        }
    }

    /** Copies a version's files into a new, writable folder and syncs them, because the swap must not expose unsynced files. */
    private static void copyVersion(Path version, Path target) throws IOException {
        Files.createDirectories(target.resolve(VersionStore.LIB));
        copySynced(version.resolve(VersionStore.DESCRIPTOR), target.resolve(VersionStore.DESCRIPTOR));
        copySynced(version.resolve(VersionStore.RECORD), target.resolve(VersionStore.RECORD));
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(version.resolve(VersionStore.LIB), "*.jar")) {
            for (Path jar : jars) {
                copySynced(jar, target.resolve(VersionStore.LIB).resolve(jar.getFileName().toString()));
            }
        }
        FileKeys.syncDirectory(target.resolve(VersionStore.LIB));
        FileKeys.syncDirectory(target);
    }

    private static void copySynced(Path from, Path to) throws IOException {
        // A plain copy does not carry the stored version's read-only mode over to the current folder.
        Files.copy(from, to);
        Files.setPosixFilePermissions(to, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        FileKeys.syncFile(to);
    }
}
