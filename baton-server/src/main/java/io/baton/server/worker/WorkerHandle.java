package io.baton.server.worker;

import io.baton.core.control.ControlChannel;
import io.baton.core.control.ControlMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The daemon's view of one running worker process of a service: the process (in a process group of
 * its own, started through {@code setsid}), its control channel, and a thread that reads its messages.
 *
 * <p>The daemon pings the worker every {@link #PING_INTERVAL}; the worker halts when it hears nothing
 * for its idle timeout, and at once when the channel closes. Killing always targets the whole process
 * group, so that anything the service code started dies with it.
 */
public final class WorkerHandle {

    private static final Logger log = LoggerFactory.getLogger(WorkerHandle.class);

    static final Duration PING_INTERVAL = Duration.ofMillis(250);

    private final String service;
    private final Process process;
    private volatile ControlChannel channel;
    private final PidFiles pidFiles;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile String lastErrorLine = "";
    private volatile boolean killed;
    private volatile Thread logPipe;

    private WorkerHandle(String service, Process process, PidFiles pidFiles) {
        this.service = service;
        this.process = process;
        this.pidFiles = pidFiles;
    }

    /**
     * Starts a worker and waits for its hello. Messages after the hello go to {@code listener}; a
     * {@code fatal} message or an exit before the hello fails the start with the worker's reason.
     */
    public static WorkerHandle start(WorkerCommand command, PidFiles pidFiles, Duration startTimeout,
            Consumer<ControlMessage> listener) throws WorkerStartException {
        String service = command.service();
        Path socketPath = command.socket();
        try {
            Files.deleteIfExists(socketPath);
            Files.createDirectories(socketPath.getParent());
        } catch (IOException e) {
            throw new WorkerStartException("cannot prepare the control socket " + socketPath + ": " + e);
        }
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socketPath));
            // Standard output is merged into the log stream: the JVM reports a fatal OutOfMemoryError there.
            Process process = new ProcessBuilder(command.argv()).redirectErrorStream(true).start();
            pidFiles.write(service, process.pid(), process.info().startInstant().orElse(null));
            WorkerHandle handle = new WorkerHandle(service, process, pidFiles);
            handle.pipeStderr();
            // A thread of its own, because a write larger than the pipe buffer waits until the worker reads it.
            Thread.ofPlatform().name("worker-properties-" + service).daemon().start(() -> sendProperties(process, command));
            try {
                handle.channel = new ControlChannel(accept(server, process, startTimeout, handle));
                handle.awaitHello();
            } catch (WorkerStartException | IOException e) {
                killGroup(process.pid());
                pidFiles.remove(service, process.pid());
                throw e;
            }
            handle.startThreads(listener);
            return handle;
        } catch (IOException e) {
            throw new WorkerStartException("cannot start the worker of service " + service + ": " + e);
        } finally {
            try {
                Files.deleteIfExists(socketPath);
            } catch (IOException e) {
                log.debug("Cannot remove socket {}: {}", socketPath, e.toString());
            }
        }
    }

    /**
     * Writes the effective properties to the worker's standard input as one JSON object and closes it. A worker
     * that already died fails the write; the wait for its connection then reports its exit.
     */
    private static void sendProperties(Process process, WorkerCommand command) {
        try (var in = process.getOutputStream()) {
            in.write(PROPERTIES_JSON.writeValueAsBytes(command.properties()));
        } catch (IOException e) {
            log.debug("Cannot write the properties to the worker of service {} (pid {}): {}", command.service(), process.pid(), e.toString());
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper PROPERTIES_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static SocketChannel accept(ServerSocketChannel server, Process process, Duration timeout, WorkerHandle early)
            throws IOException, WorkerStartException {
        server.configureBlocking(false);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            SocketChannel socket = server.accept();
            if (socket != null) {
                socket.configureBlocking(true);
                return socket;
            }
            if (!process.isAlive()) {
                throw new WorkerStartException("the worker exited with status " + process.exitValue() + " before it connected: "
                        + early.lastErrorLine);
            }
            sleep(10);
        }
        killGroup(process.pid());
        throw new WorkerStartException("the worker did not connect within " + timeout.toMillis() + " ms and was killed");
    }

    private void awaitHello() throws IOException, WorkerStartException {
        ControlMessage first = channel.receive();
        if (first == null) {
            waitFor(process, 2000);
            String status = process.isAlive() ? "" : " with status " + process.exitValue();
            throw new WorkerStartException("the worker exited" + status + " before it was ready: " + lastErrorLine);
        }
        if ("fatal".equals(first.type())) {
            waitFor(process, 2000);
            killGroup(process.pid());
            throw new WorkerStartException(first.error());
        }
        if (!"hello".equals(first.type())) {
            killGroup(process.pid());
            throw new WorkerStartException("the worker sent '" + first.type() + "' instead of hello");
        }
    }

    private void pipeStderr() {
        logPipe = Thread.ofPlatform().name("worker-log-" + service).daemon().start(() -> {
            MDC.put("service", service);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                org.slf4j.event.Level previous = null;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                        lastErrorLine = line;
                    }
                    // The worker's own level is kept, so that its warnings and errors stand out in the service log.
                    WorkerLogLine entry = WorkerLogLine.parse(line, previous);
                    log.atLevel(entry.level()).log("[worker {}] {}", process.pid(), entry.text());
                    previous = entry.level();
                }
            } catch (IOException e) {
                log.debug("Worker output of service {} ended: {}", service, e.toString());
            }
        });
    }

    private void startThreads(Consumer<ControlMessage> listener) {
        Thread.ofPlatform().name("worker-channel-" + service).daemon().start(() -> {
            try {
                ControlMessage m;
                while ((m = channel.receive()) != null) {
                    listener.accept(m);
                }
            } catch (IOException e) {
                log.debug("Control channel of service {} closed: {}", service, e.toString());
            }
            int status = waitForExit();
            joinLogPipe();
            pidFiles.remove(service, process.pid());
            exit.complete(status);
        });
        Thread.ofPlatform().name("worker-ping-" + service).daemon().start(() -> {
            while (!exit.isDone()) {
                try {
                    channel.send(ControlMessage.of("ping"));
                } catch (IOException e) {
                    return;
                }
                sleep(PING_INTERVAL.toMillis());
            }
        });
    }

    /** Waits for the worker's last output lines, so that the reason for an exit is known before it is reported. */
    private void joinLogPipe() {
        try {
            Thread t = logPipe;
            if (t != null) {
                t.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int waitForExit() {
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                // The channel closed but the process lives on: it must not outlive its channel.
                killGroup(process.pid());
                process.waitFor();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public void send(ControlMessage m) throws IOException {
        channel.send(m);
    }

    public long pid() {
        return process.pid();
    }

    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Completes with the exit status once the worker process has exited. */
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    public boolean wasKilled() {
        return killed;
    }

    public String lastErrorLine() {
        return lastErrorLine;
    }

    /** Asks the worker to exit; it does so between items. */
    public void requestExit() {
        try {
            channel.send(ControlMessage.of("exit"));
        } catch (IOException e) {
            log.debug("Exit request to the worker of service {} failed: {}", service, e.toString());
        }
    }

    /** Kills the worker's whole process group at once. Safe to call repeatedly and from any thread. */
    public void kill() {
        killed = true;
        killGroup(process.pid());
        channel.close();
    }

    /**
     * Sends SIGKILL to a process group. Fencing uses it, so it touches no shared storage and does not
     * wait for it. The leader and its descendants are killed directly first, because starting
     * {@code kill(1)} forks, and the child's close of descriptors inherited from the daemon can block on
     * a hung share. {@code kill(1)} then runs on a thread of its own for members that left the tree.
     */
    public static void killGroup(long pgid) {
        ProcessHandle.of(pgid).ifPresent(leader -> {
            leader.descendants().forEach(ProcessHandle::destroyForcibly);
            leader.destroyForcibly();
        });
        Thread.ofPlatform().name("kill-group-" + pgid).daemon().start(() -> killGroupWithCommand(pgid));
    }

    private static void killGroupWithCommand(long pgid) {
        try {
            Process kill = new ProcessBuilder(List.of("kill", "-KILL", "--", "-" + pgid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            ProcessHandle.of(pgid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessHandle.of(pgid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static void waitFor(Process p, long millis) {
        try {
            p.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
