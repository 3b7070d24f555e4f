package io.baton.server.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pid files of running workers in the node-local {@code run/workers/} folder: the pid and start time
 * of each worker process, and the pid of the daemon that started it. A daemon that starts kills every
 * worker a dead predecessor left behind. The start time guards against killing an unrelated process
 * that reused a pid, and the daemon pid against killing the worker of a live daemon whose {@code run/}
 * folder was copied along with a program directory.
 */
public final class PidFiles {

    private static final Logger log = LoggerFactory.getLogger(PidFiles.class);

    private final Path folder;

    public PidFiles(Path folder) {
        this.folder = folder;
    }

    void write(String service, long pid, Instant started) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(service + ".pid"), pid + " " + (started == null ? "-" : started.toString()) + " "
                + ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
    }

    void remove(String service, long pid) {
        Path file = folder.resolve(service + ".pid");
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).startsWith(pid + " ")) {
                Files.delete(file);
            }
        } catch (IOException e) {
            log.warn("Cannot remove worker pid file {}: {}", file, e.toString());
        }
    }

    /** Kills the process group of every worker left by an earlier daemon; returns how many were alive. */
    public int killLeftovers() throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        int killed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.pid")) {
            for (Path file : files) {
                String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
                long pid = Long.parseLong(parts[0]);
                long owner = parts.length > 2 ? Long.parseLong(parts[2]) : -1;
                boolean ownerAlive = owner > 0 && owner != ProcessHandle.current().pid()
                        && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
                if (ownerAlive) {
                    log.warn("Leaving worker {} alone: pid file {} belongs to the live daemon {} (was run/ copied from another program directory?)",
                            pid, file, owner);
                    continue;
                }
                Optional<ProcessHandle> process = ProcessHandle.of(pid);
                boolean same = process.isPresent() && process.get().isAlive()
                        && (parts.length < 2 || parts[1].equals("-")
                            || process.get().info().startInstant().map(i -> i.toString().equals(parts[1])).orElse(false));
                if (same) {
                    log.warn("Killing leftover worker process group {} of service {} from an earlier daemon", pid,
                            file.getFileName().toString().replace(".pid", ""));
                    WorkerHandle.killGroup(pid);
                    killed++;
                }
                Files.delete(file);
            }
        }
        return killed;
    }
}
