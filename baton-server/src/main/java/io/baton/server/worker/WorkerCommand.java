package io.baton.server.worker;

import io.baton.core.config.ServiceDescriptor;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of a service worker: {@code setsid} (a process group of its own, so that a kill
 * reaches everything the service started), the same Java as the daemon, the service's heap and JVM
 * options, and a class path of Baton's jars followed by the service's own.
 *
 * <p>{@code properties} are the service's effective properties (descriptor, settings and variables resolved).
 * They reach the worker on its standard input, never on the command line or in the environment, because they
 * may contain secrets that other users could read in the process list.
 */
public record WorkerCommand(String service, Path socket, List<String> argv, Map<String, String> properties) {

    /** The worker option that makes it read its properties from standard input. */
    public static final String PROPERTIES_ON_STDIN = "--properties-stdin";

    @Override
    public String toString() {
        return "WorkerCommand[service=" + service + ", argv=" + argv + ", " + properties.size() + " properties]";
    }

    /** Longest path a Unix domain socket address may have on Linux, including the terminating NUL. */
    public static final int MAX_SOCKET_PATH = 107;

    public static WorkerCommand build(ServiceDescriptor d, Path home, Path dataDirectory, Path serviceFolder, Duration idleTimeout,
            Map<String, String> properties) {
        Path socket = home.resolve("run").resolve(d.name() + ".sock").toAbsolutePath();
        if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new IllegalArgumentException("the control socket path " + socket + " is longer than " + MAX_SOCKET_PATH
                    + " bytes; install Baton in a program directory with a shorter path");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> argv = new ArrayList<>();
        argv.add("setsid");
        argv.add(java);
        argv.add("-Xmx" + d.jvm().heap());
        argv.add("-XX:+ExitOnOutOfMemoryError");
        argv.add("-XX:+UseSerialGC");
        argv.add("-Xshare:auto");
        argv.add("-Dlogback.configurationFile=baton-worker-logback.xml");
        argv.addAll(d.jvm().options());
        argv.add("-cp");
        argv.add(home.resolve("lib") + File.separator + "*" + File.pathSeparator
                + serviceFolder.resolve("lib") + File.separator + "*");
        argv.add("io.baton.worker.WorkerMain");
        argv.addAll(List.of("--service", d.name(), "--socket", socket.toString(),
                "--descriptor", serviceFolder.resolve("service.yaml").toString(),
                "--data", dataDirectory.toString(), "--idle-timeout-ms", Long.toString(idleTimeout.toMillis()), PROPERTIES_ON_STDIN));
        return new WorkerCommand(d.name(), socket, argv, Map.copyOf(properties));
    }
}
