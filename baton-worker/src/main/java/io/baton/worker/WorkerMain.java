package io.baton.worker;

import io.baton.core.config.DescriptorParser;
import io.baton.core.config.ServiceDescriptor;
import io.baton.core.control.ControlChannel;
import io.baton.core.control.ControlMessage;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Entry point of a service worker: a JVM of its own, started by the node daemon in its own process
 * group, that runs one service's steps on the work items the daemon sends.
 *
 * <p>The worker never outlives its daemon: it halts at once when the control channel reaches end of
 * stream (the daemon died or closed it) or stays silent for longer than the idle timeout, which the
 * daemon sets below its lease renew deadline. A reader thread takes every message, so pings keep
 * arriving while an item is being processed on the main thread.
 *
 * <p>Outputs reported done are made durable by a {@code sync} message, which the daemon sends after
 * each batch and awaits before it commits anything of that batch.
 *
 * <p>Arguments: {@code --service NAME --socket PATH --descriptor FILE --data DIR --idle-timeout-ms N}.
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    /**
     * Exit status when the daemon went away: nothing was published, the claims are released by
     * recovery. Distinct from 3, which the JVM uses for -XX:+ExitOnOutOfMemoryError.
     */
    static final int EXIT_DAEMON_GONE = 10;
    /** Exit status when the service cannot run at all (bad step class, unreadable descriptor). */
    static final int EXIT_FATAL = 11;

    private volatile long lastMessageNanos = System.nanoTime();

    public static void main(String[] args) {
        WorkerArguments a = WorkerArguments.parse(args);
        MDC.put("service", a.service());
        new WorkerMain().run(a);
    }

    private void run(WorkerArguments a) {
        ControlChannel channel;
        try {
            SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
            socket.connect(UnixDomainSocketAddress.of(a.socket()));
            channel = new ControlChannel(socket);
        } catch (IOException e) {
            log.error("Worker of service {} cannot connect to the daemon at {}: {}", a.service(), a.socket(), e.toString());
            Runtime.getRuntime().halt(EXIT_DAEMON_GONE);
            return;
        }

        Pipeline pipeline;
        try {
            String yaml = Files.readString(a.descriptor(), StandardCharsets.UTF_8);
            ServiceDescriptor descriptor = new DescriptorParser(a.data()).parse(a.descriptor().toString(), yaml);
            if (a.propertiesOnStdin()) {
                descriptor = WorkerProperties.apply(descriptor, WorkerProperties.read(System.in));
            }
            pipeline = Pipeline.create(descriptor);
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            log.error("Worker of service {} cannot start: {}", a.service(), reason);
            sendQuietly(channel, ControlMessage.fatal(reason));
            Runtime.getRuntime().halt(EXIT_FATAL);
            return;
        }

        BlockingQueue<ControlMessage> work = new LinkedBlockingQueue<>();
        Thread.ofPlatform().name("control-reader").daemon().start(() -> readLoop(channel, work));
        Thread.ofPlatform().name("idle-watchdog").daemon().start(() -> idleWatch(a.idleTimeoutMillis()));
        sendQuietly(channel, ControlMessage.hello(ProcessHandle.current().pid()));
        log.info("Worker of service {} started (pid {})", a.service(), ProcessHandle.current().pid());

        processLoop(channel, work, pipeline);
    }

    private void readLoop(ControlChannel channel, BlockingQueue<ControlMessage> work) {
        try {
            while (true) {
                ControlMessage m = channel.receive();
                if (m == null) {
                    // The daemon is gone: stop at once, so this worker cannot act as a second copy of the service.
                    Runtime.getRuntime().halt(EXIT_DAEMON_GONE);
                }
                lastMessageNanos = System.nanoTime();
                switch (m.type()) {
                    case "ping" -> { }
                    case "exit" -> Runtime.getRuntime().halt(0);
                    default -> work.add(m);
                }
            }
        } catch (IOException e) {
            Runtime.getRuntime().halt(EXIT_DAEMON_GONE);
        }
    }

    private void idleWatch(long idleTimeoutMillis) {
        long stepMillis = Math.max(10, idleTimeoutMillis / 10);
        long lastCheckNanos = System.nanoTime();
        while (true) {
            try {
                Thread.sleep(stepMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long oversleptMillis = (now - lastCheckNanos) / 1_000_000L - stepMillis;
            lastCheckNanos = now;
            if (oversleptMillis > idleTimeoutMillis / 2) {
                // This worker itself was paused (SIGSTOP, a frozen VM): the daemon's pings are waiting in
                // the socket. One more step lets the reader take them; a daemon that is really silent
                // still ends the worker at the next check.
                System.err.println("baton worker: this process did not run for " + oversleptMillis
                        + " ms; checking the daemon's messages before judging its silence");
                System.err.flush();
                continue;
            }
            long silentMillis = (now - lastMessageNanos) / 1_000_000L;
            if (silentMillis > idleTimeoutMillis) {
                System.err.println("baton worker: no message from the daemon for " + silentMillis + " ms (limit "
                        + idleTimeoutMillis + " ms); exiting so that no work outlives the daemon's lease");
                System.err.flush();
                Runtime.getRuntime().halt(EXIT_DAEMON_GONE);
            }
        }
    }

    private void processLoop(ControlChannel channel, BlockingQueue<ControlMessage> work, Pipeline pipeline) {
        while (true) {
            ControlMessage m;
            try {
                m = work.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if ("sync".equals(m.type())) {
                try {
                    pipeline.sync();
                    sendQuietly(channel, ControlMessage.of("synced"));
                } catch (IOException e) {
                    // Without durable outputs nothing may be committed: the daemon releases the items.
                    log.error("Worker cannot sync its staged outputs: {}", e.toString());
                    Runtime.getRuntime().halt(EXIT_FATAL);
                }
                continue;
            }
            if (!"process".equals(m.type())) {
                log.warn("Ignoring unexpected control message '{}'", m.type());
                continue;
            }
            sendQuietly(channel, ControlMessage.started(m.itemId()));
            sendQuietly(channel, pipeline.process(m));
        }
    }

    private static void sendQuietly(ControlChannel channel, ControlMessage m) {
        try {
            channel.send(m);
        } catch (IOException e) {
            Runtime.getRuntime().halt(EXIT_DAEMON_GONE);
        }
    }

    /** Command-line arguments of a worker. */
    record WorkerArguments(String service, Path socket, Path descriptor, Path data, long idleTimeoutMillis, boolean propertiesOnStdin) {

        /** The option, without a value, that makes the worker read its effective properties from standard input. */
        static final String PROPERTIES_ON_STDIN = "--properties-stdin";

        static WorkerArguments parse(String[] args) {
            java.util.List<String> rest = new java.util.ArrayList<>(java.util.List.of(args));
            boolean propertiesOnStdin = rest.remove(PROPERTIES_ON_STDIN);
            java.util.Map<String, String> m = new java.util.HashMap<>();
            for (int i = 0; i + 1 < rest.size(); i += 2) {
                m.put(rest.get(i), rest.get(i + 1));
            }
            for (String required : new String[] {"--service", "--socket", "--descriptor", "--data", "--idle-timeout-ms"}) {
                if (!m.containsKey(required)) {
                    System.err.println("baton worker: missing argument " + required + "; workers are started by the node daemon");
                    System.exit(EXIT_FATAL);
                }
            }
            return new WorkerArguments(m.get("--service"), Path.of(m.get("--socket")), Path.of(m.get("--descriptor")),
                    Path.of(m.get("--data")), Long.parseLong(m.get("--idle-timeout-ms")), propertiesOnStdin);
        }
    }
}
