package io.baton.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Process handling shared by the real servers the tests start on 127.0.0.1. */
final class LoopbackServers {

    private LoopbackServers() {
    }

    /** The first port of Linux's default ephemeral range (net.ipv4.ip_local_port_range is 32768 to 60999). */
    static final int EPHEMERAL_START = 32_768;

    /**
     * Returns a port on 127.0.0.1 that was free a moment ago, below the ephemeral range. A server that is
     * restarted on its port keeps it: no outgoing connection of another process is given such a port.
     */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, EPHEMERAL_START);
            if (isFree(port)) {
                return port;
            }
        }
        throw new IOException("no free port found on 127.0.0.1 between 20000 and " + EPHEMERAL_START);
    }

    /** Tells whether a server socket can be bound to 127.0.0.1:{@code port} now. */
    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Waits up to 20 s until {@code process} accepts connections on 127.0.0.1:{@code port}.
     *
     * @param output the file the process writes its output to, shown when it exits early
     */
    static void awaitListening(Process process, int port, Path output, String name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + ": " + Files.readString(output));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException(name + " did not listen on 127.0.0.1:" + port + " within 20 s");
    }

    /** Kills the listener and every connection process at once, as a crashed server would end. */
    static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
