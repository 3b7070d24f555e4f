package io.baton.cli;

import io.baton.core.DataDirectory;
import io.baton.core.DataDirectoryException;
import io.baton.core.config.ConfigException;
import io.baton.core.config.Durations;
import io.baton.core.config.NodeConfig;
import io.baton.core.config.RetentionConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "node", mixinStandardHelpOptions = true, description = "Runs the node daemon in the foreground until SIGTERM, SIGINT or 'baton node stop'.",
        subcommands = {NodeCommand.Stop.class})
final class NodeCommand implements Callable<Integer> {

    private static volatile boolean daemonRunning;

    @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
    Path home;

    @Option(names = "--data", description = "data directory; overrides dataDirectory in conf/node.yaml")
    Path data;

    @Option(names = "--node-id", description = "node id; overrides nodeId in conf/node.yaml")
    String nodeId;

    @Option(names = "--api-port", description = "API port; 0 picks a free one (written to run/api.port)")
    Integer apiPort;

    @Option(names = "--no-autostart", description = "start no service, for maintenance")
    boolean noAutostart;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static boolean isDaemonRunning() {
        return daemonRunning;
    }

    @Override
    public Integer call() throws IOException {
        Path h = Home.resolve(home);
        NodeConfig config = readConfig(h);
        if (data != null) {
            config = config.withDataDirectory(data.toAbsolutePath().normalize());
        }
        if (nodeId != null) {
            config = config.withNodeId(nodeId);
        }
        if (apiPort != null) {
            OptionRange.require(spec.commandLine(), "--api-port", apiPort, 0, 65_535);
            config = config.withApiPort(apiPort);
        }
        if (config.dataDirectory() == null) {
            System.err.println("baton: no data directory: set dataDirectory in " + h.resolve("conf/node.yaml") + " or pass --data");
            return 1;
        }

        // The log settings come from cluster.yaml, so it is read before logging starts; the daemon checks it again.
        RetentionConfig retention;
        try {
            retention = new DataDirectory(config.dataDirectory()).open().retention();
        } catch (ConfigException | DataDirectoryException e) {
            System.err.println("baton: node " + config.nodeId() + " cannot start: " + e.getMessage());
            return 1;
        }

        // Logging starts here, once the log folder, node id and rollover settings are known.
        System.setProperty("baton.logs", config.dataDirectory().resolve("logs").toString());
        System.setProperty("baton.node", config.nodeId());
        System.setProperty("baton.logs.maxHistory", Integer.toString(retention.logMaxHistory()));
        System.setProperty("baton.logs.maxSize", retention.logMaxSize());
        System.setProperty("baton.logs.totalSize", retention.logTotalSize());
        Path logback = h.resolve("conf/logback.xml");
        if (Files.exists(logback)) {
            System.setProperty("logback.configurationFile", logback.toString());
        }

        io.baton.server.node.NodeDaemon daemon;
        try {
            daemon = new io.baton.server.node.NodeDaemon(h, config, !noAutostart);
        } catch (ConfigException | DataDirectoryException e) {
            System.err.println("baton: node " + config.nodeId() + " cannot start: " + e.getMessage());
            return 1;
        }
        Runnable stop = () -> Thread.ofPlatform().name("signal-stop").start(() -> {
            daemon.shutdown();
            stopLoggingAndExit(0);
        });
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.run());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> stop.run());
        try {
            daemon.start();
        } catch (io.baton.server.node.ProgramDirectoryInUseException | io.baton.server.node.NodeIdInUseException | IOException e) {
            System.err.println("baton: node " + config.nodeId() + " cannot start: " + e.getMessage());
            return 1;
        }
        daemonRunning = true;
        try {
            daemon.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (daemon.fatalError() != null) {
            System.err.println("baton: node " + config.nodeId() + " stopped: " + daemon.fatalError());
            stopLoggingAndExit(1);
        }
        stopLoggingAndExit(0);
        return 0;
    }

    /**
     * Stops logging, then exits the JVM. The appenders of conf/logback.xml are asynchronous, and stopping them
     * writes the lines still queued, such as the step-down and the stop, which an exit alone would drop. Each
     * asynchronous appender waits at most its maxFlushTime (logback's default is 1 s), so a hung log folder
     * delays the exit by seconds at most. Synchronized, because the signal handler and the main thread may
     * both get here.
     */
    private static synchronized void stopLoggingAndExit(int status) {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logging) {
            logging.stop();
        }
        System.exit(status);
    }

    static NodeConfig readConfig(Path home) throws IOException {
        Path file = home.resolve("conf/node.yaml");
        try {
            return NodeConfig.parse(file, Files.readString(file, StandardCharsets.UTF_8), home);
        } catch (NoSuchFileException e) {
            return NodeConfig.parse(file, "{}", home);
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops the node daemon of this program directory: services stopped at a commit point, "
            + "every worker exited, lease released. Returns once the daemon has exited.")
    static final class Stop implements Callable<Integer> {

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2m", converter = DurationConverter.class,
                description = "time to wait for the daemon to exit, such as 30s or 2m; a plain number is seconds (default: ${DEFAULT-VALUE})")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            Path h = Home.resolve(home);
            if (!Files.exists(h.resolve("run/api.port"))) {
                throw new Api.ApiFailure("no node is running in " + h + " (" + h.resolve("run/api.port") + " is missing), so there is "
                        + "nothing to stop; to stop a node of another program directory, pass its --home");
            }
            Api api = Api.connect(h);
            Path pidFile = h.resolve("run/daemon.pid");
            java.util.Optional<ProcessHandle> daemon = Files.exists(pidFile)
                    ? ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())) : java.util.Optional.empty();
            api.post("/api/node/stop");
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                boolean exited = daemon.map(p -> !p.isAlive()).orElse(!api.reachable());
                if (exited) {
                    System.out.println("Node stopped.");
                    return 0;
                }
                Thread.sleep(100);
            }
            System.err.println("baton: the node did not stop within " + Durations.format(timeout)
                    + "; its log in " + readConfig(h).dataDirectory().resolve("logs") + " says what it is waiting for");
            return 1;
        }
    }
}
