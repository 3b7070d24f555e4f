package io.baton.dist;

import io.baton.testkit.NodeProcess;
import io.baton.testkit.OpenSshServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Shared pieces of the tests that run services against a real sshd: descriptor fragments, big files, watchers. */
final class SftpFixtures {

    static final long MB = 1024 * 1024;

    private SftpFixtures() {
    }

    /**
     * Returns the connection settings of a remote source or target on the test's sshd, logged in as root
     * with the server's client key. Five retries from 500 ms span 15.5 s, which covers a restart of sshd.
     */
    static String connection(OpenSshServer sshd, Path knownHosts) {
        return "credentials: { keyFile: " + sshd.clientKey() + " }, knownHosts: " + knownHosts
                + ", retries: 5, retryBackoff: 500ms, connectTimeout: 10s, idleTimeout: 10s";
    }

    /** Returns the {@code uri} of a folder on the test's sshd. */
    static String uri(OpenSshServer sshd, Path folder) {
        return "\"sftp://root@127.0.0.1:" + sshd.port() + folder + "\"";
    }

    /** Returns a service that copies each file of a local folder to a folder on the test's sshd and archives it locally. */
    static String uploadService(String name, OpenSshServer sshd, Path knownHosts, Path inbox, Path inbound, Path archive) {
        return """
                name: %s
                source: { path: %s }
                process: [ { type: copy } ]
                targets: [ { type: sftp, uri: %s, %s } ]
                onSuccess: { archive: "%s" }
                onFailure: { retries: 0 }
                """.formatted(name, inbox, uri(sshd, inbound), connection(sshd, knownHosts), archive);
    }

    /** Writes a file of pseudo-random bytes, so that a checksum tells a complete copy from a cut or repeated one. */
    static Path randomFile(Path file, long bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Random random = new Random(bytes);
        byte[] buffer = new byte[(int) MB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, (int) Math.min(buffer.length, bytes - written));
            }
        }
        return file;
    }

    /** Returns the hex SHA-256 of a file's content. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Returns every regular file under a folder, at any depth; empty when the folder is missing. */
    static List<Path> filesUnder(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            // A staging folder can vanish while the walk reads it; the caller polls again.
            return List.of();
        } catch (UncheckedIOException e) {
            return List.of();
        }
    }

    /**
     * Waits until a file under {@code root} whose name matches {@code name} has more than {@code bytes}
     * bytes, polling every 20 ms, and returns it.
     */
    static Path awaitGrowing(Path root, Predicate<String> name, long bytes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Path> found = filesUnder(root).stream()
                    .filter(p -> name.test(p.getFileName().toString()) && sizeOf(p) > bytes)
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no file under " + root + " passed " + bytes + " bytes within " + timeout + "; files: " + filesUnder(root));
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Triggers a run on another thread and returns its last-run record once it ended. */
    static CompletableFuture<com.fasterxml.jackson.databind.JsonNode> runInBackground(NodeProcess node, String service) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return TestCluster.runOnce(node, service);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a run of " + service, e);
            }
        });
    }

    /** Returns the text of every log file of the data directory, to search for a logged line. */
    static String logs(Path data) throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path log : filesUnder(data.resolve("logs"))) {
            all.append(Files.readString(log)).append('\n');
        }
        return all.toString();
    }
}
